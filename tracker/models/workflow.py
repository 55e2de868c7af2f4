"""The follow-through on what the rules say (issue 12): scan requests, recommendation reviews and
the contact log. Records like the clinical ones (audited, history kept, never deleted: cancelled
or entered in error), but workflow: the rules (tracker/monitoring) never read them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from tracker.monitoring import vocabulary as v
from tracker.monitoring.vocabulary import choices
from tracker.validators import not_in_future, plausible_date

from .base import ClinicalRecord, _in, _plausible_dates
from .clinical import MODALITY_CHOICES, LvefMeasurement, Patient

SCAN_REQUEST_STATE_CHOICES = choices(v.ScanRequestState)
REVIEW_DECISION_CHOICES = choices(v.ReviewDecision)
CONTACT_METHOD_CHOICES = choices(v.ContactMethod)
CONTACT_OUTCOME_CHOICES = choices(v.ContactOutcome)
RECOMMENDATION_CHOICES = choices(v.Recommendation)

# A request is open until it is done, not attended or cancelled (item 1).
OPEN_STATES = (v.ScanRequestState.REQUESTED.value, v.ScanRequestState.BOOKED.value)
CLOSED_STATES = (
    v.ScanRequestState.DONE.value,
    v.ScanRequestState.DID_NOT_ATTEND.value,
    v.ScanRequestState.CANCELLED.value,
)


def _who(related_name="+"):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name=related_name,
        null=True,
        blank=True,
        editable=False,
    )


class ScanRequest(ClinicalRecord):
    """An LVEF assessment asked for: requested → booked → done / did not attend / cancelled."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="scan_requests")
    modality = models.CharField(
        "scan wanted", max_length=4, choices=MODALITY_CHOICES, default=v.Modality.ECHO.value
    )
    requested_on = models.DateField(validators=[plausible_date, not_in_future])
    requested_by = _who()
    state = models.CharField(
        max_length=16, choices=SCAN_REQUEST_STATE_CHOICES, default=v.ScanRequestState.REQUESTED
    )
    booked_for = models.DateField(null=True, blank=True, validators=[plausible_date])
    booked_on = models.DateField(null=True, blank=True, validators=[plausible_date])
    place = models.CharField(max_length=200, blank=True)
    closed_on = models.DateField(null=True, blank=True, validators=[plausible_date])
    closed_by = _who()
    cancel_reason = models.TextField("reason for cancelling", blank=True, max_length=500)
    # The LVEF that closed it as done (item 1: recording the LVEF links the two).
    lvef = models.ForeignKey(
        LvefMeasurement,
        on_delete=models.PROTECT,
        related_name="scan_requests",
        null=True,
        blank=True,
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_on", "id"]
        verbose_name = "scan request"
        constraints = [
            models.CheckConstraint(
                condition=_in("state", SCAN_REQUEST_STATE_CHOICES), name="scan_request_state_valid"
            ),
            models.CheckConstraint(
                condition=_in("modality", MODALITY_CHOICES), name="scan_request_modality_valid"
            ),
            # At most one open request per patient (item 1); one entered in error does not count.
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(state__in=OPEN_STATES, entered_in_error=False),
                name="scan_request_one_open_per_patient",
                violation_error_message="this patient already has an open scan request",
            ),
            models.CheckConstraint(
                condition=~Q(state=v.ScanRequestState.BOOKED) | Q(booked_for__isnull=False),
                name="scan_request_booked_has_date",
                violation_error_message="a booked scan needs the date it is booked for",
            ),
            models.CheckConstraint(
                condition=~Q(state=v.ScanRequestState.CANCELLED) | ~Q(cancel_reason=""),
                name="scan_request_cancel_has_reason",
                violation_error_message="a cancelled request needs a reason",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=CLOSED_STATES) | Q(closed_on__isnull=False),
                name="scan_request_closed_has_date",
                violation_error_message="a closed request needs the date it was closed",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=models.F("requested_on")),
                name="scan_request_closed_not_before_requested",
                violation_error_message="closed on must be on or after requested on",
            ),
            ClinicalRecord.entered_in_error_constraint("scan_request_entered_in_error_complete"),
            *_plausible_dates("scan_request", "requested_on", "booked_for", "closed_on"),
        ]
        indexes = [models.Index(fields=["patient", "state"], name="scan_request_state_idx")]

    def __str__(self):
        return f"{self.get_modality_display()} requested {self.requested_on} ({self.state})"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES and not self.entered_in_error


class RecommendationReview(ClinicalRecord):
    """An oncologist's decision on a hold, discontinue or may-resume recommendation, or on a hold
    not actioned (item 2). It covers the evaluation it was made on (the recommendation and the
    latest LVEF, stored here): selectors.workflow decides whether it is still current."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="reviews")
    date = models.DateField(validators=[plausible_date, not_in_future])
    decision = models.CharField(max_length=32, choices=REVIEW_DECISION_CHOICES)
    reason = models.TextField(blank=True, max_length=1000)
    reviewed_by = _who()
    # What the review covered: the rules' recommendation and the LVEF it rested on.
    recommendation = models.CharField(max_length=12, choices=RECOMMENDATION_CHOICES)
    hold_not_actioned = models.BooleanField(default=False)
    lvef = models.ForeignKey(
        LvefMeasurement, on_delete=models.PROTECT, related_name="reviews", null=True, blank=True
    )
    lvef_date = models.DateField(null=True, blank=True)
    lvef_value = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "recommendation review"
        constraints = [
            models.CheckConstraint(
                condition=_in("decision", REVIEW_DECISION_CHOICES), name="review_decision_valid"
            ),
            models.CheckConstraint(
                condition=~Q(decision=v.ReviewDecision.CONTINUE_DESPITE_CRITERIA) | ~Q(reason=""),
                name="review_continue_has_reason",
                violation_error_message="continuing despite the criteria needs a reason",
            ),
            ClinicalRecord.entered_in_error_constraint("review_entered_in_error_complete"),
            *_plausible_dates("review", "date"),
        ]
        indexes = [models.Index(fields=["patient", "lvef_date"], name="review_patient_idx")]

    def __str__(self):
        return f"Review {self.date}: {self.get_decision_display()}"


class ContactLog(ClinicalRecord):
    """A call, letter or message to the patient about their monitoring (item 3)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="contacts")
    date = models.DateField(validators=[plausible_date, not_in_future])
    method = models.CharField(max_length=12, choices=CONTACT_METHOD_CHOICES)
    outcome = models.CharField(max_length=24, choices=CONTACT_OUTCOME_CHOICES)
    contacted_by = _who()

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "contact"
        constraints = [
            models.CheckConstraint(
                condition=_in("method", CONTACT_METHOD_CHOICES), name="contact_method_valid"
            ),
            models.CheckConstraint(
                condition=_in("outcome", CONTACT_OUTCOME_CHOICES), name="contact_outcome_valid"
            ),
            ClinicalRecord.entered_in_error_constraint("contact_entered_in_error_complete"),
            *_plausible_dates("contact", "date"),
        ]
        indexes = [models.Index(fields=["patient", "date"], name="contact_patient_idx")]

    def __str__(self):
        return f"{self.get_method_display()} {self.date}: {self.get_outcome_display()}"


WORKFLOW_MODELS = (ScanRequest, RecommendationReview, ContactLog)
