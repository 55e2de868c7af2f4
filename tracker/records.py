"""The record-type registry (issue 10 item 2): one entry per kind of clinical record, from which
the views (URL kinds, forms, titles), the services (updatable fields, owner links, clinical
dates), the selectors (the mapping into the rules' dataclasses, the change history), the roles
and the admin take what they would otherwise each list by hand.

Adding a record type: its model (tracker/models/), an entry here (its admin comes from it), its
form (tracker/forms.py), its create service (tracker/services/records.py), its add button and
history line, its import keys (tracker/interchange/) and, if the rules read it, a dataclass in
tracker/monitoring/records.py — the steps are in docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from tracker.models import (
    ContactLog,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    RecommendationReview,
    ScanRequest,
    TreatmentCourse,
    TreatmentHold,
)


@dataclass(frozen=True)
class RecordType:
    kind: str  # the URL segment: /patients/<mrn>/<kind>/new/
    model: type
    title: str  # "LVEF measurement": "Record an LVEF measurement"
    label: str  # short, for history rows: "LVEF"
    owner: str | None  # the link to its owner: "patient", "course", or None (the patient)
    dates: tuple[str, ...]  # clinical dates: none may precede the date of birth
    fields: tuple[str, ...]  # what an edit may change (services.record_update's whitelist)
    form_name: str  # in tracker.forms
    create_name: str | None  # in tracker.services; None: created another way
    import_key: str | None  # the key of its list in interchange.md
    # The model fields that become the rules' dataclass (tracker.monitoring), in its order.
    rule_fields: tuple[str, ...] = ()
    # What a list of these records shows, in order: the admin's inline rows and (free text
    # aside) its change list columns; its filters and date drill-down come from these fields.
    columns: tuple[str, ...] = ()

    @property
    def codename(self) -> str:
        return self.model._meta.model_name

    @property
    def patient_path(self) -> str:
        """The lookup from this record to its patient, for queries."""
        return {"patient": "patient", "course": "course__patient", None: "pk"}[self.owner]

    @property
    def article(self) -> str:
        """ "an LVEF measurement" (said "el-vef"), "an infusion", "a treatment hold"."""
        return "an" if self.title[0] in "aeiouAEIOU" or self.title.startswith("LVEF") else "a"

    @property
    def form(self):
        return getattr(import_module("tracker.forms"), self.form_name)

    @property
    def create(self):
        return getattr(import_module("tracker.services"), self.create_name)

    @property
    def owner_model(self) -> type | None:
        return None if self.owner is None else self.model._meta.get_field(self.owner).related_model

    def patient_of(self, record) -> Patient:
        if self.owner is None:
            return record
        owner = getattr(record, self.owner)
        return owner.patient if self.owner == "course" else owner


PATIENT = RecordType(
    kind="patient",
    model=Patient,
    title="patient",
    label="Patient",
    owner=None,
    dates=(),
    fields=("mrn", "given_name", "family_name", "date_of_birth", "sex", "notes"),
    form_name="PatientForm",
    create_name="patient_create",
    import_key="patients",
    columns=("mrn", "family_name", "given_name", "date_of_birth", "sex"),
)
COURSE = RecordType(
    kind="courses",
    model=TreatmentCourse,
    title="treatment course",
    label="Course",
    owner="patient",
    dates=("planned_start", "end_date"),
    fields=("agent", "intent", "schedule", "planned_start", "end_date", "end_reason", "notes"),
    form_name="CourseForm",
    create_name="course_create",
    import_key="courses",
    rule_fields=("agent", "intent", "schedule", "planned_start", "end_date", "end_reason"),
    columns=("agent", "intent", "schedule", "planned_start", "end_date", "end_reason"),
)
INFUSION = RecordType(
    kind="infusions",
    model=Infusion,
    title="infusion",
    label="Infusion",
    owner="course",
    dates=("date",),
    fields=(
        "date",
        "dose_mg",
        "weight_kg",
        "duration_minutes",
        "loading_dose",
        "reaction",
        "notes",
    ),
    form_name="InfusionForm",
    create_name="infusion_create",
    import_key="infusions",
    rule_fields=("date", "dose_mg", "loading_dose", "duration_minutes"),
    columns=("date", "dose_mg", "weight_kg", "duration_minutes", "loading_dose", "reaction"),
)
HOLD = RecordType(
    kind="holds",
    model=TreatmentHold,
    title="treatment hold",
    label="Hold",
    owner="course",
    dates=("start", "end"),
    fields=("start", "end", "reason", "end_reason", "notes"),
    form_name="HoldForm",
    create_name="hold_create",
    import_key="holds",
    rule_fields=("start", "end", "reason"),
    columns=("start", "end", "reason", "end_reason", "notes"),
)
LVEF = RecordType(
    kind="lvef",
    model=LvefMeasurement,
    title="LVEF measurement",
    label="LVEF",
    owner="patient",
    dates=("date",),
    fields=("date", "value", "modality", "gls", "notes"),
    form_name="LvefForm",
    create_name="lvef_create",
    import_key="lvef",
    rule_fields=("date", "value", "modality", "gls"),
    columns=("date", "value", "modality", "gls", "notes"),
)
COTREATMENT = RecordType(
    kind="cotreatments",
    model=CoTreatment,
    title="co-treatment",
    label="Co-treatment",
    owner="patient",
    dates=("start", "end"),
    fields=("drug", "start", "end", "cumulative_dose_mg_m2", "notes"),
    form_name="CoTreatmentForm",
    create_name="cotreatment_create",
    import_key="cotreatments",
    rule_fields=("drug", "start", "end", "cumulative_dose_mg_m2"),
    columns=("drug", "start", "end", "cumulative_dose_mg_m2"),
)

# Issue 12: the follow-through (workflow; the rules never read these). Booking, closing and
# ending a hold have their own views (tracker/views/workflow.py); the edit whitelist below is
# what the plain edit form may change.
SCAN_REQUEST = RecordType(
    kind="scans",
    model=ScanRequest,
    title="scan request",
    label="Scan request",
    owner="patient",
    dates=("requested_on", "booked_for", "booked_on", "closed_on"),
    fields=("modality", "requested_on", "notes"),
    form_name="ScanRequestForm",
    create_name="scan_request_create",
    import_key=None,
    columns=("modality", "requested_on", "state", "booked_for", "closed_on"),
)
REVIEW = RecordType(
    kind="reviews",
    model=RecommendationReview,
    title="recommendation review",
    label="Review",
    owner="patient",
    dates=("date",),
    fields=("date", "decision", "reason", "notes"),
    form_name="ReviewForm",
    create_name="review_create",
    import_key=None,
    columns=("date", "decision", "recommendation"),
)
CONTACT = RecordType(
    kind="contacts",
    model=ContactLog,
    title="contact",
    label="Contact",
    owner="patient",
    dates=("date",),
    fields=("date", "method", "outcome", "notes"),
    form_name="ContactForm",
    create_name="contact_create",
    import_key=None,
    columns=("date", "method", "outcome"),
)

REGISTRY: tuple[RecordType, ...] = (
    PATIENT,
    COURSE,
    INFUSION,
    HOLD,
    LVEF,
    COTREATMENT,
    SCAN_REQUEST,
    REVIEW,
    CONTACT,
)
# The records of a patient that the clinic pages create under /patients/<mrn>/<kind>/.
PATIENT_RECORDS: dict[str, RecordType] = {t.kind: t for t in REGISTRY if t.owner is not None}
_BY_MODEL = {t.model: t for t in REGISTRY}


def of_kind(kind: str) -> RecordType | None:
    return PATIENT_RECORDS.get(kind)


def owned_by(model: type) -> tuple[RecordType, ...]:
    """The record types whose owner is a `model` (the admin's inlines), in registry order."""
    return tuple(t for t in REGISTRY if t.owner_model is model)


def of_model(model_or_record) -> RecordType:
    model = model_or_record if isinstance(model_or_record, type) else type(model_or_record)
    return _BY_MODEL[model._meta.concrete_model]
