"""Each test process starts from a database migrated once, not migrated again.

Migrating from empty costs about 17 s of CPU, and `make test` starts eight test processes
(two pytest-xdist workers and the `services` run, on SQLite and on PostgreSQL). So the
first process migrates a template, named after a digest of every migration file and of
Django's version, under a file lock; every process then copies it: PostgreSQL with
CREATE DATABASE ... TEMPLATE, SQLite with the backup API into its in-memory database. A
template whose digest no longer matches is never used, and is replaced when built anew.
"""

import fcntl
import hashlib
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "var" / "test-databases"


def migrations_digest() -> str:
    """Changes whenever any migration of the project, or any locked package (Django's and the
    other apps' migrations), changes."""
    digest = hashlib.sha256(django.__version__.encode())
    digest.update((ROOT / "requirements.lock").read_bytes())
    for path in sorted(ROOT.glob("**/migrations/*.py")):
        if ".venv" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@contextmanager
def locked(name: str):
    """One process at a time builds or copies a template (the xdist workers start together)."""
    TEMPLATES.mkdir(parents=True, exist_ok=True)
    with open(TEMPLATES / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _point_at(connection, name: str) -> None:
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


def _migrate_into(connection, test_name: str, verbosity: int) -> None:
    """Django's own test database creation (migrate, cache table), under the name given."""
    connection.settings_dict.setdefault("TEST", {})["NAME"] = test_name
    connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    connection.close()


def _postgres_template(connection, verbosity: int) -> str:
    creation = connection.creation
    prefix = f"{connection.settings_dict['NAME']}_migrated_"
    template = f"{prefix}{migrations_digest()}"
    with locked(template):
        with creation._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}%"])
            existing = {row[0] for row in cursor.fetchall()}
        if template not in existing:
            building = f"{template}_building"
            test_name = connection.settings_dict.get("TEST", {}).get("NAME")
            _migrate_into(connection, building, verbosity)
            connection.settings_dict["TEST"]["NAME"] = test_name
            with creation._nodb_cursor() as cursor:
                for stale in existing:
                    cursor.execute(f'DROP DATABASE IF EXISTS "{stale}"')
                cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    return template


def _postgres(connection, verbosity: int) -> str:
    creation = connection.creation
    test_name = creation._get_test_db_name()
    template = _postgres_template(connection, verbosity)
    with locked(template), creation._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
        cursor.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{template}"')
    return test_name


def _sqlite_template(connection, verbosity: int) -> Path:
    template = TEMPLATES / f"sqlite-{migrations_digest()}.sqlite3"
    with locked(template.stem):
        if not template.exists():
            building = template.with_suffix(".building")
            building.unlink(missing_ok=True)
            test_name = connection.settings_dict.get("TEST", {}).get("NAME")
            _migrate_into(connection, str(building), verbosity)
            connection.settings_dict["TEST"]["NAME"] = test_name
            for stale in TEMPLATES.glob("sqlite-*.sqlite3"):
                stale.unlink()
            building.rename(template)
    return template


def _sqlite(connection, verbosity: int) -> str:
    creation = connection.creation
    test_name = creation._get_test_db_name()
    template = _sqlite_template(connection, verbosity)
    if not creation.is_in_memory_db(test_name):
        Path(test_name).unlink(missing_ok=True)
    _point_at(connection, test_name)
    connection.ensure_connection()
    source = sqlite3.connect(template)
    source.backup(connection.connection)
    source.close()
    return test_name


def _delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(t))};" for t in tables
    ]


def flush_by_deleting_rows(connection) -> None:
    """On PostgreSQL, empty the tables after a transactional test (a live server's, a real
    worker's) with DELETE rather than Django's TRUNCATE. TRUNCATE gives every table and index
    new files, which the commit waits to write to disk: 1.3 to 1.5 s after every such test on
    this machine, where deleting the few rows a test leaves takes milliseconds. The foreign
    keys are deferred to the commit, so the order of the tables does not matter."""
    global _truncate
    operations = type(connection.ops)
    if connection.vendor == "postgresql" and operations.sql_flush is not _delete_rows:
        _truncate = operations.sql_flush
        operations.sql_flush = _delete_rows


_truncate = None


def setup_database(verbosity: int = 0) -> list:
    """The default database made from the template; returns what teardown_databases takes."""
    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        test_name = _postgres(connection, verbosity)
        flush_by_deleting_rows(connection)
    else:
        test_name = _sqlite(connection, verbosity)
    _point_at(connection, test_name)
    return [(connection, old_name, True)]


def teardown_database(created: list, verbosity: int = 0) -> None:
    """Drop SQLite's test database; leave PostgreSQL's for the next run to replace.

    DROP DATABASE makes PostgreSQL write out every page the run changed and wait for the disk
    (about 10 s after a whole run, at the end of each process); the next run drops the old copy
    (`_postgres`) before making its own, when there is little left to write."""
    from django.test.utils import teardown_databases

    for connection, _old_name, _destroy in created:
        if connection.vendor == "postgresql":
            connection.close()
    teardown_databases(
        [entry for entry in created if entry[0].vendor != "postgresql"], verbosity=verbosity
    )


def build_template() -> str:
    """`python -m tests.database_template`: migrate the template of DATABASE_URL's database
    ahead of the test run, so that `make test` builds SQLite's and PostgreSQL's side by side."""
    connection = connections["default"]
    name = connection.settings_dict["NAME"]
    if connection.vendor == "postgresql":
        built = _postgres_template(connection, verbosity=0)
    else:
        built = str(_sqlite_template(connection, verbosity=0))
    _point_at(connection, name)
    return built


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    django.setup()
    print(f"test database template ready: {build_template()}")
