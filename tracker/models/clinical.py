"""The clinical records: patients, courses, infusions, holds, LVEF, co-treatments. Every range of
interchange.md is both a field validator and a database CHECK constraint."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from simple_history.models import HistoricalRecords

from tracker.monitoring import vocabulary as v
from tracker.monitoring.vocabulary import choices
from tracker.validators import (
    Between,
    in_the_past,
    mrn_key,
    normalise_mrn,
    not_in_future,
    plausible_date,
)

from .base import ClinicalRecord, _choices, _in, _plausible_dates
from .fields import ClinicalDecimalField, MrnField

SEARCH_KEY_MAX_LENGTH = 700


def search_text(value: str) -> str:
    """Text as the search compares it (issue 13 item 13): NFKD without combining marks (Zoë =
    Zoe), without punctuation (O'Connor = OConnor, "Foster," = Foster), case-folded."""
    value = unicodedata.normalize("NFKD", value)
    kept = (c for c in value if not unicodedata.combining(c) and unicodedata.category(c)[0] != "P")
    return "".join(kept).casefold()


def search_key(mrn: str, given_name: str, family_name: str) -> str:
    """Patient.search_key: "mrn given family", each part through search_text."""
    parts = (search_text(str(part or "")) for part in (mrn, given_name, family_name))
    return " ".join(" ".join(part.split()) for part in parts)[:SEARCH_KEY_MAX_LENGTH]


SEX_CHOICES = _choices(("female", "male", "other", "unknown"))

# The rules' vocabulary and its labels (tracker/monitoring/vocabulary.py): one list of values
# and one wording for the models, forms, import and screens.
AGENT_CHOICES = choices(v.Agent)
INTENT_CHOICES = choices(v.Intent)
SCHEDULE_CHOICES = choices(v.Schedule)
END_REASON_CHOICES = choices(v.EndReason)
REACTION_CHOICES = choices(v.Reaction)
HOLD_REASON_CHOICES = choices(v.HoldReason)
MODALITY_CHOICES = choices(v.Modality)
DRUG_CHOICES = choices(v.Drug)


class Patient(ClinicalRecord):
    # Unique through mrn_key (a stricter rule than the exact text); indexed for URL look-ups.
    mrn = MrnField("MRN", db_index=True)
    # The MRN case-folded: d1002, Ｄ1002 and D1002 with a zero-width space are one patient.
    # Set on every save from mrn; the UNIQUE constraint below holds it in the database.
    mrn_key = models.CharField(max_length=32, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(validators=[plausible_date, in_the_past])
    sex = models.CharField(max_length=10, choices=SEX_CHOICES, default="unknown")
    # MRN and names as the search compares them (search_key above); set on every save, and by
    # the bulk import (interchange/validators.py), which bypasses save().
    search_key = models.CharField(max_length=SEARCH_KEY_MAX_LENGTH, editable=False, db_index=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mrn"]
        # Issue 15 item 4: the browser import; administrators (superusers) hold it implicitly.
        permissions = [("import_data", "Can import patient files (interchange format)")]
        constraints = [
            models.CheckConstraint(condition=~Q(mrn=""), name="patient_mrn_not_empty"),
            models.UniqueConstraint(fields=["mrn_key"], name="patient_mrn_key_unique"),
            models.CheckConstraint(condition=~Q(mrn_key=""), name="patient_mrn_key_not_empty"),
            models.CheckConstraint(
                condition=~Q(given_name="") & ~Q(family_name=""), name="patient_names_not_empty"
            ),
            models.CheckConstraint(condition=_in("sex", SEX_CHOICES), name="patient_sex_valid"),
            ClinicalRecord.entered_in_error_constraint("patient_entered_in_error_complete"),
            *_plausible_dates("patient", "date_of_birth"),
        ]
        # The patient list's sort by name, its keyset walks this index (issue 16).
        indexes = [
            models.Index(
                fields=["family_name", "given_name", "mrn"], name="patient_name_order_idx"
            ),
            # The few patients entered in error, taken out of a search's count (selectors.search:
            # indexed_matches).
            models.Index(
                fields=["id"],
                condition=Q(entered_in_error=True),
                name="patient_entered_in_error_idx",
            ),
        ]

    def __str__(self):
        return f"{self.mrn} {self.family_name}, {self.given_name}"

    def save(self, *args, **kwargs):
        if isinstance(self.mrn, str):
            self.mrn = normalise_mrn(self.mrn)
            self.mrn_key = mrn_key(self.mrn)
        self.search_key = search_key(self.mrn, self.given_name, self.family_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"mrn", "given_name", "family_name"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_key"}
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        if isinstance(self.mrn, str):
            self.mrn = normalise_mrn(self.mrn)
            self.mrn_key = mrn_key(self.mrn)
        # The key is derived: errors speak of the MRN only.
        self.search_key = search_key(self.mrn, self.given_name, self.family_name)
        super().clean_fields(exclude={*(exclude or ()), "mrn_key", "search_key"})

    def validate_constraints(self, exclude=None):
        # The key follows the MRN: it is checked exactly when the MRN is (a form leaves mrn_key
        # out, as it is not one of its fields; an MRN already in error is not checked again).
        exclude = set(exclude or ())
        if "mrn" in exclude:
            exclude.add("mrn_key")
        else:
            exclude.discard("mrn_key")
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict({})
            if errors.pop("mrn_key", None) is None:
                raise
            duplicate = duplicate_mrn_error(self.mrn, exclude_pk=self.pk)
            errors.setdefault("mrn", []).append(
                duplicate or ValidationError("a patient with this MRN already exists")
            )
            raise ValidationError(errors) from None

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}"


def duplicate_mrn_error(mrn: str, *, exclude_pk=None) -> ValidationError | None:
    """The error for an MRN whose key another patient has, with a link to that patient's
    timeline (issue 13 item 10), or None when the MRN is free."""
    existing = Patient.objects.filter(mrn_key=mrn_key(mrn)).exclude(pk=exclude_pk).first()
    if existing is None:
        return None
    try:
        url = reverse("tracker:patient", args=[existing.mrn])
    except NoReverseMatch:  # a legacy MRN outside the alphabet: name it, without a link
        return ValidationError(
            f"a patient with this MRN already exists ({existing.mrn}); "
            "MRNs differing only in case, width or invisible characters are the same",
            code="duplicate_mrn",
        )
    return ValidationError(
        format_html(
            'a patient with this MRN already exists: <a href="{}">{} {}, {}</a>; MRNs '
            "differing only in case, width or invisible characters are the same",
            url,
            existing.mrn,
            existing.family_name,
            existing.given_name,
        ),
        code="duplicate_mrn",
    )


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
    # Issue 13 item 11: why it was recorded despite the warnings ("Record anyway"); empty when
    # there were none.
    override_reason = models.CharField(
        "reason for recording despite the warnings", max_length=500, blank=True
    )

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
    # Issue 12 item 7: why the hold ended. Required (by services.workflow.hold_end) when a
    # cardiac hold ends before the LVEF recovered (H2); the database can only check that a
    # reason belongs to an ended hold, since "not recovered" is the rules' judgement.
    end_reason = models.CharField("reason for ending", max_length=500, blank=True)

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
                condition=Q(end_reason="") | Q(end__isnull=False),
                name="hold_end_reason_needs_end",
                violation_error_message="a reason for ending needs an end date",
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
    # The sender's identifier of an LVEF imported as a FHIR Observation (issue 15 item 3): a
    # repeated POST of the same Observation finds this record instead of adding another.
    source_system = models.CharField(max_length=255, null=True, blank=True, editable=False)
    source_value = models.CharField(max_length=255, null=True, blank=True, editable=False)

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
            models.CheckConstraint(
                condition=Q(source_system__isnull=True, source_value__isnull=True)
                | (
                    Q(source_system__isnull=False, source_value__isnull=False)
                    & ~Q(source_system="")
                    & ~Q(source_value="")
                ),
                name="lvef_source_identifier_complete",
            ),
            models.UniqueConstraint(
                fields=["source_system", "source_value"],
                condition=Q(source_value__isnull=False),
                name="lvef_source_identifier_unique",
            ),
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
