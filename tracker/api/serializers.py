"""The API's bodies. The record serializers are built from the record-type registry
(tracker/records.py): a new record type gets its read, create and update bodies from its entry.
Serializers here check types and ranges (the models' own validators, in the import's words);
the services check the rest (full_clean, the rules across records) when they write."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from rest_framework import serializers

from tracker import records as rt
from tracker.models import ClinicalDecimalField, MrnField
from tracker.monitoring import vocabulary as v
from tracker.validators import normalise_mrn, validate_mrn

AUDIT_FIELDS = (
    "entered_in_error",
    "entered_in_error_reason",
    "entered_in_error_at",
    "entered_in_error_by",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
)
USERS = ("entered_in_error_by", "created_by", "updated_by")
# What the follow-through records (issue 12) show beyond their editable fields: the state of a
# scan request (changed by its own endpoints, not by an edit), who acted, and what a review
# covered. Read-only.
READ_ONLY_EXTRA = {
    "scans": (
        "state",
        "booked_for",
        "booked_on",
        "place",
        "closed_on",
        "cancel_reason",
        "lvef",
        "requested_by",
        "closed_by",
    ),
    "reviews": ("recommendation", "hold_not_actioned", "lvef", "lvef_date", "lvef_value",
                "reviewed_by"),
    "contacts": ("contacted_by",),
}  # fmt: skip
WORKFLOW_USERS = ("requested_by", "closed_by", "reviewed_by", "contacted_by")


class ClinicalDecimal(serializers.DecimalField):
    """A number (62.5 or "62.5"): the model's range is checked before the digit count, so that
    150 reads "must be between 1 and 99", as in the import, and 1e30 is refused, not rounded."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float, str, Decimal)):
            self.fail("invalid")
        try:
            value = Decimal(str(data).strip()[: self.MAX_STRING_LENGTH + 1])
        except InvalidOperation:
            self.fail("invalid")
        if not value.is_finite():
            self.fail("invalid")
        self.run_validators(value)
        return super().to_internal_value(data)


