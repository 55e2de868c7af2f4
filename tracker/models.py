"""Data and its constraints. Every range of interchange.md is both a field validator (a clear
message on forms and imports) and a database CHECK constraint (no path around it). Clinical
records are never deleted: they are marked entered in error, with who, when and why."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import DecimalValidator
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from tracker.monitoring import records as vocab
from tracker.validators import (
    EARLIEST_DATE,
    LATEST_PLANNED_DATE,
    Between,
    MaxDecimalPlaces,
    in_the_past,
    not_in_future,
    plausible_date,
)


class ClinicalDecimalField(models.DecimalField):
    """Precision and range speak in interchange.md's words, once per bad value: Django's own
    digit-count messages ("no more than 2 digits before the decimal point") are replaced by the
    field's range validator and a plain decimal-places check."""

    @cached_property
    def validators(self):
        kept = [v for v in super().validators if not isinstance(v, DecimalValidator)]
        return [*kept, MaxDecimalPlaces(self.decimal_places)]

    def formfield(self, **kwargs):
        # The form checks decimal places only; the range validator speaks for the size.
        return super().formfield(**{"max_digits": None, **kwargs})


def _choices(values, labels=None):
    labels = labels or {}
    return [(v, labels.get(v, v.replace("_", " ").capitalize())) for v in values]


def _plausible_dates(prefix, *fields):
    """The plausible_date range as CHECK constraints (a NULL end passes)."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True})
            | Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_PLANNED_DATE}),
            name=f"{prefix}_{field}_plausible",
        )
        for field in fields
    ]


def _in(field, choices):
    return Q(**{f"{field}__in": [value for value, _ in choices]})


class User(AbstractUser):
    """Clinic staff. A custom model from the first migration, so it can grow without pain."""

    class Meta:
        db_table = "tracker_user"


class Audited(models.Model):
    """Who created and last changed a row, and when (full history: django-simple-history)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class ClinicalRecord(Audited):
    """A record that is never deleted; a mistake is marked entered in error instead."""

    notes = models.TextField(blank=True, max_length=2000)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True, max_length=500)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def entered_in_error_constraint(cls, name):
        return models.CheckConstraint(
            condition=Q(entered_in_error=False)
            | (~Q(entered_in_error_reason="") & Q(entered_in_error_at__isnull=False)),
            name=name,
            violation_error_message="an entered-in-error mark needs a reason and a time",
        )


SEX_CHOICES = _choices(("female", "male", "other", "unknown"))

AGENT_CHOICES = _choices(
    vocab.AGENTS,
    {
        "trastuzumab": "Trastuzumab IV (incl. biosimilars)",
        "trastuzumab_sc": "Trastuzumab SC",
        "pertuzumab_trastuzumab": "Pertuzumab + trastuzumab",
        "trastuzumab_emtansine": "Ado-trastuzumab emtansine (T-DM1)",
        "trastuzumab_deruxtecan": "Fam-trastuzumab deruxtecan (T-DXd)",
    },
)

INTENT_CHOICES = _choices(vocab.INTENTS)

SCHEDULE_CHOICES = _choices(vocab.SCHEDULES, {"every_3_weeks": "Every 3 weeks"})

END_REASON_CHOICES = _choices(vocab.END_REASONS)

REACTION_CHOICES = _choices(vocab.REACTIONS)

HOLD_REASON_CHOICES = _choices(
    vocab.HOLD_REASONS, {"cardiac": "Cardiac (LVEF decline or heart failure)"}
)

MODALITY_CHOICES = [("echo", "Echocardiogram"), ("muga", "MUGA"), ("cmr", "Cardiac MRI")]

DRUG_CHOICES = _choices(
    vocab.COTREATMENT_DRUGS,
    {
        "doxorubicin": "Doxorubicin (Adriamycin)",
        "cyclophosphamide": "Cyclophosphamide (Cytoxan)",
    },
)


