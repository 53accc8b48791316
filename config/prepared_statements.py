"""Whether this project's database sessions may keep statements prepared on the server.

Prepared once per session, a statement is then only executed: the API's list pages and the
reminder outbox's claim and mark skip parsing and planning. Behind a pooler in transaction
mode (DATABASE_TRANSACTION_POOLER=1, which sets DISABLE_SERVER_SIDE_CURSORS) a session does
not outlive its transaction, so nothing is prepared there.
"""

from django.db.backends.postgresql.psycopg_any import is_psycopg3


def can_prepare(connection) -> bool:
    """Whether statements may be prepared on this connection's server: PostgreSQL (psycopg 3),
    unless Django is told it sits behind a pooler in transaction mode
    (DISABLE_SERVER_SIDE_CURSORS), where a prepared statement would not outlive the
    transaction. Django itself prepares nothing, for the same reason."""
    return (
        connection.vendor == "postgresql"
        and is_psycopg3
        and not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    )
