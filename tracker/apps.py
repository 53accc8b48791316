from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        # Connect the signal receivers (the Celery tasks are found by config/celery.py).
        from tracker.api import receivers as api_receivers  # noqa: F401
        from tracker.reminders import receivers  # noqa: F401
