"""Audit rows for every admin page that shows patient data (issue 9, finding 5): change lists,
change forms, history lists and historical versions of the clinical models (and of the audit
trail itself); the autocomplete search is audited by tracker.admin.site. Like the clinic pages,
the free text says what kind of page and how many rows, never a name or the search text. Also
the read-only AuditEventAdmin."""

from django.contrib import admin

from tracker import services
from tracker.models import CLINICAL_MODELS, AuditEvent


def _patient(obj):
    if obj is None:
        return None
    if isinstance(obj, CLINICAL_MODELS):
        return services.patient_of(obj)
    return getattr(obj, "patient", None)


class AuditedAdminMixin:
    """Put before the ModelAdmin base: `class PatientAdmin(AuditedAdminMixin, ...)`."""

    def _audit(self, request, what, object_id=None, rows=None):
        obj = None
        if object_id is not None:
            try:
                obj = self.get_object(request, object_id)
            except Exception:  # noqa: BLE001 - a malformed id: the admin answers it; still audited
                obj = None
        label = self.model._meta.verbose_name
        detail = f"admin {what}: {label}" + (f" {obj.pk}" if obj is not None else "")
        if rows is not None:
            detail += f", {rows} row(s)"
        if request.GET.get("q"):
            detail += ", search made"
        services.audit_event_record(
            "admin_view", request=request, patient=_patient(obj), detail=detail
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        rows = len(changelist.result_list) if changelist is not None else None
        self._audit(request, "change list", rows=rows)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._audit(request, "change form", object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._audit(request, "history", object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._audit(request, f"historical version {version_id}", object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only, for everyone: audit events are never added, changed or deleted by hand."""

    list_display = ("at", "username", "action", "patient", "detail", "ip_address")
    list_filter = ("action",)
    list_select_related = ("patient",)
    search_fields = ("username", "patient__mrn", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
