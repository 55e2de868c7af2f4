"""The timeline's reads: every record of one patient, and what staff must see before an infusion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker import monitoring
from tracker.labels import number
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)
from tracker.monitoring.wording import day

from .records import _record_of, load_records, rule_settings


def infusion_warnings(course: TreatmentCourse, data: dict) -> list[monitoring.InfusionWarning]:
    """What staff must see before recording an infusion: the rules' own checks on the patient's
    records before it, on the infusion's date (monitoring.infusion_checks: H2-H5, S6, D1, B2 and
    the first infusion's length), in plain words."""
    record = load_records(Patient.objects.filter(pk=course.patient_id))[course.patient_id]
    rule_course = next(c for c in record.courses if c.sequence == course.pk)
    proposed = monitoring.Infusion(
        date=data["date"],
        dose_mg=data["dose_mg"],
        loading_dose=bool(data.get("loading_dose")),
        duration_minutes=data.get("duration_minutes"),
    )
    _, warnings = monitoring.infusion_checks(
        record, rule_course, proposed, as_of=data["date"], settings=rule_settings()
    )
    warnings = list(warnings)
    if warnings:
        # Issue 12 item 2: the oncologist's decision on this recommendation, beside the rules'.
        from .workflow import review_sentence, review_state

        status = monitoring.evaluate(record, data["date"], rule_settings())
        state, review = review_state(course.patient, status)
        if state == "current":
            warnings.append(monitoring.InfusionWarning("REVIEW", "", review_sentence(review) + "."))
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
    # Issue 12: the follow-through, newest first (entered-in-error ones included).
    scan_requests: list = ()
    reviews: list = ()
    contacts: list = ()


def patient_history(patient: Patient) -> PatientHistory:
    """Every record of the patient, entered-in-error ones included (shown struck through),
    newest first; a fixed number of queries."""
    from django.db.models import Prefetch

    courses = list(
        TreatmentCourse.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch("infusions", queryset=Infusion.objects.all()),
            Prefetch("holds", queryset=TreatmentHold.objects.all()),
        )
        .order_by("-planned_start", "-pk")
    )
    measurements = list(LvefMeasurement.objects.filter(patient=patient))
    cotreatments = list(CoTreatment.objects.filter(patient=patient))
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
                    course.end_date,
                    "courses",
                    "Course end",
                    f"{agent}: {course.get_end_reason_display().lower()}",
                    course,
                )
            )
        for infusion in course.infusions.all():
            details = [f"{number(infusion.dose_mg)} mg"]
            if infusion.loading_dose:
                details.append("loading dose")
            if infusion.duration_minutes:
                details.append(f"over {infusion.duration_minutes} min")
            if infusion.reaction != "none":
                details.append(f"{infusion.reaction} reaction")
            if infusion.override_reason:  # issue 13 item 11
                details.append(f"recorded despite the warnings: {infusion.override_reason}")
            entries.append(
                HistoryEntry(infusion.date, "infusions", "Infusion", ", ".join(details), infusion)
            )
        for hold in course.holds.all():
            until = f" until {day(hold.end)}" if hold.end else " (open)"
            if hold.end_reason:  # issue 12 item 7: why it ended (before the LVEF recovered)
                until += f", ended because: {hold.end_reason}"
            entries.append(
                HistoryEntry(hold.start, "holds", "Hold", f"{hold.reason} hold{until}", hold)
            )
    for m in measurements:
        gls = f", GLS {number(m.gls)}%" if m.gls is not None else ""
        entries.append(
            HistoryEntry(
                m.date, "lvef", "LVEF", f"{number(m.value)}% by {m.get_modality_display()}{gls}", m
            )
        )
    for t in cotreatments:
        dose = f", {number(t.cumulative_dose_mg_m2)} mg/m²" if t.cumulative_dose_mg_m2 else ""
        until = f" to {day(t.end)}" if t.end else ""
        entries.append(
            HistoryEntry(
                t.start, "cotreatments", "Co-treatment", f"{t.get_drug_display()}{until}{dose}", t
            )
        )
    requests, reviews, contacts = _workflow_records(patient)
    _people(
        [
            *courses,
            *(i for c in courses for i in c.infusions.all()),
            *(h for c in courses for h in c.holds.all()),
            *measurements,
            *cotreatments,
            *requests,
            *reviews,
            *contacts,
        ]
    )
    for r in requests:
        state = r.get_state_display().lower()
        when = f" for {day(r.booked_for)}" if r.booked_for else ""
        where = f" at {r.place}" if r.place else ""
        why = f": {r.cancel_reason}" if r.cancel_reason else ""
        entries.append(
            HistoryEntry(
                r.requested_on,
                "scans",
                "Scan request",
                f"{r.get_modality_display()}, {state}{when}{where}{why}",
                r,
            )
        )
    for r in reviews:
        why = f": {r.reason}" if r.reason else ""
        entries.append(
            HistoryEntry(
                r.date,
                "reviews",
                "Review",
                f"{r.get_decision_display()} (on {r.get_recommendation_display().lower()}){why}",
                r,
            )
        )
    for c in contacts:
        entries.append(
            HistoryEntry(
                c.date,
                "contacts",
                "Contact",
                f"{c.get_method_display()}: {c.get_outcome_display().lower()}",
                c,
            )
        )
    entries.sort(key=lambda e: (e.date, e.record.pk), reverse=True)
    return PatientHistory(
        courses=courses,
        entries=entries,
        record=record,
        scan_requests=requests,
        reviews=reviews,
        contacts=contacts,
    )


