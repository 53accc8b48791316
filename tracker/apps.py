from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Tracker"

    def ready(self):
        from tracker import receivers  # noqa: F401  (connects the signal receivers)
