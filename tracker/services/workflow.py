"""Writes of the follow-through (issue 12): scan requests and their states, recommendation
reviews, the contact log, patient letters, ending a hold. Validated, atomic, the patient locked
first, audited (signals: every save keeps history and leaves an audit row), never a delete."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from tracker.models import (
    OPEN_STATES,
    ContactLog,
    LvefMeasurement,
    Patient,
    RecommendationReview,
    ScanRequest,
    TreatmentHold,
)
from tracker.monitoring.vocabulary import (
    ContactMethod,
    ContactOutcome,
    HoldReason,
    Recommendation,
    ReviewDecision,
    ScanRequestState,
)

from .records import _save, lock_patients, record_update

# Item 2: the recommendations (and the flag) an oncologist reviews.
REVIEWED_RECOMMENDATIONS = (
    Recommendation.HOLD.value,
    Recommendation.DISCONTINUE.value,
    Recommendation.MAY_RESUME.value,
)
HOLD_NOT_ACTIONED = "HOLD_NOT_ACTIONED"


def needs_review(status) -> bool:
    """Item 2: a hold, discontinue or may-resume recommendation, or a hold not actioned (H5)."""
    return status.recommendation in REVIEWED_RECOMMENDATIONS or HOLD_NOT_ACTIONED in status.flags


def _fresh_status(patient: Patient, today: date):
    from tracker import monitoring, selectors  # reads, imported here as services.status does

    record = selectors.load_records(Patient.objects.filter(pk=patient.pk))[patient.pk]
    return monitoring.evaluate(record, today, selectors.rule_settings())


def open_request(patient: Patient) -> ScanRequest | None:
    return (
        ScanRequest.objects.filter(patient=patient, state__in=OPEN_STATES, entered_in_error=False)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def scan_request_create(*, actor, patient, **fields) -> ScanRequest:
    """Item 1: a new request, state requested; the database refuses a second open one."""
    lock_patients(patient.pk)
    if open_request(patient) is not None:
        raise ValidationError(
            {"requested_on": ["this patient already has an open scan request: book or close it"]}
        )
    fields.setdefault("requested_on", timezone.localdate())
    request = ScanRequest(patient=patient, requested_by=actor, **fields)
    return _save(request, actor=actor)


def _current(request: ScanRequest) -> ScanRequest:
    lock_patients(request.patient_id)
    current = ScanRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if current.entered_in_error:
        raise ValidationError("A scan request marked entered in error cannot be changed.")
    return current


@transaction.atomic
def scan_request_book(
    request: ScanRequest, *, actor, booked_for: date, place: str = "", booked_on=None
) -> ScanRequest:
    """requested → booked (or a booked scan moved to another date)."""
    current = _current(request)
    if current.state not in OPEN_STATES:
        raise ValidationError(
            {"booked_for": [f"this request is {current.get_state_display().lower()}"]}
        )
    if booked_for is None:
        raise ValidationError({"booked_for": ["give the date the scan is booked for"]})
    current.state = ScanRequestState.BOOKED
    current.booked_for = booked_for
    current.booked_on = booked_on or timezone.localdate()
    current.place = (place or "").strip()
    return _save(current, actor=actor)


CLOSING_STATES = (
    ScanRequestState.DONE.value,
    ScanRequestState.DID_NOT_ATTEND.value,
    ScanRequestState.CANCELLED.value,
)


@transaction.atomic
def scan_request_close(
    request: ScanRequest,
    *,
    actor,
    state: str,
    closed_on: date | None = None,
    reason: str = "",
    lvef: LvefMeasurement | None = None,
) -> ScanRequest:
    """An open request → done, did not attend (a booked one only) or cancelled (a reason)."""
    current = _current(request)
    reason = (reason or "").strip()
    if state not in CLOSING_STATES:
        raise ValidationError({"state": [f"“{state}” does not close a request"]})
    if current.state not in OPEN_STATES:
        raise ValidationError(
            {"state": [f"this request is already {current.get_state_display().lower()}"]}
        )
    if state == ScanRequestState.DID_NOT_ATTEND and current.state != ScanRequestState.BOOKED:
        raise ValidationError({"state": ["only a booked scan can be marked did not attend"]})
    if state == ScanRequestState.CANCELLED and not reason:
        raise ValidationError({"reason": ["say why the request is cancelled"]})
    current.state = state
    current.closed_on = closed_on or timezone.localdate()
    current.closed_by = actor
    if state == ScanRequestState.CANCELLED:
        current.cancel_reason = reason
    elif reason:
        current.notes = f"{current.notes}\n{reason}".strip()
    current.lvef = lvef
    return _save(current, actor=actor)


def close_request_by_lvef(lvef: LvefMeasurement, *, actor) -> ScanRequest | None:
    """Item 1: an LVEF dated on or after the open request closes it as done and links the two.
    Called by lvef_create, in its transaction, under the patient's lock."""
    request = open_request(lvef.patient)
    if request is None or lvef.date < request.requested_on:
        return None
    return scan_request_close(
        request, actor=actor, state=ScanRequestState.DONE, closed_on=lvef.date, lvef=lvef
    )


