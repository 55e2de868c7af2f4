"""The one place where database rows become the rules' records (monitoring dataclasses), with a
fixed number of queries whatever the number of patients; the rule settings of this clinic."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import QuerySet

from tracker import monitoring
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)


def rule_settings() -> monitoring.RuleSettings:
    """The institution's values of the configurable thresholds (LLN, S6 due-soon window)."""
    return monitoring.RuleSettings(
        lln=settings.LVEF_LOWER_LIMIT_NORMAL,
        due_soon_days=settings.ASSESSMENT_DUE_SOON_DAYS,
    )


def active_patients() -> QuerySet[Patient]:
    return Patient.objects.filter(entered_in_error=False)


def load_records(patients: QuerySet[Patient]) -> dict[int, monitoring.PatientRecord]:
    """PatientRecord per patient id. Records entered in error are left in the database: the
    rules ignore them everywhere (clinical-rules.md section 0). Ids give the recording order
    that breaks ties (section 0)."""
    ids = patients.values("pk")
    courses = TreatmentCourse.objects.filter(patient__in=ids, entered_in_error=False)
    course_ids = courses.values("pk")

    infusions = defaultdict(list)
    for course_id, *values in (
        Infusion.objects.filter(course__in=course_ids, entered_in_error=False)
        .order_by("date", "pk")
        .values_list("course_id", "date", "dose_mg", "loading_dose", "duration_minutes")
    ):
        infusions[course_id].append(monitoring.Infusion(*values))

    holds = defaultdict(list)
    for course_id, *values in (
        TreatmentHold.objects.filter(course__in=course_ids, entered_in_error=False)
        .order_by("start", "pk")
        .values_list("course_id", "start", "end", "reason")
    ):
        holds[course_id].append(monitoring.Hold(*values))

    courses_of = defaultdict(list)
    for pk, patient_id, agent, intent, schedule, planned, end_date, end_reason in courses.order_by(
        "planned_start", "pk"
    ).values_list(
        "pk",
        "patient_id",
        "agent",
        "intent",
        "schedule",
        "planned_start",
        "end_date",
        "end_reason",
    ):
        courses_of[patient_id].append(
            monitoring.Course(
                agent=agent,
                intent=intent,
                schedule=schedule,
                planned_start=planned,
                end_date=end_date,
                end_reason=end_reason or None,
                infusions=tuple(infusions[pk]),
                holds=tuple(holds[pk]),
                sequence=pk,
            )
        )

    lvef_of = defaultdict(list)
    for patient_id, pk, day, value, modality, gls in (
        LvefMeasurement.objects.filter(patient__in=ids, entered_in_error=False)
        .order_by("date", "pk")
        .values_list("patient_id", "pk", "date", "value", "modality", "gls")
    ):
        lvef_of[patient_id].append(
            monitoring.LvefMeasurement(day, value, modality, gls, sequence=pk)
        )

    cotreatments_of = defaultdict(list)
    for patient_id, *values in (
        CoTreatment.objects.filter(patient__in=ids, entered_in_error=False)
        .order_by("start", "pk")
        .values_list("patient_id", "drug", "start", "end", "cumulative_dose_mg_m2")
    ):
        cotreatments_of[patient_id].append(monitoring.CoTreatment(*values))

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


def evaluate_patients(patients: QuerySet[Patient], as_of: date) -> list[EvaluatedPatient]:
    """Every patient of the queryset with its status at as_of, in MRN order (plain string order,
    as the report requires, whatever the database's collation)."""
    rules = rule_settings()
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
    history, the status and the chart)."""
    valid = [c for c in courses if not c.entered_in_error]
    return monitoring.PatientRecord(
        key=patient.mrn,
        courses=tuple(
            monitoring.Course(
                agent=c.agent,
                intent=c.intent,
                schedule=c.schedule,
                planned_start=c.planned_start,
                end_date=c.end_date,
                end_reason=c.end_reason or None,
                infusions=tuple(
                    monitoring.Infusion(i.date, i.dose_mg, i.loading_dose, i.duration_minutes)
                    for i in sorted(c.infusions.all(), key=lambda i: (i.date, i.pk))
                    if not i.entered_in_error
                ),
                holds=tuple(
                    monitoring.Hold(h.start, h.end, h.reason)
                    for h in sorted(c.holds.all(), key=lambda h: (h.start, h.pk))
                    if not h.entered_in_error
                ),
                sequence=c.pk,
            )
            for c in sorted(valid, key=lambda c: (c.planned_start, c.pk))
        ),
        lvef=tuple(
            monitoring.LvefMeasurement(m.date, m.value, m.modality, m.gls, sequence=m.pk)
            for m in sorted(measurements, key=lambda m: (m.date, m.pk))
            if not m.entered_in_error
        ),
        cotreatments=tuple(
            monitoring.CoTreatment(t.drug, t.start, t.end, t.cumulative_dose_mg_m2)
            for t in sorted(cotreatments, key=lambda t: (t.start, t.pk))
            if not t.entered_in_error
        ),
    )