class Patient(ClinicalRecord):
    mrn = models.CharField("MRN", max_length=32, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[plausible_date, in_the_past])
    sex = models.CharField(max_length=10, choices=SEX_CHOICES, default="unknown")

    history = HistoricalRecords()

    class Meta:
        ordering = ["mrn"]
        constraints = [
            models.CheckConstraint(condition=~Q(mrn=""), name="patient_mrn_not_empty"),
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="patient_names_not_empty"
            ),
            models.CheckConstraint(condition=_in("sex", SEX_CHOICES), name="patient_sex_valid"),
            ClinicalRecord.entered_in_error_constraint("patient_entered_in_error_complete"),
            *_plausible_dates("patient", "date_of_birth"),
        ]

    def __str__(self):
        return f"{self.mrn} {self.family_name}, {self.given_name}"

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"


class TreatmentCourse(ClinicalRecord):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="courses")
    agent = models.CharField(max_length=32, choices=AGENT_CHOICES)
    intent = models.CharField(max_length=16, choices=INTENT_CHOICES)
    schedule = models.CharField(max_length=16, choices=SCHEDULE_CHOICES)
    planned_start = models.DateField(validators=[plausible_date])
    end_date = models.DateField(null=True, blank=True, validators=[plausible_date, not_in_future])
    end_reason = models.CharField(max_length=16, choices=END_REASON_CHOICES, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=_in("agent", AGENT_CHOICES), name="course_agent_valid"
            ),
            models.CheckConstraint(
                condition=_in("intent", INTENT_CHOICES), name="course_intent_valid"
            ),
            models.CheckConstraint(
                condition=_in("schedule", SCHEDULE_CHOICES), name="course_schedule_valid"
            ),
            models.CheckConstraint(
                condition=(Q(end_date__isnull=True) & Q(end_reason=""))
                | (Q(end_date__isnull=False) & _in("end_reason", END_REASON_CHOICES)),
                name="course_end_date_and_reason_together",
                violation_error_message="end date and end reason go together",
            ),
            ClinicalRecord.entered_in_error_constraint("course_entered_in_error_complete"),
            *_plausible_dates("course", "planned_start", "end_date"),
        ]

    def __str__(self):
        return f"{self.get_agent_display()} ({self.intent}) from {self.planned_start}"


class Infusion(ClinicalRecord):
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="infusions")
    date = models.DateField(validators=[plausible_date, not_in_future])
    dose_mg = ClinicalDecimalField(
        "dose (mg)", max_digits=6, decimal_places=1, validators=[Between(0, 2000, True)]
    )
    weight_kg = ClinicalDecimalField(
        "weight (kg)",
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[Between(20, 300)],
    )
    duration_minutes = models.PositiveSmallIntegerField(
        "duration (minutes)", null=True, blank=True, validators=[Between(1, 600)]
    )
    loading_dose = models.BooleanField(default=False)
    reaction = models.CharField(max_length=10, choices=REACTION_CHOICES, default="none")

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dose_mg__gt=0, dose_mg__lte=2000), name="infusion_dose_range"
            ),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=20, weight_kg__lte=300),
                name="infusion_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True)
                | Q(duration_minutes__gte=1, duration_minutes__lte=600),
                name="infusion_duration_range",
            ),
            models.CheckConstraint(
                condition=_in("reaction", REACTION_CHOICES), name="infusion_reaction_valid"
            ),
            ClinicalRecord.entered_in_error_constraint("infusion_entered_in_error_complete"),
            *_plausible_dates("infusion", "date"),
        ]
        indexes = [models.Index(fields=["course", "date"])]

    def __str__(self):
        return f"Infusion {self.date} {self.dose_mg} mg"


class TreatmentHold(ClinicalRecord):
    course = models.ForeignKey(TreatmentCourse, on_delete=models.PROTECT, related_name="holds")
    start = models.DateField(validators=[plausible_date])
    end = models.DateField(null=True, blank=True, validators=[plausible_date])
    reason = models.CharField(max_length=10, choices=HOLD_REASON_CHOICES)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="hold_end_not_before_start",
                violation_error_message="end must be on or after start",
            ),
            models.CheckConstraint(
                condition=_in("reason", HOLD_REASON_CHOICES), name="hold_reason_valid"
            ),
            ClinicalRecord.entered_in_error_constraint("hold_entered_in_error_complete"),
            *_plausible_dates("hold", "start", "end"),
        ]

    def __str__(self):
        return f"{self.reason} hold from {self.start}" + (f" to {self.end}" if self.end else "")