@transaction.atomic
def review_create(*, actor, patient, today: date | None = None, **fields) -> RecommendationReview:
    """Item 2: the oncologist's decision, covering the evaluation of today (the recommendation
    and the latest LVEF it rests on, stored with it). Only for a patient who needs one."""
    today = today or timezone.localdate()
    lock_patients(patient.pk)
    status = _fresh_status(patient, today)
    if not needs_review(status):
        raise ValidationError(
            {
                "decision": [
                    "this patient's recommendation (hold, discontinue, may resume, or a hold "
                    "not actioned) does not call for a review"
                ]
            }
        )
    fields["reason"] = (fields.get("reason") or "").strip()
    if fields.get("decision") == ReviewDecision.CONTINUE_DESPITE_CRITERIA and not fields["reason"]:
        raise ValidationError({"reason": ["say why treatment continues despite the criteria"]})
    latest = status.latest
    review = RecommendationReview(
        patient=patient,
        reviewed_by=actor,
        recommendation=status.recommendation,
        hold_not_actioned=HOLD_NOT_ACTIONED in status.flags,
        lvef_id=latest.sequence if latest else None,
        lvef_date=latest.date if latest else None,
        lvef_value=latest.value if latest else None,
        **fields,
    )
    return _save(review, actor=actor)


@transaction.atomic
def contact_create(*, actor, patient, **fields) -> ContactLog:
    """Item 3."""
    lock_patients(patient.pk)
    fields.setdefault("date", timezone.localdate())
    return _save(ContactLog(patient=patient, contacted_by=actor, **fields), actor=actor)


def letter_sent(*, actor, patient, due: date | None) -> ContactLog:
    """Item 4: printing the reminder letter is a contact, letter sent."""
    note = f"Reminder letter printed (scan due {due:%d %b %Y})." if due else "Letter printed."
    return contact_create(
        actor=actor,
        patient=patient,
        method=ContactMethod.LETTER,
        outcome=ContactOutcome.LETTER_SENT,
        notes=note,
    )


def hold_end_needs_confirmation(hold: TreatmentHold, today: date) -> bool:
    """Item 7: ending a cardiac hold whose LVEF has not recovered (H2: the rules do not say may
    resume) asks for confirmation and a reason."""
    if hold.reason != HoldReason.CARDIAC or hold.end is not None:
        return False
    patient = hold.course.patient
    return _fresh_status(patient, today).recommendation != Recommendation.MAY_RESUME


@transaction.atomic
def hold_end(
    hold: TreatmentHold,
    *,
    actor,
    end: date,
    reason: str = "",
    confirmed: bool = False,
    today: date | None = None,
) -> TreatmentHold:
    """End an open hold. Before the LVEF has recovered (H2), only confirmed and with a reason
    (end_reason: the hold's history and the audit trail record it with the end date)."""
    today = today or timezone.localdate()
    if hold.end is not None:
        raise ValidationError({"end": ["this hold has already ended"]})
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"end_reason": ["at most 500 characters"]})
    if hold_end_needs_confirmation(hold, today):
        if not confirmed:
            raise ValidationError(
                {"confirm": ["the LVEF has not recovered (H2): confirm to end the hold anyway"]}
            )
        if not reason:
            raise ValidationError(
                {"end_reason": ["say why the hold ends before the LVEF recovered"]}
            )
    return record_update(hold, actor=actor, end=end, end_reason=reason)
