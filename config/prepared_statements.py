"""Statements prepared on the PostgreSQL server, where the database session allows it.

A statement prepared once per connection is then only executed: the hot paths (the API's
list pages, the reminder outbox's claim and mark) skip parsing and planning. Behind a pooler
in transaction mode (DATABASE_TRANSACTION_POOLER=1, which sets DISABLE_SERVER_SIDE_CURSORS) a
prepared statement would not outlive its transaction, so nothing is prepared there.
"""

from contextlib import contextmanager

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


@contextmanager
def prepared_cursor(connection):
    """A cursor of Django's `connection` (PostgreSQL, `can_prepare`) whose statements are
    prepared on the server at their first execution and then only executed. Still Django's
    cursor wrapper: its errors and its query log (the query counts)."""
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    connection.ensure_connection()
    connection.validate_thread_sharing()
    session = connection.connection
    with connection.wrap_database_errors:
        raw = psycopg.Cursor(session)
        # Datetimes in the connection's time zone, as Django's own cursors read them.
        timestamptz = psycopg.adapters.types["timestamptz"].oid
        if connection.timezone != session.adapters.get_loader(timestamptz, Format.TEXT).timezone:
            register_tzloader(connection.timezone, raw)
    wrapped = (
        connection.make_debug_cursor(raw)
        if connection.queries_logged
        else connection.make_cursor(raw)
    )
    threshold = session.prepare_threshold
    session.prepare_threshold = 0  # prepared at the first execution, for this cursor alone
    try:
        with wrapped as cursor:
            yield cursor
    finally:
        session.prepare_threshold = threshold