class LvefMeasurement(ClinicalRecord):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="lvef_measurements")
    date = models.DateField(validators=[plausible_date, not_in_future])
    value = ClinicalDecimalField(
        "LVEF (%)",
        max_digits=3,
        decimal_places=1,
        validators=[Between(1, 99)],
    )
    modality = models.CharField(max_length=4, choices=MODALITY_CHOICES)
    gls = ClinicalDecimalField(
        "GLS (%)",
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[Between(-40, 0)],
        help_text="Global longitudinal strain, a negative percentage (e.g. -19.5).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = "LVEF measurement"
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=1, value__lte=99), name="lvef_value_range"
            ),
            models.CheckConstraint(
                condition=Q(gls__isnull=True) | Q(gls__gte=-40, gls__lte=0), name="lvef_gls_range"
            ),
            models.CheckConstraint(
                condition=_in("modality", MODALITY_CHOICES), name="lvef_modality_valid"
            ),
            ClinicalRecord.entered_in_error_constraint("lvef_entered_in_error_complete"),
            *_plausible_dates("lvef", "date"),
        ]
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self):
        return f"LVEF {self.value}% ({self.modality}) {self.date}"


class CoTreatment(ClinicalRecord):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="cotreatments")
    drug = models.CharField(max_length=20, choices=DRUG_CHOICES)
    start = models.DateField(validators=[plausible_date, not_in_future])
    end = models.DateField(null=True, blank=True, validators=[plausible_date])
    cumulative_dose_mg_m2 = ClinicalDecimalField(
        "cumulative dose (mg/m²)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[Between(0, 5000, True)],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "co-treatment"
        constraints = [
            models.CheckConstraint(
                condition=_in("drug", DRUG_CHOICES), name="cotreatment_drug_valid"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="cotreatment_end_not_before_start",
                violation_error_message="end must be on or after start",
            ),
            models.CheckConstraint(
                condition=Q(cumulative_dose_mg_m2__isnull=True)
                | Q(cumulative_dose_mg_m2__gt=0, cumulative_dose_mg_m2__lte=5000),
                name="cotreatment_dose_range",
            ),
            ClinicalRecord.entered_in_error_constraint("cotreatment_entered_in_error_complete"),
            *_plausible_dates("cotreatment", "start", "end"),
        ]

    def __str__(self):
        return f"{self.get_drug_display()} from {self.start}"


CLINICAL_MODELS = (Patient, TreatmentCourse, Infusion, TreatmentHold, LvefMeasurement, CoTreatment)


AUDIT_ACTIONS = [
    ("login", "Logged in"),
    ("login_failed", "Failed log-in"),
    ("logout", "Logged out"),
    ("patient_view", "Viewed a patient"),
    ("csv_download", "Downloaded a CSV"),
    ("import", "Imported patients"),
    # Issue 9, finding 5: every read of patient data and every write.
    ("history_view", "Viewed a change history"),
    ("worklist_view", "Viewed the worklist"),
    ("list_view", "Viewed the patient list"),
    ("form_view", "Opened a record form"),
    ("admin_view", "Viewed patient data in the admin"),
    ("record_created", "Created a record"),
    ("record_changed", "Changed a record"),
]


class AuditEvent(models.Model):
    """Append-only log of who saw, exported, imported and changed what, and every log-in: rows
    are never changed or deleted (save refuses, the admin is read-only, and database triggers
    back it: migrations 0004 and 0006, SECURITY.md). The patient is a key, not the MRN text:
    renaming a patient keeps its log, and a new patient given an old MRN does not inherit it.
    The free text (detail) names no patient: searches record that they were made and how many
    rows they found, never the query."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="as typed, for failures")
    action = models.CharField(max_length=20, choices=AUDIT_ACTIONS)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in("action", AUDIT_ACTIONS), name="audit_action_valid"
            )
        ]

    def __str__(self):
        who = self.username or "-"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.patient_id or ''}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are never deleted.")


class MonitoringStatus(models.Model):
    """Each patient's evaluated status (tracker/monitoring), stored so that the worklist reads
    it instead of evaluating every patient on every request. Every write that can change it
    recomputes it in the same transaction; `manage.py refresh_status` recomputes all (nightly,
    since dates move). Overdue and due-soon (S6) are derived in SQL from the stored due date at
    query time, so they are right even when the nightly run was missed."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="monitoring_status"
    )
    evaluated_for = models.DateField(help_text="the as_of date of the evaluation")
    evaluated_at = models.DateTimeField()
    phase = models.CharField(max_length=24)
    next_assessment_due = models.DateField(null=True)
    recommendation = models.CharField(max_length=12)
    recommendation_reason = models.TextField()
    cotreatment_risk = models.CharField(max_length=10)
    ctrcd = models.CharField(max_length=10)
    baseline_value = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    baseline_date = models.DateField(null=True)
    latest_value = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    latest_date = models.DateField(null=True)
    latest_modality = models.CharField(max_length=4, blank=True)
    lvef_drop = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    doxorubicin_equivalent_mg_m2 = models.DecimalField(max_digits=9, decimal_places=2)
    # ";CODE;CODE;" without the date-derived S6 flags, so that one flag is one LIKE filter.
    flags = models.CharField(max_length=1000, blank=True)
    # The flags that are worklist sections, as columns with partial indexes: counting a section
    # reads only its own patients, however many patients there are.
    hold_recommended = models.BooleanField(default=False, help_text="hold or discontinue")
    baseline_missing = models.BooleanField(default=False)
    hold_not_actioned = models.BooleanField(default=False)
    infusion_during_hold = models.BooleanField(default=False)
    reload_dose_due = models.BooleanField(default=False)

    SECTION_FLAGS = {
        "baseline_missing": "BASELINE_MISSING",
        "hold_not_actioned": "HOLD_NOT_ACTIONED",
        "infusion_during_hold": "INFUSION_DURING_HOLD",
        "reload_dose_due": "RELOAD_DOSE_DUE",
    }

    class Meta:
        # One index per worklist section, in the section's order, so that its first rows and
        # its count come from the index whatever the number of patients (selectors.worklist).
        indexes = [
            models.Index(fields=["next_assessment_due", "patient"], name="status_due_idx"),
            models.Index(
                fields=["latest_date", "patient"],
                condition=Q(hold_recommended=True),
                name="status_hold_idx",
            ),
            models.Index(
                fields=["recommendation", "latest_date", "patient"],
                name="status_recommendation_idx",
            ),
            models.Index(fields=["cotreatment_risk", "patient"], name="status_risk_idx"),
            models.Index(fields=["phase"], name="status_phase_idx"),
            models.Index(fields=["evaluated_for"], name="status_evaluated_for_idx"),
            models.Index(
                fields=["next_assessment_due", "patient"],
                condition=Q(baseline_missing=True),
                name="status_baseline_missing_idx",
            ),
            models.Index(
                fields=["latest_date", "patient"],
                condition=Q(hold_not_actioned=True),
                name="status_not_actioned_idx",
            ),
            models.Index(
                fields=["patient"],
                condition=Q(infusion_during_hold=True),
                name="status_during_hold_idx",
            ),
            models.Index(
                fields=["patient"], condition=Q(reload_dose_due=True), name="status_reload_idx"
            ),
        ]

    def __str__(self):
        return f"{self.patient_id}: {self.phase}, {self.recommendation}"


class WorklistVersion(models.Model):
    """One row whose value changes (to a new random number) in the transaction of every change
    of stored statuses, so that the worklist's counts and first rows can be reused until the
    next change (selectors.worklist). A random value, not a counter: a rolled-back change brings
    back the old value together with the old data, so a value always names one state."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"worklist version {self.version}"
