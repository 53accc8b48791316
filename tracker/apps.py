from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        # Connect the signal receivers, and register the Celery tasks (they live in a room,
        # not in `tracker.tasks`, where Celery's autodiscovery would look).
        from tracker.api import receivers as api_receivers  # noqa: F401
        from tracker.reminders import receivers, tasks  # noqa: F401
