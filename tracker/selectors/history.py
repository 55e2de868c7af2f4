"""The change history of a patient's records and who opened them."""

from __future__ import annotations

from dataclasses import dataclass

from tracker import records as rt
from tracker.models import (
    Patient,
    TreatmentCourse,
)


@dataclass(frozen=True)
class ChangeEntry:
    at: object
    user: str
    record: str
    kind: str  # created / changed / entered in error
    changes: list[str]


HISTORY_SKIP = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "entered_in_error_at",
    "entered_in_error_by",
}


def patient_change_history(patient: Patient) -> list[ChangeEntry]:
    """Every version of every record of the patient (django-simple-history), newest first, with
    what changed; one query per table."""
    course_ids = list(TreatmentCourse.objects.filter(patient=patient).values_list("pk", flat=True))
    owner_filter = {
        None: {"id": patient.pk},
        "patient": {"patient_id": patient.pk},
        "course": {"course_id__in": course_ids},
    }
    sources = [(t.label, t.model.history.filter(**owner_filter[t.owner])) for t in rt.REGISTRY]
    entries = []
    for label, versions in sources:
        previous = {}
        for version in versions.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            fields = [
                f.attname
                for f in version.instance_type._meta.concrete_fields
                if f.attname not in HISTORY_SKIP and f.name not in HISTORY_SKIP
            ]
            before = previous.get(version.id)
            if before is None:
                kind, changes = "created", []
            else:
                changes = [
                    f"{name.replace('_', ' ')}: {getattr(before, name)} → {getattr(version, name)}"
                    for name in fields
                    if getattr(before, name) != getattr(version, name)
                ]
                kind = (
                    "entered in error"
                    if version.entered_in_error and not before.entered_in_error
                    else "changed"
                )
            user = version.history_user
            entries.append(
                ChangeEntry(
                    version.history_date,
                    (user.get_full_name() or user.get_username()) if user else "unknown",
                    f"{label}: {version.instance}",
                    kind,
                    changes,
                )
            )
            previous[version.id] = version
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def patient_views(patient: Patient, limit: int = 50):
    from tracker.models import AuditEvent

    return list(
        AuditEvent.objects.filter(patient=patient, action="patient_view")  # by key: finding 5
        .select_related("user")
        .order_by("-at")[:limit]
    )
