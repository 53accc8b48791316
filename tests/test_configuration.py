"""Settings come from the environment, and a value we cannot use stops the process at start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "SECRET_KEY": "k3y-" + "x7Qp9Lm2Vb8Zr4Tn6Wc1Yd5Hf0Js3Ka" * 2,
    "ALLOWED_HOSTS": "scrutiny.example.gov.uk",
    "DEBUG": "0",
}


def run_manage(*args, tmp_path, **env):
    environment = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'check.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_passes_with_production_values(tmp_path):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path, **PRODUCTION
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"DEBUG": "0"}, "SECRET_KEY"),
        ({**PRODUCTION, "DEBUG": "maybe"}, "DEBUG"),
        ({**PRODUCTION, "EMAIL_PORT": "abc"}, "EMAIL_PORT"),
        ({**PRODUCTION, "TIME_ZONE": "Mars/Base"}, "TIME_ZONE"),
        ({**PRODUCTION, "EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND"),
        ({**PRODUCTION, "REPORT_REMINDER_WORKING_DAYS": "ten"}, "REPORT_REMINDER_WORKING_DAYS"),
        ({**PRODUCTION, "DIGEST_WEEKDAY": "funday"}, "DIGEST_WEEKDAY"),
    ],
)
def test_a_bad_value_stops_the_start_naming_the_variable(tmp_path, env, named):
    result = run_manage("check", tmp_path=tmp_path, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]