class Mrn(serializers.CharField):
    """An MRN, normalised as the forms and the import do (NFKC, no invisible characters)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        self.validators = [validate_mrn]

    def to_internal_value(self, data):
        return normalise_mrn(super().to_internal_value(data))


class Strict:
    """Refuses keys the body may not have (a typo must not be silently dropped), naming each."""

    def to_internal_value(self, data):
        unknown = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            for key in sorted(set(data) - writable, key=str):
                unknown[key] = [
                    "is read-only: it cannot be set here" if key in self.fields else "unknown field"
                ]
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**unknown, **exc.detail}) from None
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value


class RecordSerializer(Strict, serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        ClinicalDecimalField: ClinicalDecimal,
        MrnField: Mrn,
    }

    def build_standard_field(self, field_name, model_field):
        cls, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, MrnField):
            kwargs = {k: kwargs[k] for k in ("label", "help_text", "required") if k in kwargs}
        return cls, kwargs

    def include_extra_kwargs(self, kwargs, extra_kwargs):
        # DRF drops allow_blank from read-only fields, and the schema would then promise a
        # value where a record may hold "" (an open course's end_reason).
        blank = kwargs.get("allow_blank", False)
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if blank and kwargs.get("read_only"):
            kwargs["allow_blank"] = True
        return kwargs


def _users(names=USERS):
    return {
        name: serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
        for name in names
    }


def _serializer(name, record_type, fields, *, read_only=(), extra=None, kwargs=None):
    meta = type(
        "Meta",
        (),
        {
            "model": record_type.model,
            "fields": fields,
            "read_only_fields": read_only,
            "extra_kwargs": kwargs or {},
        },
    )
    attrs = {"Meta": meta, **(extra or {})}
    return type(name, (RecordSerializer,), attrs)


class RecordBodies:
    """The three bodies of one record type: read, create, update."""

    def __init__(self, record_type: rt.RecordType):
        model = record_type.model.__name__
        by_course = record_type.owner == "course"
        own = ("course",) if by_course else ()
        key = () if record_type is rt.PATIENT else ("id",)
        shown = READ_ONLY_EXTRA.get(record_type.kind, ())
        self.read = _serializer(
            model,
            record_type,
            (*key, *own, *record_type.fields, *shown, *AUDIT_FIELDS),
            read_only=(*key, *own, *record_type.fields, *shown, *AUDIT_FIELDS),
            extra={
                **_users(),
                **_users(tuple(name for name in shown if name in WORKFLOW_USERS)),
                **(
                    {"course": serializers.IntegerField(source="course_id", read_only=True)}
                    if by_course
                    else {}
                ),  # fmt: skip
            },
        )
        self.create = _serializer(
            f"{model}Create",
            record_type,
            (*own, *record_type.fields),
            extra={"course": serializers.IntegerField(min_value=1, max_value=2**62)}
            if by_course
            else None,
        )
        if record_type is rt.INFUSION:
            # The form's "record it anyway" box: the rules' warnings must be seen before saving.
            self.create = type(
                f"{model}Create",
                (self.create,),
                {
                    "confirm_warnings": serializers.BooleanField(
                        required=False,
                        default=False,
                        help_text="Record the infusion despite the rules' warnings (the "
                        "400 lists them under the path confirm_warnings).",
                    ),
                    "Meta": type(
                        "Meta",
                        (self.create.Meta,),
                        {"fields": (*self.create.Meta.fields, "confirm_warnings")},
                    ),
                },
            )
        self.update = _serializer(
            f"{model}Update",
            record_type,
            (*record_type.fields, "updated_at"),
            kwargs={name: {"required": False} for name in record_type.fields},
            extra={
                "updated_at": serializers.DateTimeField(
                    help_text="The record's updated_at as you read it: if someone saved the "
                    "record since, the update is refused with 409 and nothing is saved."
                )
            },
        )


BODIES = {t.kind: RecordBodies(t) for t in rt.REGISTRY}


class EnteredInError(Strict, serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text="Why the record is wrong; it stays, struck through."
    )


class ScanBooking(Strict, serializers.Serializer):
    booked_for = serializers.DateField(help_text="The day the scan is booked for.")
    place = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Where."
    )


class ScanCancel(Strict, serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the request is cancelled.")
    closed_on = serializers.DateField(required=False, help_text="Default: today.")


class ScanDidNotAttend(Strict, serializers.Serializer):
    closed_on = serializers.DateField(required=False, help_text="Default: today.")
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="A note."
    )


# The rules' recommendation as a plain choice set (the report, the patient list); named in
# SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] beside the review's labelled one.
RECOMMENDATION_VALUES = [m.value for m in v.Recommendation]


def _choices(enum):
    return serializers.ChoiceField(choices=[m.value for m in enum])


class Lvef(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.FloatField()
    modality = serializers.CharField(allow_blank=True)


class ReportRow(serializers.Serializer):
    """One patient of the monitoring report (interchange.md, "Report")."""

    mrn = serializers.CharField()
    phase = _choices(v.Phase)
    baseline_lvef = Lvef(allow_null=True)
    latest_lvef = Lvef(allow_null=True)
    lvef_drop = serializers.FloatField(allow_null=True)
    ctrcd = _choices(v.CtrcdGrade)
    next_assessment_due = serializers.DateField(allow_null=True)
    assessment_status = _choices(v.AssessmentStatus)
    recommendation = _choices(v.Recommendation)
    cotreatment_risk = _choices(v.CotreatmentRisk)
    doxorubicin_equivalent_mg_m2 = serializers.FloatField()
    flags = serializers.ListField(child=serializers.CharField())


class PatientRow(ReportRow):
    """A row of the patient list or a worklist section: the stored status (S6 as of today)."""

    given_name = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    days_until_due = serializers.IntegerField(allow_null=True)


class PatientPage(serializers.Serializer):
    count = serializers.IntegerField(help_text="Patients matching the filters, all pages.")
    next = serializers.CharField(
        allow_null=True, help_text="The next page's address (after= the last MRN), or null."
    )
    results = PatientRow(many=True)


class FlagText(serializers.Serializer):
    code = serializers.CharField()
    rule = serializers.CharField()
    text = serializers.CharField()


class Evaluation(ReportRow):
    """The fresh evaluation of the patient's records, as of today."""

    as_of = serializers.DateField()
    rule_set = _choices(v.RuleSet)
    profile = serializers.CharField(allow_blank=True)
    days_until_due = serializers.IntegerField(allow_null=True)
    recommendation_reason = serializers.CharField(allow_blank=True)
    stable_until = serializers.DateField(allow_null=True)
    rules_version = serializers.CharField()
    explanations = FlagText(many=True)


