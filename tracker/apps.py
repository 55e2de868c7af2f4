from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Cardiac monitoring"

    def ready(self):
        from tracker import signals  # noqa: F401 - connects the audit receivers
