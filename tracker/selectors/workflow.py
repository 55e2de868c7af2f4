"""Reads of the follow-through (issue 12): the SQL conditions the worklist's sections use on the
stored statuses (EXISTS on the workflow tables), the state of the work per row (subqueries: one
query for any number of rows), and one patient's plan for the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from tracker.models import (
    OPEN_STATES,
    ContactLog,
    Patient,
    RecommendationReview,
    ScanRequest,
    TreatmentHold,
)
from tracker.monitoring.vocabulary import ScanRequestState

EARLIEST = date(1900, 1, 1)
REVIEW_RECOMMENDATIONS = ("hold", "discontinue", "may_resume")


def _requests(**filters):
    return ScanRequest.objects.filter(
        patient_id=OuterRef("patient_id"), entered_in_error=False, **filters
    )


# --- conditions on MonitoringStatus rows (the worklist's sections, the patient list's filter) --


def open_request() -> Exists:
    return Exists(_requests(state__in=OPEN_STATES))


def late_request(today: date) -> Q:
    """Chase: requested SCAN_BOOKING_DAYS ago or more and not booked; or booked for a day that
    has passed with no LVEF recorded (an LVEF would have closed the request)."""
    waited = today - timedelta(days=settings.SCAN_BOOKING_DAYS)
    return Q(Exists(_requests(state=ScanRequestState.REQUESTED, requested_on__lte=waited))) | Q(
        Exists(_requests(state=ScanRequestState.BOOKED, booked_for__lt=today))
    )


def did_not_attend() -> Q:
    """Chase: the last booked scan was not attended, no LVEF since, nothing open."""
    since = Coalesce(OuterRef("latest_date"), Value(EARLIEST), output_field=DateField())
    missed = _requests(state=ScanRequestState.DID_NOT_ATTEND, closed_on__gt=since)
    return Q(Exists(missed)) & ~Q(open_request())


def booked_ahead(today: date) -> Q:
    """Booked: dealt with until the day (requested within SCAN_BOOKING_DAYS, or booked for today
    or later)."""
    waited = today - timedelta(days=settings.SCAN_BOOKING_DAYS)
    return Q(Exists(_requests(state=ScanRequestState.REQUESTED, requested_on__gt=waited))) | Q(
        Exists(_requests(state=ScanRequestState.BOOKED, booked_for__gte=today))
    )


def needs_review() -> Q:
    """Item 2: hold or discontinue (hold_recommended), may resume, or a hold not actioned."""
    return Q(hold_recommended=True) | Q(recommendation="may_resume") | Q(hold_not_actioned=True)


def _current_reviews():
    """The reviews still current for the stored status: made on the same recommendation and the
    same latest LVEF (date and value). A new LVEF or a changed recommendation ends them."""
    return RecommendationReview.objects.filter(
        patient_id=OuterRef("patient_id"),
        entered_in_error=False,
        recommendation=OuterRef("recommendation"),
        lvef_date=OuterRef("latest_date"),
        lvef_value=OuterRef("latest_value"),
    )


def review_current() -> Exists:
    return Exists(_current_reviews())


# --- the state of the work on each row --------------------------------------------------------

_OPEN = ("state", "requested_on", "booked_for", "place", "modality", "pk")
_CONTACT = ("date", "method", "outcome")
_REVIEW = ("date", "decision", "reason", "reviewed_by__first_name", "reviewed_by__last_name")
WORK_FIELDS = (
    *(f"open_{f}" for f in _OPEN),
    "missed_on",
    *(f"contact_{f}" for f in _CONTACT),
    *(f"review_{f}" for f in _REVIEW),
    "open_hold_pk",
)


def with_work(statuses, fields=WORK_FIELDS):
    """The stored statuses with the state of the work as columns (WORK_FIELDS, or those of them
    asked for): the open request, the last missed scan, the latest contact and the current
    review, in one query for any number of rows. The open request (at most one a patient: a
    constraint), the latest contact and the latest current review are each one join, not a
    subquery per column (issue 16: the worklist CSV reads them for 100,000 patients)."""
    missed = _requests(state=ScanRequestState.DID_NOT_ATTEND).order_by("-closed_on", "-pk")
    contacts = ContactLog.objects.filter(
        patient_id=OuterRef("patient_id"), entered_in_error=False
    ).order_by("-date", "-pk")
    reviews = _current_reviews().order_by("-date", "-pk")
    joins = {
        "open_request": FilteredRelation(
            "patient__scan_requests",
            condition=Q(
                patient__scan_requests__state__in=OPEN_STATES,
                patient__scan_requests__entered_in_error=False,
            ),
        ),
        "latest_contact": FilteredRelation(
            "patient__contacts",
            condition=Q(patient__contacts__pk=Subquery(contacts.values("pk")[:1])),
        ),
        "current_review": FilteredRelation(
            "patient__reviews",
            condition=Q(patient__reviews__pk=Subquery(reviews.values("pk")[:1])),
        ),
    }
    annotations = {f"open_{f}": F(f"open_request__{f}") for f in _OPEN}
    annotations["missed_on"] = Subquery(missed.values("closed_on")[:1])
    annotations |= {f"contact_{f}": F(f"latest_contact__{f}") for f in _CONTACT}
    annotations |= {f"review_{f}": F(f"current_review__{f}") for f in _REVIEW}
    # The open hold, for the row's End hold button (issue 12 item 7).
    holds = TreatmentHold.objects.filter(
        course__patient_id=OuterRef("patient_id"), end__isnull=True, entered_in_error=False
    ).order_by("-start", "-pk")
    annotations["open_hold_pk"] = Subquery(holds.values("pk")[:1])
    wanted = {name: annotations[name] for name in fields}
    used = {f.name for f in wanted.values() if isinstance(f, F)}
    needed = {a: j for a, j in joins.items() if any(n.startswith(a + "__") for n in used)}
    return statuses.annotate(**needed).annotate(**wanted)


@dataclass(frozen=True)
class Work:
    """What has been done about a patient (issue 12 item 5: the state of the work)."""

    request_state: str | None = None
    requested_on: date | None = None
    booked_for: date | None = None
    place: str = ""
    modality: str = ""
    request_id: int | None = None
    missed_on: date | None = None
    contact_date: date | None = None
    contact_method: str = ""
    contact_outcome: str = ""
    review_date: date | None = None
    review_decision: str = ""
    review_reason: str = ""
    reviewer: str = ""
    open_hold_id: int | None = None


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def full_name(first_name: str | None, last_name: str | None) -> str:
    """The reviewer of Work: the parts of the name that are recorded."""
    return " ".join(part for part in (first_name, last_name) if part)


def work_of(values: dict) -> Work:
    """A row of with_work (values including WORK_FIELDS) as Work."""
    reviewer = full_name(
        values.get("review_reviewed_by__first_name"), values.get("review_reviewed_by__last_name")
    )
    return Work(
        request_state=values.get("open_state"),
        requested_on=_as_date(values.get("open_requested_on")),
        booked_for=_as_date(values.get("open_booked_for")),
        place=values.get("open_place") or "",
        modality=values.get("open_modality") or "",
        request_id=values.get("open_pk"),
        missed_on=_as_date(values.get("missed_on")),
        contact_date=_as_date(values.get("contact_date")),
        contact_method=values.get("contact_method") or "",
        contact_outcome=values.get("contact_outcome") or "",
        review_date=_as_date(values.get("review_date")),
        review_decision=values.get("review_decision") or "",
        review_reason=values.get("review_reason") or "",
        reviewer=reviewer,
        open_hold_id=values.get("open_hold_pk"),
    )


# --- one patient (the timeline, the infusion form, the chair list) -------------------------


def is_current(review: RecommendationReview, status) -> bool:
    """Item 2: a review is current while the recommendation and the LVEF it rests on are those
    of this evaluation (the same rule as _current_reviews, on a fresh status)."""
    latest = status.latest
    return (
        not review.entered_in_error
        and review.recommendation == status.recommendation
        and latest is not None
        and review.lvef_date == latest.date
        and review.lvef_value == latest.value
    )


def review_state(patient: Patient, status, reviews=None) -> tuple[str, RecommendationReview | None]:
    """Whether a patient's recommendation has had its review (item 2), for the timeline, the
    infusion warnings and the chair list: ("none", None) when none is called for, ("current",
    the review) when one covers this evaluation, ("pending", the latest earlier review or None)
    when one is due. `status` is a fresh or stored PatientStatus; `reviews`, the patient's
    reviews newest first when already loaded (else one query)."""
    from tracker.services.workflow import needs_review as wanted

    if not wanted(status):
        return "none", None
    if reviews is None:
        reviews = (
            RecommendationReview.objects.filter(patient=patient, entered_in_error=False)
            .select_related("reviewed_by")
            .order_by("-date", "-pk")
        )
    reviews = [r for r in reviews if not r.entered_in_error]
    current = next((r for r in reviews if is_current(r, status)), None)
    if current is not None:
        return "current", current
    return "pending", reviews[0] if reviews else None


def reviewer_name(review: RecommendationReview) -> str:
    user = review.reviewed_by
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def review_sentence(review: RecommendationReview) -> str:
    """Item 2: "<name> decided on 12 Mar 2026 to continue despite the criteria: <reason>"."""
    from tracker.monitoring.wording import day

    decision = {
        "hold_recorded": "to hold treatment",
        "continue_despite_criteria": "to continue despite the criteria",
        "discontinue": "to discontinue treatment",
        "resume": "to resume treatment",
        "refer_to_cardiology": "to refer to cardiology",
    }[review.decision]
    text = f"{reviewer_name(review)} decided on {day(review.date)} {decision}"
    return f"{text}: {review.reason}" if review.reason else text


@dataclass(frozen=True)
class MonitoringPlan:
    next_due: date | None
    next_rule: str
    after_that: date | None
    open_request: ScanRequest | None
    requests: list[ScanRequest]
    review: RecommendationReview | None
    review_status: str  # none / current / pending
    contacts: list[ContactLog]

    @property
    def reviewer(self) -> str:
        return reviewer_name(self.review) if self.review else ""


def monitoring_plan(history, status, settings_, today: date) -> MonitoringPlan:
    """Item 7: the next assessment and the one after it as the rules would place them (the
    rules evaluated again with the next one done on its due date, at the latest value: no rule
    written twice), the open request, the review and the latest contacts, from the rows the
    timeline loaded (no query of its own)."""
    after = None
    if status.next_assessment_due is not None and status.latest is not None:
        after = _assessment_after(history.record, status, settings_)
    requests = list(history.scan_requests)
    open_ = next((r for r in requests if r.is_open), None)
    valid = [r for r in history.reviews if not r.entered_in_error]
    review_status, review = review_state(None, status, valid)
    if review is None and valid:
        review = valid[0]
    contacts = [c for c in history.contacts if not c.entered_in_error][:3]
    return MonitoringPlan(
        status.next_assessment_due,
        status.schedule_rule,
        after,
        open_,
        [r for r in requests if not r.entered_in_error],
        review,
        review_status,
        contacts,
    )


def _assessment_after(record, status, settings_):
    from dataclasses import replace

    from tracker import monitoring

    due = status.next_assessment_due
    latest = status.latest
    assumed = monitoring.LvefMeasurement(
        date=due, value=latest.value, modality=latest.modality or "echo", sequence=10**12
    )
    then = monitoring.evaluate(replace(record, lvef=(*record.lvef, assumed)), due, settings_)
    following = then.next_assessment_due
    return following if following is not None and following > due else None


def review_stamps() -> dict[int, tuple]:
    """Per patient, what changes when a review is recorded or marked entered in error: a review
    does not recompute the stored status, so what is kept per process from a patient's reviews
    (the quality dashboard's Q5, the chair list's CHECK) follows this stamp too (one query)."""
    rows = RecommendationReview.objects.values("patient_id").annotate(
        n=Count("pk"), last=Max("updated_at")
    )
    return {row["patient_id"]: (row["n"], row["last"]) for row in rows.order_by()}
