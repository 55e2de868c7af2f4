"""The project's admin site, installed as Django's default site by tracker.apps.TrackerAdminConfig.
It imports nothing of tracker.admin: building the default site imports this module, and the
ModelAdmins register on that site."""

import json

from django.contrib import admin

from tracker import services


class TrackerAdminSite(admin.AdminSite):
    site_header = "Trastuzumab cardiac monitoring: administration"
    site_title = "Cardiac monitoring admin"

    def has_permission(self, request):
        # Administrators only; clinic staff (is_staff) work in the clinic pages, where every
        # write goes through the services' checks.
        return request.user.is_active and request.user.is_superuser

    def autocomplete_view(self, request):
        """The autocomplete answers a search with patients' names: audited like a search
        (issue 9, finding 5), saying how many rows, never the search text."""
        response = super().autocomplete_view(request)
        rows = None
        if response.status_code == 200:
            rows = len(json.loads(response.content).get("results", []))
        model = request.GET.get("model_name", "")
        services.audit_event_record(
            "admin_view",
            request=request,
            detail=f"admin autocomplete: {model[:40]}, {rows} row(s)"
            + (", search made" if request.GET.get("term") else ""),
        )
        return response
