from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Cardiac monitoring"

    def ready(self):
        from django.db.models.signals import post_migrate

        from tracker import signals  # noqa: F401 - connects the audit and status receivers
        from tracker.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
