"""The timeline's reads: every record of one patient, and what staff must see before an infusion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from tracker import monitoring
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)
from tracker.monitoring.lvef import HOLD_RECOMMENDATIONS

from .records import _record_of, evaluate_patients, rule_settings

FIRST_INFUSION_MINUTES = 90  # the US label gives the loading dose over 90 minutes


def infusion_warnings(course: TreatmentCourse, data: dict) -> list[str]:
    """What staff must see before recording an infusion: the patient's status on the infusion's
    date, before it (clinical-rules.md H2-H4, S6, D1, B2), and a short first infusion."""
    as_of = data["date"]
    (evaluated,) = evaluate_patients(Patient.objects.filter(pk=course.patient_id), as_of)
    status = evaluated.status
    warnings = []
    if status.recommendation in HOLD_RECOMMENDATIONS:
        warnings.append(
            f"The recommendation is to {status.recommendation} trastuzumab. "
            f"{status.recommendation_reason}"
        )
    if status.assessment_status == "overdue":
        warnings.append(
            f"The LVEF assessment was due on {status.next_assessment_due:%d %b %Y} and is "
            f"overdue (S6). Check the heart before this dose."
        )
    if "RELOAD_DOSE_DUE" in status.flags and not data.get("loading_dose"):
        warnings.append(
            "A reload dose is due (D1, EU SmPC): more than a week past the scheduled dose, so "
            "this dose should be a loading dose (8 mg/kg three-weekly or 4 mg/kg weekly, over "
            "90 minutes). This infusion is not marked as a loading dose."
        )
    if "BASELINE_MISSING" in status.flags:
        warnings.append("There is no baseline LVEF within 3 months before the first infusion (B2).")
    holds = course.holds.filter(entered_in_error=False, start__lte=as_of).filter(
        Q(end__isnull=True) | Q(end__gt=as_of)
    )
    for hold in holds:  # H5: an infusion inside a hold (start included, end excluded)
        warnings.append(
            f"The date falls inside a {hold.get_reason_display().lower()} treatment hold that "
            f"started on {hold.start:%d %b %Y}"
            + (f" and ends on {hold.end:%d %b %Y}" if hold.end else " and is still open")
            + " (H5): an infusion during a hold is flagged."
        )
    first = not course.infusions.filter(entered_in_error=False, date__lte=as_of).exists()
    minutes = data.get("duration_minutes")
    if first and minutes is not None and minutes < FIRST_INFUSION_MINUTES:
        warnings.append(
            f"This is the course's first infusion and it is given over {minutes} minutes; the "
            f"first (loading) dose is given over {FIRST_INFUSION_MINUTES} minutes."
        )
    return warnings


@dataclass(frozen=True)
class HistoryEntry:
    date: date
    kind: str  # the URL kind of the record, for its links
    label: str
    summary: str
    record: object


@dataclass(frozen=True)
class PatientHistory:
    courses: list[TreatmentCourse]
    entries: list[HistoryEntry]
    record: monitoring.PatientRecord  # the same rows, for the rules (errors left out)


def patient_history(patient: Patient) -> PatientHistory:
    """Every record of the patient, entered-in-error ones included (shown struck through),
    newest first; a fixed number of queries."""
    from django.db.models import Prefetch

    by = ("entered_in_error_by", "created_by")
    courses = list(
        TreatmentCourse.objects.filter(patient=patient)
        .select_related(*by)
        .prefetch_related(
            Prefetch("infusions", queryset=Infusion.objects.select_related(*by)),
            Prefetch("holds", queryset=TreatmentHold.objects.select_related(*by)),
        )
        .order_by("-planned_start", "-pk")
    )
    measurements = list(LvefMeasurement.objects.filter(patient=patient).select_related(*by))
    cotreatments = list(CoTreatment.objects.filter(patient=patient).select_related(*by))
    record = _record_of(patient, courses, measurements, cotreatments)
    entries = []
    for course in courses:
        agent = course.get_agent_display()
        entries.append(
            HistoryEntry(
                course.planned_start,
                "courses",
                "Course",
                f"{agent}, {course.intent}, {course.get_schedule_display().lower()}: planned start",
                course,
            )
        )
        if course.end_date:
            entries.append(
                HistoryEntry(
                    course.end_date, "courses", "Course end", f"{agent} {course.end_reason}", course
                )
            )
        for infusion in course.infusions.all():
            details = [f"{infusion.dose_mg} mg"]
            if infusion.loading_dose:
                details.append("loading dose")
            if infusion.duration_minutes:
                details.append(f"over {infusion.duration_minutes} min")
            if infusion.reaction != "none":
                details.append(f"{infusion.reaction} reaction")
            entries.append(
                HistoryEntry(infusion.date, "infusions", "Infusion", ", ".join(details), infusion)
            )
        for hold in course.holds.all():
            until = f" until {hold.end}" if hold.end else " (open)"
            entries.append(
                HistoryEntry(hold.start, "holds", "Hold", f"{hold.reason} hold{until}", hold)
            )
    for m in measurements:
        gls = f", GLS {m.gls}%" if m.gls is not None else ""
        entries.append(
            HistoryEntry(
                m.date, "lvef", "LVEF", f"{m.value}% by {m.get_modality_display()}{gls}", m
            )
        )
    for t in cotreatments:
        dose = f", {t.cumulative_dose_mg_m2} mg/m²" if t.cumulative_dose_mg_m2 else ""
        until = f" to {t.end}" if t.end else ""
        entries.append(
            HistoryEntry(
                t.start, "cotreatments", "Co-treatment", f"{t.get_drug_display()}{until}{dose}", t
            )
        )
    entries.sort(key=lambda e: (e.date, e.record.pk), reverse=True)
    return PatientHistory(courses=courses, entries=entries, record=record)


@dataclass(frozen=True)
class Timeline:
    """Everything the timeline page (and the API's patient detail) shows of one patient: every
    record, the fresh evaluation and the chart, from one load of the patient's rows."""

    patient: Patient
    history: PatientHistory
    status: monitoring.PatientStatus
    chart: str
    lln: object
    today: date

    @property
    def courses(self):
        return self.history.courses


def patient_timeline(patient: Patient, today: date) -> Timeline:
    from tracker import charts

    history = patient_history(patient)
    record = history.record
    rules = rule_settings()
    status = monitoring.evaluate(record, today, rules)
    chart = charts.lvef_chart(
        measurements=[m for m in record.lvef if m.date <= today],
        baseline=status.baseline,
        lln=rules.lln,
        holds=[(h.start, h.end, h.reason) for c in record.courses for h in c.holds],
        infusions=[i.date for c in record.courses for i in c.infusions],
        as_of=today,
    )
    return Timeline(patient, history, status, chart, rules.lln, today)
