"""Settings come from the environment alone, and a value that cannot be used stops the process at
start with a message naming the variable.

Each test starts a fresh Python with a controlled environment (nothing leaks in from the
developer's shell or from the test settings), exactly as a server or worker would start.
"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # the project's .venv/bin/python when run as .venv/bin/pytest

SETUP = "import django; django.setup()"
# Reading a value needs only the settings module, not every app (a third of the start's cost).
SHOW = "from django.conf import settings as s; print(repr({name}))"


@pytest.fixture
def production(tmp_path):
    """What a production server is started with."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 random characters
        "ALLOWED_HOSTS": "scrutiny.example.gov.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'scrutiny.sqlite3'}",
        "DEBUG": "0",
    }


def start(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    return subprocess.run(
        [PYTHON, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def refusal(result: subprocess.CompletedProcess) -> str:
    """The last line of the traceback: the exception and its message."""
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


def setting(name: str, **env: str):
    return settings_of(name, **env)[name]


def settings_of(*names: str, **env: str) -> dict[str, str]:
    """The repr of each named setting, read by one fresh Python started with `env`."""
    code = ";".join(SHOW.format(name=f"s.{name}") for name in names)
    result = start("-c", code, **env)
    assert result.returncode == 0, result.stderr
    return dict(zip(names, result.stdout.strip().splitlines(), strict=True))


def test_the_production_values_start_cleanly(production):
    result = start("-c", SETUP, **production)
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_with_debug_off_and_no_secret_key(tmp_path):
    message = refusal(start("-c", SETUP, DEBUG="0"))
    assert message == (
        "django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off. "
        "For a local run, set DEBUG=1 (the README's `make run` does this for you)."
    )


def test_debug_is_off_unless_asked_for_so_a_missing_secret_key_stops_the_start():
    assert "SECRET_KEY" in refusal(start("-c", SETUP))


def test_an_empty_secret_key_counts_as_missing(production):
    assert "SECRET_KEY" in refusal(start("-c", SETUP, **{**production, "SECRET_KEY": ""}))


def test_a_local_run_with_debug_on_needs_no_secret_key():
    result = start("-c", SETUP, DEBUG="1")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false (1/0, yes/no, on/off), not 'maybe'"),
        ("EMAIL_PORT", "abc", "EMAIL_PORT must be a whole number, not 'abc'"),
        ("EMAIL_PORT", "70000", "EMAIL_PORT must be at most 65535, not 70000"),
        ("TIME_ZONE", "Mars/Base", "TIME_ZONE 'Mars/Base' is not a known time zone"),
        (
            "EMAIL_BACKEND",
            "pigeon",
            "EMAIL_BACKEND must be one of console, file, memory, notify, smtp, not 'pigeon'",
        ),
        ("REMINDER_HOUR", "24", "REMINDER_HOUR must be at most 23, not 24"),
        (
            "REMINDER_DELIVERY_PROCESSES",
            "0",
            "REMINDER_DELIVERY_PROCESSES must be at least 1, not 0",
        ),
        (
            "DIGEST_WEEKDAY",
            "funday",
            "DIGEST_WEEKDAY must be a day of the week such as monday, not 'funday'",
        ),
        (
            "REPORT_REMINDER_WORKING_DAYS",
            "ten",
            "REPORT_REMINDER_WORKING_DAYS must be whole numbers separated by commas, not 'ten'",
        ),
        (
            "API_ANON_RATE",
            "²/minute",
            "API_ANON_RATE must be a rate such as 120/minute (second, minute, hour or day), "
            "not '²/minute'",
        ),
        (
            "EMAIL_USE_TLS",
            "perhaps",
            "EMAIL_USE_TLS must be true or false (1/0, yes/no, on/off), not 'perhaps'",
        ),
    ],
)
def test_a_value_that_cannot_be_used_stops_the_start_naming_the_variable(
    production, variable, value, message
):
    result = start("-c", SETUP, **{**production, variable: value})
    assert refusal(result) == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_it_refuses_both_starttls_and_implicit_tls(production):
    result = start("-c", SETUP, **production, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert refusal(result) == (
        "django.core.exceptions.ImproperlyConfigured: "
        "Set at most one of EMAIL_USE_TLS and EMAIL_USE_SSL"
    )


def test_check_deploy_passes_with_production_values(production):
    result = start("manage.py", "check", "--deploy", "--fail-level", "WARNING", **production)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_fails_on_a_development_configuration(tmp_path):
    result = start(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'scrutiny.sqlite3'}",
    )
    assert result.returncode != 0
    assert "security.W018" in result.stderr  # DEBUG must not be on in deployment


def test_check_deploy_fails_on_a_short_secret_key(production):
    result = start(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **{**production, "SECRET_KEY": "too-short"},
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_is_hardened_for_https_by_default(production):
    names = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    assert settings_of(*names, "SECURE_HSTS_SECONDS", "ALLOWED_HOSTS", **production) == {
        "SECURE_SSL_REDIRECT": "True",
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "ALLOWED_HOSTS": "['scrutiny.example.gov.uk']",
    }


def test_a_local_run_answers_on_localhost_without_https(tmp_path):
    assert settings_of(
        "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", DEBUG="1"
    ) == {
        "ALLOWED_HOSTS": "['localhost', '127.0.0.1', '[::1]']",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "0",
    }


def test_the_database_is_chosen_by_database_url(production):
    postgres = {**production, "DATABASE_URL": "postgres://scrutiny@db.internal:5432/scrutiny"}
    engine, host = "DATABASES['default']['ENGINE']", "DATABASES['default']['HOST']"
    assert settings_of(engine, host, **postgres) == {
        engine: "'django.db.backends.postgresql'",
        host: "'db.internal'",
    }
    assert setting("DATABASES['default']['ENGINE']", **production) == (
        "'django.db.backends.sqlite3'"
    )


def test_a_transaction_pooler_turns_off_what_needs_a_lasting_server_session(production):
    postgres = {**production, "DATABASE_URL": "postgres://scrutiny@db.internal:6432/scrutiny"}
    name = "DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']"
    assert setting(name, **postgres) == "False"
    assert setting(name, **postgres, DATABASE_TRANSACTION_POOLER="1") == "True"


def test_without_a_broker_the_reminder_jobs_run_in_process(production):
    assert setting("CELERY_TASK_ALWAYS_EAGER", **production) == "True"
    with_broker = {**production, "CELERY_BROKER_URL": "redis://redis.internal:6379/0"}
    assert settings_of("CELERY_TASK_ALWAYS_EAGER", "CELERY_BROKER_URL", **with_broker) == {
        "CELERY_TASK_ALWAYS_EAGER": "False",
        "CELERY_BROKER_URL": "'redis://redis.internal:6379/0'",
    }


def test_the_council_time_zone_defaults_to_london(production):
    assert setting("TIME_ZONE", **production) == "'Europe/London'"
    assert setting("TIME_ZONE", **production, TIME_ZONE="Europe/Dublin") == "'Europe/Dublin'"
