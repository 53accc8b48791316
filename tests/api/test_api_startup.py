"""A process that reads REST framework's settings before loading any view still starts.

A Celery worker does exactly that (REST framework's system checks run at its start); an
import circle there left the worker sending nothing.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

READ_SETTINGS_FIRST = """
import django
django.setup()
from rest_framework.settings import api_settings
print(api_settings.DEFAULT_PAGINATION_CLASS.__name__, api_settings.EXCEPTION_HANDLER.__name__,
      [parser.__name__ for parser in api_settings.DEFAULT_PARSER_CLASSES])
"""


def test_reading_the_api_settings_first_imports_cleanly():
    result = subprocess.run(
        [sys.executable, "-c", READ_SETTINGS_FIRST],
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.test_settings", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "Pages exception_handler ['JSONParser', 'FormParser', 'MultiPartParser']"
    )
