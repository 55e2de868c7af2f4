"""Writes of clinical records: validated, atomic, attributed (created/updated by,
django-simple-history), the patient locked first, and never a delete."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker import consistency
from tracker import records as record_types
from tracker.models import (
    ClinicalRecord,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    User,
)

IMPORT_ACTOR_USERNAME = "import"


def import_actor() -> User:
    """The account imports are attributed to; it cannot log in."""
    user, created = User.objects.get_or_create(
        username=IMPORT_ACTOR_USERNAME,
        defaults={"is_active": False, "first_name": "Data", "last_name": "import"},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _clinical_dates(record):
    return {name: getattr(record, name) for name in record_types.of_model(record).dates}


def patient_of(record) -> Patient:
    return record_types.of_model(record).patient_of(record)


def check_consistency(record):
    """Cross-record rules of interchange.md; raises ValidationError keyed by field."""
    errors = {}
    patient = patient_of(record)
    for field, value in _clinical_dates(record).items():
        if value is not None and patient.date_of_birth and value < patient.date_of_birth:
            errors.setdefault(field, []).append(consistency.BEFORE_BIRTH)

    if isinstance(record, Patient) and record.pk and record.date_of_birth:
        earliest = _earliest_clinical_date(record)
        if earliest is not None and earliest < record.date_of_birth:
            errors.setdefault("date_of_birth", []).append(
                f"must not be after the patient's earliest clinical record ({earliest})"
            )

    if isinstance(record, TreatmentCourse) and record.pk and record.end_date:
        first = record.infusions.filter(entered_in_error=False).order_by("date").first()
        if first and record.end_date < first.date:
            errors.setdefault("end_date", []).append(
                consistency.END_BEFORE_FIRST_INFUSION.format(first=first.date)
            )

    # A course being added with its first records (the admin's inlines) has none stored yet.
    course_stored = isinstance(record, (Infusion, TreatmentHold)) and record.course.pk
    if isinstance(record, Infusion) and record.course.end_date and record.date:
        stored = []
        if course_stored:
            others = record.course.infusions.filter(entered_in_error=False)
            stored = others.exclude(pk=record.pk).values_list("date", flat=True)
        first = min([record.date, *stored])
        if first > record.course.end_date:
            errors.setdefault("date", []).append(
                f"the course ended on {record.course.end_date}, before its first infusion"
            )

    if isinstance(record, TreatmentHold) and course_stored and not record.entered_in_error:
        others = record.course.holds.filter(entered_in_error=False).exclude(pk=record.pk)
        for other in others:
            if consistency.holds_overlap(record.start, record.end, other.start, other.end):
                errors.setdefault("start", []).append(
                    consistency.HOLD_OVERLAP.format(start=other.start, end=other.end or "open")
                )
    if errors:
        raise ValidationError(errors)


def _earliest_clinical_date(patient):
    """The earliest clinical date of any of the patient's records (the registry's `dates`),
    entered in error or not: a birth date may not move after it."""
    dates = [
        day
        for t in record_types.PATIENT_RECORDS.values()
        for row in t.model.objects.filter(**{t.patient_path: patient}).values_list(*t.dates)
        for day in row
        if day is not None
    ]
    return min(dates, default=None)


def lock_patients(*patient_ids) -> None:
    """Take the write lock of these patients (PostgreSQL: the rows, FOR NO KEY UPDATE) before
    anything of theirs is written or evaluated, in key order so that two writers never wait on
    each other in a circle. Writes for one patient then run one after the other, and each sees
    the records the one before it committed (issue 9, finding 1: concurrent saves for one
    patient lost writes). SQLite: a writing transaction holds the whole database already."""
    ids = sorted({pk for pk in patient_ids if pk is not None})
    if ids:
        list(
            Patient.objects.select_for_update(no_key=True)
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def _owner_patient_id(record):
    if isinstance(record, Patient):
        return record.pk
    if isinstance(record, (Infusion, TreatmentHold)):
        return (
            TreatmentCourse.objects.filter(pk=record.course_id)
            .values_list("patient_id", flat=True)
            .first()
        )
    return record.patient_id


# The fields each kind of record may change after it is created (issue 9, finding 12), from the
# registry. Owner links (patient, course) are not among them: a record entered for the wrong
# patient is marked entered in error and recorded again for the right one. The forms show
# exactly these fields.
UPDATABLE_FIELDS = {t.model: t.fields for t in record_types.REGISTRY}
OWNER_FIELDS = {t.model: t.owner for t in record_types.REGISTRY if t.owner}


def _refuse_unknown_fields(model, changes) -> None:
    allowed = UPDATABLE_FIELDS[model]
    owner = OWNER_FIELDS.get(model)
    refused = [name for name in changes if name not in allowed]
    if not refused:
        return
    messages = []
    for name in refused:
        if owner and name in (owner, f"{owner}_id"):
            messages.append(
                f"“{owner}” cannot be changed after the record is created: mark it entered "
                f"in error and record it again for the right {owner}."
            )
        else:
            messages.append(f"“{name}” is not a field that can be changed here.")
    raise ValidationError(messages, code="not_updatable")


def _save(record, *, actor):
    record.updated_by = actor
    if record.pk is None:
        record.created_by = actor
    record.full_clean()
    check_consistency(record)
    record._history_user = actor
    record.save()
    return record


@transaction.atomic
def patient_create(*, actor, **fields) -> Patient:
    return _save(Patient(**fields), actor=actor)


@transaction.atomic
def course_create(*, actor, patient, **fields) -> TreatmentCourse:
    lock_patients(patient.pk)
    return _save(TreatmentCourse(patient=patient, **fields), actor=actor)


@transaction.atomic
def infusion_create(*, actor, course, **fields) -> Infusion:
    lock_patients(course.patient_id)
    return _save(Infusion(course=course, **fields), actor=actor)


@transaction.atomic
def hold_create(*, actor, course, **fields) -> TreatmentHold:
    lock_patients(course.patient_id)
    return _save(TreatmentHold(course=course, **fields), actor=actor)


@transaction.atomic
def lvef_create(*, actor, patient, **fields) -> LvefMeasurement:
    lock_patients(patient.pk)
    measurement = _save(LvefMeasurement(patient=patient, **fields), actor=actor)
    from .workflow import close_request_by_lvef  # issue 12 item 1: the scan is done

    close_request_by_lvef(measurement, actor=actor)
    return measurement


@transaction.atomic
def lvef_import(
    *, actor, patient, source_system: str, source_value: str, **fields
) -> tuple[LvefMeasurement, bool]:
    """An LVEF sent by another system under its identifier (issue 15 item 3, FHIR import):
    created as by lvef_create, or, when that identifier was imported before, the record it
    created (False: nothing written), so that a repeated send adds nothing. Under the patient's
    lock, so two sends of one Observation for one patient cannot both create it."""
    lock_patients(patient.pk)
    existing = LvefMeasurement.objects.filter(
        source_system=source_system, source_value=source_value
    ).first()
    if existing is not None:
        if existing.patient_id != patient.pk:
            raise ValidationError(
                {"source_value": ["this identifier was already used for another patient's LVEF"]}
            )
        return existing, False
    record = LvefMeasurement(
        patient=patient, source_system=source_system, source_value=source_value, **fields
    )
    return _save(record, actor=actor), True


@transaction.atomic
def cotreatment_create(*, actor, patient, **fields) -> CoTreatment:
    lock_patients(patient.pk)
    return _save(CoTreatment(patient=patient, **fields), actor=actor)


@transaction.atomic
def record_update(
    record: ClinicalRecord, *, actor, expected_updated_at=None, **changes
) -> ClinicalRecord:
    """``expected_updated_at``: the version the user's form was opened on. If someone saved the
    record since, the update is refused (no silent overwrite) with who changed it and when.
    Only the record's own fields may change (UPDATABLE_FIELDS), never its owner."""
    model = type(record)
    _refuse_unknown_fields(model, changes)
    lock_patients(_owner_patient_id(model.objects.get(pk=record.pk)))
    current = model.objects.select_for_update(of=("self",)).select_related("updated_by")
    current = current.get(pk=record.pk)
    owner = OWNER_FIELDS.get(model)
    if owner and getattr(record, f"{owner}_id") != getattr(current, f"{owner}_id"):
        _refuse_unknown_fields(model, {owner: None})  # set on the instance by the caller
    if expected_updated_at is not None and current.updated_at != expected_updated_at:
        who = current.updated_by
        name = (who.get_full_name() or who.get_username()) if who else "someone"
        raise ValidationError(
            f"{name} changed this record at "
            f"{timezone.localtime(current.updated_at):%d %b %Y %H:%M:%S} after you opened "
            "the form; your changes were not saved. Reload the record to see their change.",
            code="conflict",
        )
    if record.entered_in_error:
        raise ValidationError("A record marked entered in error cannot be changed.")
    for field, value in changes.items():
        setattr(record, field, value)
    return _save(record, actor=actor)


@transaction.atomic
def record_add(record: ClinicalRecord, *, actor) -> ClinicalRecord:
    """Save a new record built by the caller (the admin's forms), with the checks of the
    *_create services."""
    if record.pk is not None:
        raise ValueError("record_add saves new records only; use record_update")
    lock_patients(_owner_patient_id(record))
    return _save(record, actor=actor)


@transaction.atomic
def mark_entered_in_error(record: ClinicalRecord, *, actor, reason: str) -> ClinicalRecord:
    """The only way to take a record back: it stays, struck through, with who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"entered_in_error_reason": ["a reason is required"]})
    lock_patients(_owner_patient_id(record))
    if record.entered_in_error:
        raise ValidationError("This record is already marked entered in error.")
    record.entered_in_error = True
    record.entered_in_error_reason = reason
    record.entered_in_error_by = actor
    record.entered_in_error_at = timezone.now()
    record.updated_by = actor
    record._history_user = actor
    record.full_clean()
    record.save()
    return record
