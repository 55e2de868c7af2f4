"""Audit rows for every admin page that shows patient data (issue 9, finding 5): change lists,
change forms, history lists and historical versions of the clinical models (and of the audit
trail itself), and the autocomplete search. Like the clinic pages, the free text says what kind
of page and how many rows, never a name or the search text."""

import json

from tracker import services
from tracker.models import CLINICAL_MODELS


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


def audit_autocomplete(site):
    """The admin's autocomplete answers a search with patients' names: audited like a search."""
    view = site.autocomplete_view

    def autocomplete_view(request):
        response = view(request)
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

    site.autocomplete_view = autocomplete_view
