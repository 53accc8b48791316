"""Hermetic settings for the test suite: nothing from a developer's shell leaks in but the
database (DATABASE_URL chooses SQLite or the real PostgreSQL) and the Redis URL used by the
tests that run a real Celery worker."""

import os

os.environ["SECRET_KEY"] = "test-secret-key-not-used-anywhere-else-0123456789abcdefghijklmnop"
os.environ["DEBUG"] = "0"
os.environ.pop("CELERY_BROKER_URL", None)
os.environ.pop("EMAIL_BACKEND", None)
os.environ.pop("TIME_ZONE", None)
# The suite walks the public API many times over; the throttle test sets its own rate.
os.environ["API_ANON_RATE"] = "100000/minute"
os.environ.pop("CACHE_URL", None)
# Tests run inside transactions that never commit, so the cache's version never moves;
# tests/test_api_cache.py turns it on and commits.
os.environ["API_CACHE_SECONDS"] = "0"

from config.settings import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "https://scrutiny.example.test"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