Records = type(
    "PatientRecords",
    (serializers.Serializer,),
    {t.kind: BODIES[t.kind].read(many=True) for t in rt.REGISTRY if t.owner is not None},
)


class PatientDetail(BODIES[rt.PATIENT.kind].read):
    status = Evaluation(read_only=True)
    records = Records(read_only=True)

    class Meta(BODIES[rt.PATIENT.kind].read.Meta):
        fields = (*BODIES[rt.PATIENT.kind].read.Meta.fields, "status", "records")


class Section(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    count = serializers.IntegerField()
    patients = PatientRow(many=True)


class Worklist(serializers.Serializer):
    as_of = serializers.DateField()
    evaluated_for = serializers.DateField(
        allow_null=True, help_text="The day the oldest stored status was computed for."
    )
    total = serializers.IntegerField()
    sections = Section(many=True)


class MonitoringReport(serializers.Serializer):
    as_of = serializers.DateField()
    rule_set = _choices(v.RuleSet)
    patients = ReportRow(many=True)


class Measure(serializers.Serializer):
    id = serializers.CharField()
    denominator = serializers.IntegerField()
    numerator = serializers.IntegerField()
    percent = serializers.FloatField(allow_null=True)
    not_met = serializers.ListField(child=serializers.CharField())
    pending = serializers.ListField(child=serializers.CharField())
    median_days_overdue = serializers.FloatField(
        allow_null=True, required=False, help_text="Q7 only."
    )


QualityReport = type(
    "QualityReport",
    (serializers.Serializer,),
    {
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "as_of": serializers.DateField(),
        "rule_set": _choices(v.RuleSet),
        "measures": Measure(many=True),
    },
)


class Error(serializers.Serializer):
    path = serializers.CharField(help_text="The field (`value`), `query.<name>` or `body`.")
    message = serializers.CharField()


class ErrorBody(serializers.Serializer):
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = Error(many=True)


class ConflictBody(ErrorBody):
    current = serializers.DictField(
        required=False, help_text="The record as it is now (its new updated_at)."
    )


# --- query parameters -----------------------------------------------------------------------


class Query(Strict, serializers.Serializer):
    """Query parameters, refused when unknown, errors under `query.<name>`."""


def _filter(name, values):
    return serializers.ChoiceField(choices=list(values), required=False, help_text=name)


def patient_list_query(filters):
    return type(
        "PatientListQuery",
        (Query,),
        {
            "q": serializers.CharField(
                required=False, allow_blank=True, max_length=100, help_text="MRN or name"
            ),
            **{name: _filter(label, values) for name, (label, values) in filters.items()},
            "after": serializers.CharField(
                required=False, max_length=100, help_text="The last MRN of the previous page."
            ),
            "limit": serializers.IntegerField(
                required=False, min_value=1, max_value=200, default=50
            ),  # fmt: skip
        },
    )


class WorklistQuery(Query):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=100, default=10, help_text="Rows per section."
    )


class MonitoringReportQuery(Query):
    as_of = serializers.DateField(required=False, help_text="Evaluation date (default: today).")
    rule_set = serializers.ChoiceField(choices=[r.value for r in v.RuleSet], required=False)


QualityReportQuery = type(
    "QualityReportQuery",
    (Query,),
    {
        "from": serializers.DateField(help_text="First day of the period."),
        "to": serializers.DateField(help_text="Last day of the period (inclusive)."),
        "as_of": serializers.DateField(required=False, help_text="Default: today."),
    },
)