def _workflow_records(patient):
    from tracker.models import ContactLog, RecommendationReview, ScanRequest

    newest = ("-pk",)
    return (
        list(ScanRequest.objects.filter(patient=patient).order_by("-requested_on", *newest)),
        list(RecommendationReview.objects.filter(patient=patient).order_by("-date", *newest)),
        list(ContactLog.objects.filter(patient=patient).order_by("-date", *newest)),
    )


# Who recorded, marked in error, reviewed or contacted: a record's people, shown by name.
_PEOPLE = ("created_by", "entered_in_error_by", "reviewed_by", "contacted_by")


def _people(records) -> None:
    """Every record's people from one query, set on the records as select_related would: the
    same users joined into each of eight queries were most of the timeline's cost (issue 16:
    the timeline within 2x a trivial page)."""
    from tracker.models import User

    wanted = {
        (record, name)
        for record in records
        for name in _PEOPLE
        if getattr(record, f"{name}_id", None) is not None
    }
    users = User.objects.in_bulk({getattr(record, f"{name}_id") for record, name in wanted})
    for record, name in wanted:
        setattr(record, name, users.get(getattr(record, f"{name}_id")))


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
    chart_legend: str = ""
    plan: object = None  # selectors.workflow.MonitoringPlan (issue 12 item 7)

    @property
    def courses(self):
        return self.history.courses


def patient_timeline(patient: Patient, today: date) -> Timeline:
    from tracker import charts

    history = patient_history(patient)
    record = history.record
    rules = rule_settings()
    status = monitoring.evaluate(record, today, rules)
    # The profile the evaluation applied (section 4), by its key: chosen once, by the rules.
    profile = PROFILES_BY_KEY.get(status.profile)
    chart = charts.lvef_chart(
        measurements=[m for m in record.lvef if m.date <= today],
        baseline=status.baseline,
        lln=rules.lln,
        holds=[(h.start, h.end, h.reason) for c in record.courses for h in c.holds],
        infusions=[i.date for c in record.courses for i in c.infusions],
        as_of=today,
        profile=profile,
        next_due=status.next_assessment_due,
    )
    legend = charts.band_legend(profile)
    from .workflow import monitoring_plan

    plan = monitoring_plan(history, status, rules, today)
    return Timeline(patient, history, status, chart, rules.lln, today, legend, plan)


PROFILES_BY_KEY = {profile.key: profile for profile in monitoring.PROFILES}
