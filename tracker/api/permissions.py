"""The web roles' permissions (tracker/roles.py), checked per method as views/common.require does
for the pages."""

from rest_framework import permissions

READS = ("GET", "HEAD", "OPTIONS")
NOT_STAFF = "This account is not a clinic staff account."
NOT_ALLOWED = "Your role does not allow this."


class ClinicStaff(permissions.BasePermission):
    """A signed-in, active clinic staff account (StaffRequiredMiddleware's rule for the pages),
    holding the view's permission for this method: `view.permissions` maps a method ("GET",
    "POST", "PATCH") to a codename, e.g. "add_lvefmeasurement"."""

    message = NOT_ALLOWED

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False  # NotAuthenticated: 401
        if not (user.is_active and user.is_staff):
            self.message = NOT_STAFF
            return False
        needed = getattr(view, "permissions", {})
        method = "GET" if request.method in READS else request.method
        codename = needed.get(method)
        if codename is None:
            return True  # a method the view does not offer: 405 follows
        return user.has_perm(f"tracker.{codename}")
