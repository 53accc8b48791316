"""The Celery application. Tasks live in `tracker.reminders.tasks`; settings come from Django's, under CELERY_."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("scrutiny_tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks live in the reminders room, not in an app's top-level `tasks` module.
app.autodiscover_tasks(["tracker.reminders"])
