"""The one place where database rows become the rules' records (monitoring dataclasses), with a
fixed number of queries whatever the number of patients; the rule settings of this clinic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import QuerySet

from tracker import monitoring
from tracker import records as rt
from tracker.models import (
    Patient,
    TreatmentCourse,
)


def rule_settings(rule_set: str | None = None) -> monitoring.RuleSettings:
    """The institution's values of the configurable thresholds (LLN, S6 due-soon window) and its
    rule set (section 0), or another rule set for one report (monitoring_report --rule-set)."""
    return monitoring.RuleSettings(
        lln=settings.LVEF_LOWER_LIMIT_NORMAL,
        due_soon_days=settings.ASSESSMENT_DUE_SOON_DAYS,
        rule_set=rule_set or settings.RULE_SET,
    )


def active_patients() -> QuerySet[Patient]:
    return Patient.objects.filter(entered_in_error=False)


# The rules' dataclass of each record type; the registry names the fields, in the dataclass's
# order (tracker/records.py), so that a bulk load and a page's own rows map alike.
RULE_CLASSES = {
    rt.COURSE: monitoring.Course,
    rt.INFUSION: monitoring.Infusion,
    rt.HOLD: monitoring.Hold,
    rt.LVEF: monitoring.LvefMeasurement,
    rt.COTREATMENT: monitoring.CoTreatment,
}


def status_stamps() -> list[tuple[int, object]]:
    """(patient id, its stored status's evaluated_at) of every active patient, None where it has
    no stored status: what the per-process caches (the quality dashboard's items, the chair
    list) compare to see which patients changed, since every clinical write, the patient's own
    included, and the nightly refresh set it. The ORM's query, read without its converters:
    parsing 100,000 datetimes was most of its cost, and only equality matters here (the value
    is SQLite's stored text, or PostgreSQL's timestamp)."""
    query = active_patients().values_list("pk", "monitoring_status__evaluated_at").order_by()
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _rule(record_type, values, **extra):
    fields = dict(zip(record_type.rule_fields, values, strict=True))
    if "end_reason" in fields:
        fields["end_reason"] = fields["end_reason"] or None  # "" in the database
    return RULE_CLASSES[record_type](**fields, **extra)


def _course_rule(values, infusions, holds, pk):
    return _rule(rt.COURSE, values, infusions=tuple(infusions), holds=tuple(holds), sequence=pk)


def load_records(patients: QuerySet[Patient]) -> dict[int, monitoring.PatientRecord]:
    """PatientRecord per patient id, one query per table whatever the number of patients.
    Records entered in error are left in the database: the rules ignore them everywhere
    (clinical-rules.md section 0). Ids give the recording order that breaks ties (section 0)."""
    ids = patients.values("pk")
    courses = TreatmentCourse.objects.filter(patient__in=ids, entered_in_error=False)
    course_ids = courses.values("pk")

    def rows(record_type, owner, order):
        return (
            record_type.model.objects.filter(
                **{f"{owner}__in": course_ids if owner == "course" else ids},
                entered_in_error=False,
            )
            .order_by(order, "pk")
            .values_list(f"{owner}_id", "pk", *record_type.rule_fields)
        )

    infusions, holds = defaultdict(list), defaultdict(list)
    for course_id, _, *values in rows(rt.INFUSION, "course", "date"):
        infusions[course_id].append(_rule(rt.INFUSION, values))
    for course_id, _, *values in rows(rt.HOLD, "course", "start"):
        holds[course_id].append(_rule(rt.HOLD, values))
    courses_of = defaultdict(list)
    for patient_id, pk, *values in rows(rt.COURSE, "patient", "planned_start"):
        courses_of[patient_id].append(_course_rule(values, infusions[pk], holds[pk], pk))
    lvef_of = defaultdict(list)
    for patient_id, pk, *values in rows(rt.LVEF, "patient", "date"):
        lvef_of[patient_id].append(_rule(rt.LVEF, values, sequence=pk))
    cotreatments_of = defaultdict(list)
    for patient_id, _, *values in rows(rt.COTREATMENT, "patient", "start"):
        cotreatments_of[patient_id].append(_rule(rt.COTREATMENT, values))

    return {
        pk: monitoring.PatientRecord(
            key=mrn,
            courses=tuple(courses_of[pk]),
            lvef=tuple(lvef_of[pk]),
            cotreatments=tuple(cotreatments_of[pk]),
        )
        for pk, mrn in patients.values_list("pk", "mrn")
    }


@dataclass(frozen=True)
class EvaluatedPatient:
    """One row of the worklist, the patient list or the report."""

    pk: int
    mrn: str
    given_name: str
    family_name: str
    date_of_birth: date
    status: monitoring.PatientStatus

    @property
    def name(self) -> str:
        return f"{self.family_name}, {self.given_name}"

    @property
    def flag_details(self):
        return self.status.flag_details


def evaluate_patients(
    patients: QuerySet[Patient], as_of: date, rules: monitoring.RuleSettings | None = None
) -> list[EvaluatedPatient]:
    """Every patient of the queryset with its status at as_of, in MRN order (plain string order,
    as the report requires, whatever the database's collation)."""
    rules = rules or rule_settings()
    records = load_records(patients)
    evaluated = [
        EvaluatedPatient(
            pk, mrn, given, family, born, monitoring.evaluate(records[pk], as_of, rules)
        )
        for pk, mrn, given, family, born in patients.values_list(
            "pk", "mrn", "given_name", "family_name", "date_of_birth"
        )
    ]
    return sorted(evaluated, key=lambda e: e.mrn)


def _record_of(patient, courses, measurements, cotreatments) -> monitoring.PatientRecord:
    """Model instances already loaded for the page, as the rules' records (one load serves the
    history, the status and the chart), through the same mapping as load_records."""

    def values(record_type, record):
        return [getattr(record, name) for name in record_type.rule_fields]

    def rules(record_type, records, order):
        return [_rule(record_type, values(record_type, r)) for r in valid(records, order)]

    def valid(records, *order):
        kept = [r for r in records if not r.entered_in_error]
        return sorted(kept, key=lambda r: (*(getattr(r, name) for name in order), r.pk))

    return monitoring.PatientRecord(
        key=patient.mrn,
        courses=tuple(
            _course_rule(
                values(rt.COURSE, c),
                [
                    _rule(rt.INFUSION, values(rt.INFUSION, i))
                    for i in valid(c.infusions.all(), "date")
                ],
                [_rule(rt.HOLD, values(rt.HOLD, h)) for h in valid(c.holds.all(), "start")],
                c.pk,
            )
            for c in valid(courses, "planned_start")
        ),
        lvef=tuple(
            _rule(rt.LVEF, values(rt.LVEF, m), sequence=m.pk) for m in valid(measurements, "date")
        ),
        cotreatments=tuple(rules(rt.COTREATMENT, cotreatments, "start")),
    )
