"""Every write to clinical data goes through here: validated, atomic, attributed (created/updated
by, django-simple-history) and never a delete."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker import audit_context, consistency
from tracker.models import (
    AuditEvent,
    ClinicalRecord,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    MonitoringStatus,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    User,
    WorklistVersion,
)
from tracker.monitoring.lvef import HOLD_RECOMMENDATIONS

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
    if isinstance(record, Patient):
        return {}
    if isinstance(record, TreatmentCourse):
        return {"planned_start": record.planned_start, "end_date": record.end_date}
    if isinstance(record, Infusion):
        return {"date": record.date}
    if isinstance(record, TreatmentHold):
        return {"start": record.start, "end": record.end}
    if isinstance(record, LvefMeasurement):
        return {"date": record.date}
    return {"start": record.start, "end": record.end}


def patient_of(record) -> Patient:
    if isinstance(record, Patient):
        return record
    if isinstance(record, (Infusion, TreatmentHold)):
        return record.course.patient
    return record.patient


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

    if isinstance(record, Infusion) and record.course.end_date and record.date:
        others = record.course.infusions.filter(entered_in_error=False).exclude(pk=record.pk)
        first = min([record.date, *others.values_list("date", flat=True)])
        if first > record.course.end_date:
            errors.setdefault("date", []).append(
                f"the course ended on {record.course.end_date}, before its first infusion"
            )

    if isinstance(record, TreatmentHold) and not record.entered_in_error:
        others = record.course.holds.filter(entered_in_error=False).exclude(pk=record.pk)
        for other in others:
            if consistency.holds_overlap(record.start, record.end, other.start, other.end):
                errors.setdefault("start", []).append(
                    consistency.HOLD_OVERLAP.format(start=other.start, end=other.end or "open")
                )
    if errors:
        raise ValidationError(errors)


def _earliest_clinical_date(patient):
    dates = [
        *patient.courses.values_list("planned_start", flat=True),
        *Infusion.objects.filter(course__patient=patient).values_list("date", flat=True),
        *TreatmentHold.objects.filter(course__patient=patient).values_list("start", flat=True),
        *patient.lvef_measurements.values_list("date", flat=True),
        *patient.cotreatments.values_list("start", flat=True),
    ]
    return min(dates, default=None)


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
    return _save(TreatmentCourse(patient=patient, **fields), actor=actor)


@transaction.atomic
def infusion_create(*, actor, course, **fields) -> Infusion:
    return _save(Infusion(course=course, **fields), actor=actor)


@transaction.atomic
def hold_create(*, actor, course, **fields) -> TreatmentHold:
    return _save(TreatmentHold(course=course, **fields), actor=actor)


@transaction.atomic
def lvef_create(*, actor, patient, **fields) -> LvefMeasurement:
    return _save(LvefMeasurement(patient=patient, **fields), actor=actor)


@transaction.atomic
def cotreatment_create(*, actor, patient, **fields) -> CoTreatment:
    return _save(CoTreatment(patient=patient, **fields), actor=actor)


@transaction.atomic
def record_update(
    record: ClinicalRecord, *, actor, expected_updated_at=None, **changes
) -> ClinicalRecord:
    """``expected_updated_at``: the version the user's form was opened on. If someone saved the
    record since, the update is refused (no silent overwrite) with who changed it and when."""
    if expected_updated_at is not None:
        current = (
            type(record)
            .objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .get(pk=record.pk)
        )
        if current.updated_at != expected_updated_at:
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
def mark_entered_in_error(record: ClinicalRecord, *, actor, reason: str) -> ClinicalRecord:
    """The only way to take a record back: it stays, struck through, with who, when and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"entered_in_error_reason": ["a reason is required"]})
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


def client_address(request=None) -> str | None:
    """The client's address as the server saw it (behind a proxy, configure the proxy to set
    REMOTE_ADDR; a client-supplied X-Forwarded-For is not trusted here). Without a request:
    the request being served, if any (audit_context), so that writes record it too."""
    if request is None:
        request = audit_context.current_request()
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_event_record(
    action: str,
    *,
    request=None,
    user=None,
    username: str = "",
    patient: Patient | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event; it joins the caller's transaction when there is one. The
    patient is a key (finding 5); `detail` must name no patient (no names, no query text)."""
    if request is None:
        request = audit_context.current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if request is not None and action in ("login", "login_failed"):
        setattr(request, audit_context.LOGIN_AUDITED, True)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        patient=patient,
        detail=detail[:500],
        ip_address=client_address(request),
    )


# S6's two flags depend on the day the status is read, not on the records: they are derived
# from the stored due date when the status is read (selectors.stored_status).
DATE_DERIVED_FLAGS = frozenset({"ASSESSMENT_OVERDUE", "ASSESSMENT_DUE_SOON"})
STATUS_CHUNK = 2000


def _status_row(evaluated, today, now) -> MonitoringStatus:
    s = evaluated.status
    stored_flags = [code for code in s.flags if code not in DATE_DERIVED_FLAGS]
    return MonitoringStatus(
        patient_id=evaluated.pk,
        evaluated_for=today,
        evaluated_at=now,
        phase=s.phase,
        next_assessment_due=s.next_assessment_due,
        recommendation=s.recommendation,
        recommendation_reason=s.recommendation_reason,
        cotreatment_risk=s.cotreatment_risk,
        ctrcd=s.ctrcd,
        baseline_value=s.baseline.value if s.baseline else None,
        baseline_date=s.baseline.date if s.baseline else None,
        latest_value=s.latest.value if s.latest else None,
        latest_date=s.latest.date if s.latest else None,
        latest_modality=s.latest.modality if s.latest else "",
        lvef_drop=s.lvef_drop,
        doxorubicin_equivalent_mg_m2=s.doxorubicin_equivalent_mg_m2,
        flags=f";{';'.join(stored_flags)};" if stored_flags else "",
        hold_recommended=s.recommendation in HOLD_RECOMMENDATIONS,
        **{column: code in s.flags for column, code in MonitoringStatus.SECTION_FLAGS.items()},
    )


@transaction.atomic
def status_refresh(patient_ids=None, *, today=None) -> int:
    """Recompute the stored status of these patients (all when None), in the caller's
    transaction; returns how many were stored. Patients entered in error lose theirs."""
    from tracker import selectors  # reads; imported here to keep the module graph one-way

    today = today or timezone.localdate()
    now = timezone.now()
    if patient_ids is None:
        patient_ids = list(Patient.objects.values_list("pk", flat=True))
    ids = list(patient_ids)
    stored = 0
    for start in range(0, len(ids), STATUS_CHUNK):
        chunk = ids[start : start + STATUS_CHUNK]
        evaluated = selectors.evaluate_patients(
            selectors.active_patients().filter(pk__in=chunk), today
        )
        MonitoringStatus.objects.filter(patient_id__in=chunk).delete()
        MonitoringStatus.objects.bulk_create(
            [_status_row(e, today, now) for e in evaluated], batch_size=500
        )
        stored += len(evaluated)
    worklist_changed()
    return stored


def worklist_changed() -> None:
    """Name the new state of the stored statuses (models.WorklistVersion), in the caller's
    transaction: the worklist stops reusing what it read of the old one."""
    version = secrets.randbits(62)
    if not WorklistVersion.objects.filter(pk=1).update(version=version):
        WorklistVersion.objects.create(pk=1, version=version)  # after a test flush
