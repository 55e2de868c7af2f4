"""The change history of a patient's records and who opened them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst

from tracker import records as rt
from tracker.labels import number
from tracker.models import (
    Patient,
    TreatmentCourse,
)
from tracker.monitoring.wording import day


@dataclass(frozen=True)
class ChangeEntry:
    at: object
    user: str
    record: str
    kind: str  # created / changed / entered in error
    changes: list[str]
    record_type: str = ""  # the registry kind: "lvef", "courses", "patient" ...
    course_id: int | None = None  # the course a course, infusion or hold belongs to


@dataclass(frozen=True)
class ChangeGroup:
    """The change history of one course (the course, its infusions and holds), or of the
    patient's own records (course None), newest first (issue 13 item 15)."""

    title: str
    course_id: int | None
    entries: list[ChangeEntry]


def record_type_choices() -> list[tuple[str, str]]:
    """The record types the change history can be filtered by: (kind, label)."""
    return [(t.kind, t.label) for t in rt.REGISTRY]


def group_by_course(entries: list[ChangeEntry], courses) -> list[ChangeGroup]:
    """The entries of each course under that course, newest course first, then the records of
    the patient that belong to no course (details, LVEF, co-treatments)."""
    groups = []
    for course in sorted(courses, key=lambda c: (c.planned_start, c.pk), reverse=True):
        mine = [e for e in entries if e.course_id == course.pk]
        if mine:
            groups.append(ChangeGroup(f"Course: {record_name(course)}", course.pk, mine))
    rest = [e for e in entries if e.course_id is None]
    if rest:
        groups.append(ChangeGroup("Patient details, LVEF and co-treatments", None, rest))
    return groups


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


def _shown(field, value) -> str:
    """A stored value as people read it (issue 13 item 9): the choice's label, yes/no, "18 Mar
    2026", 423 not 423.00, and a dash for nothing."""
    if value is None or value == "":
        return "\u2014"
    if isinstance(field, models.BooleanField):
        return "yes" if value else "no"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{day(value)} {value:%H:%M}"
    if isinstance(value, date):
        return day(value)
    if isinstance(value, Decimal | float):
        return number(value)
    return str(value)


def _change(version, before, field) -> str:
    if field.is_relation:
        # A moved record (another course or patient): name the record, not its key.
        def related(v):
            try:
                return getattr(v, field.name)
            except ObjectDoesNotExist:  # a related row gone from the live table
                return getattr(v, field.attname)

        old, new = related(before), related(version)
        old = "\u2014" if old is None else record_name(old)
        new = "\u2014" if new is None else record_name(new)
    else:
        old = _shown(field, getattr(before, field.attname))
        new = _shown(field, getattr(version, field.attname))
    return f"{capfirst(field.verbose_name)}: {old} \u2192 {new}"


def record_name(obj) -> str:
    """The record in words, with dates as people read them (the models' __str__ is ISO)."""
    name = type(obj).__name__.removeprefix("Historical")

    def shown(attr):
        return _shown(obj._meta.get_field(attr), getattr(obj, attr))

    if name == "Patient":
        return f"{obj.mrn} {obj.family_name}, {obj.given_name}"
    if name == "TreatmentCourse":
        return f"{shown('agent')} ({obj.intent}) from {shown('planned_start')}"
    if name == "Infusion":
        return f"{shown('date')}, {shown('dose_mg')} mg"
    if name == "TreatmentHold":
        until = f" to {shown('end')}" if obj.end else ""
        return f"{shown('reason')} hold from {shown('start')}{until}"
    if name == "LvefMeasurement":
        return f"{shown('value')}% by {shown('modality')}, {shown('date')}"
    if name == "CoTreatment":
        return f"{shown('drug')} from {shown('start')}"
    if name == "ScanRequest":
        return f"{shown('modality')} requested {shown('requested_on')}, {shown('state').lower()}"
    if name == "RecommendationReview":
        return f"{shown('decision')}, {shown('date')}"
    if name == "ContactLog":
        return f"{shown('method')}, {shown('date')}: {shown('outcome').lower()}"
    return str(obj)


def patient_change_history(patient: Patient, record_type: str = "") -> list[ChangeEntry]:
    """Every version of every record of the patient (django-simple-history), newest first, with
    what changed; one query per table. ``record_type`` (a registry kind) keeps only that type."""
    course_ids = list(TreatmentCourse.objects.filter(patient=patient).values_list("pk", flat=True))
    owner_filter = {
        None: {"id": patient.pk},
        "patient": {"patient_id": patient.pk},
        "course": {"course_id__in": course_ids},
    }
    sources = [
        (t, t.model.history.filter(**owner_filter[t.owner]))
        for t in rt.REGISTRY
        if not record_type or t.kind == record_type
    ]
    entries = []
    for t, versions in sources:
        label = t.label
        previous = {}
        for version in versions.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            fields = [
                f
                for f in version.instance_type._meta.concrete_fields
                if f.attname not in HISTORY_SKIP and f.name not in HISTORY_SKIP
            ]
            before = previous.get(version.id)
            if before is None:
                kind, changes = "created", []
            else:
                changes = [
                    _change(version, before, f)
                    for f in fields
                    if getattr(before, f.attname) != getattr(version, f.attname)
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
                    f"{label}: {record_name(version)}",
                    kind,
                    changes,
                    t.kind,
                    version.id
                    if t.owner == "patient" and t.kind == "courses"
                    else getattr(version, "course_id", None),
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
