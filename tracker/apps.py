from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = "Cardiac monitoring"

    def ready(self):
        from django.db.models.signals import post_migrate

        from tracker import checks, signals  # noqa: F401 - registers the checks, receivers
        from tracker.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)


class TrackerAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the tracker's site (administrators only, audited autocomplete)."""

    default = False  # "tracker" in INSTALLED_APPS still means TrackerConfig
    default_site = "tracker.admin.site.TrackerAdminSite"

    def ready(self):
        # The default site is built on its first use, by importing tracker.admin.site, which
        # runs tracker/admin/__init__.py first. Were that first use another app's registration
        # (auth's Group), the tracker's admins would register on a site that is then replaced;
        # so the tracker's admins are imported, and the site built, before autodiscovery.
        import tracker.admin  # noqa: F401

        super().ready()
