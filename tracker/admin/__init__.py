"""The admin panel for administrators (tracker.admin.site.TrackerAdminSite). Clinical records
cannot be deleted here either: a mistake is marked entered in error (an admin action asks for the
reason), and the change is kept in history. Importing the package registers every model."""

from tracker.admin import api, audit, clinical, users  # noqa: F401 - each module registers its admins
