from django.apps import AppConfig


class ModernGovConfig(AppConfig):
    name = "tracker.moderngov"
    label = "moderngov"
    verbose_name = "modern.gov"
