"""Settings for the benchmarks: production settings (DEBUG off) on this machine's loopback.

Only what a benchmark on 127.0.0.1 needs differs: a bench signing key, plain HTTP, a
throttle too high to bite, mail kept in memory, and `bench.urls` (the app's URLs plus a
trivial JSON view to compare throughput with). DATABASE_URL comes from the environment.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-used-anywhere-else-0123456789abcdefghij")
os.environ["DEBUG"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["API_ANON_RATE"] = "1000000/second"
os.environ["SECURE_SSL_REDIRECT"] = "0"
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["CSRF_COOKIE_SECURE"] = "0"
os.environ["SECURE_HSTS_SECONDS"] = "0"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.pop("CELERY_BROKER_URL", None)

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_BROKER_URL = "memory://"
CELERY_TASK_ALWAYS_EAGER = True
