"""Reads for the views and commands: load any number of patients' records into the monitoring
dataclasses with a fixed number of queries (one per table, whatever the number of patients)."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Case, CharField, Q, QuerySet, Value, When

from tracker import monitoring
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    MonitoringStatus,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    WorklistVersion,
)
from tracker.monitoring.lvef import HOLD_RECOMMENDATIONS


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


def assessment_status_ranges(today: date) -> dict[str, Q]:
    """S6 in SQL, from the stored due date and today, so it is right even if the nightly refresh
    was missed: overdue when today is after the due date; due soon when today is within the
    window before it, or on it. Ranges on the due date, so that the index answers them."""
    soon = today + timedelta(days=settings.ASSESSMENT_DUE_SOON_DAYS)
    return {
        "not_required": Q(next_assessment_due__isnull=True),
        "overdue": Q(next_assessment_due__lt=today),
        "due_soon": Q(next_assessment_due__gte=today, next_assessment_due__lte=soon),
        "ok": Q(next_assessment_due__gt=soon),
    }


def with_assessment_status(statuses: QuerySet[MonitoringStatus], today: date):
    ranges = assessment_status_ranges(today)
    return statuses.annotate(
        assessment_status=Case(
            *(When(condition, then=Value(status)) for status, condition in ranges.items()),
            output_field=CharField(),
        )
    )


def _stored_lvef(value, day, modality):
    if value is None:
        return None
    return monitoring.LvefMeasurement(day, value, modality)


# What the screens read of a stored status: values, not model instances (a worklist reads up
# to 90 rows and a page of the patient list 50; building instances cost more than the SQL).
ROW_FIELDS = (
    "patient_id",
    "patient__mrn",
    "patient__given_name",
    "patient__family_name",
    "patient__date_of_birth",
    "phase",
    "next_assessment_due",
    "assessment_status",
    "recommendation",
    "recommendation_reason",
    "cotreatment_risk",
    "ctrcd",
    "baseline_value",
    "baseline_date",
    "latest_value",
    "latest_date",
    "latest_modality",
    "lvef_drop",
    "doxorubicin_equivalent_mg_m2",
    "flags",
)


def stored_rows(statuses: QuerySet[MonitoringStatus], today: date) -> list[EvaluatedPatient]:
    return [stored_row(values, today) for values in statuses.values(*ROW_FIELDS)]


def stored_row(row: dict, today: date) -> EvaluatedPatient:
    """A stored status (values of ROW_FIELDS, with the SQL assessment_status) in the shape the
    screens use for a fresh evaluation; S6's flags come from the status of today."""
    flags = [code for code in row["flags"].split(";") if code]
    if row["assessment_status"] == "overdue":
        flags.append("ASSESSMENT_OVERDUE")
    elif row["assessment_status"] == "due_soon":
        flags.append("ASSESSMENT_DUE_SOON")
    due = row["next_assessment_due"]
    return EvaluatedPatient(
        row["patient_id"],
        row["patient__mrn"],
        row["patient__given_name"],
        row["patient__family_name"],
        row["patient__date_of_birth"],
        monitoring.PatientStatus(
            as_of=today,
            phase=row["phase"],
            baseline=_stored_lvef(row["baseline_value"], row["baseline_date"], ""),
            latest=_stored_lvef(row["latest_value"], row["latest_date"], row["latest_modality"]),
            lvef_drop=row["lvef_drop"],
            ctrcd=row["ctrcd"],
            next_assessment_due=due,
            days_until_due=(due - today).days if due else None,
            assessment_status=row["assessment_status"],
            recommendation=row["recommendation"],
            recommendation_reason=row["recommendation_reason"],
            cotreatment_risk=row["cotreatment_risk"],
            doxorubicin_equivalent_mg_m2=row["doxorubicin_equivalent_mg_m2"],
            flags=tuple(sorted(set(flags))),
        ),
    )


def stored_statuses(today: date, query: str = "") -> QuerySet[MonitoringStatus]:
    # Patients entered in error have no stored status (services.status_refresh).
    statuses = MonitoringStatus.objects.all()
    if query:
        statuses = statuses.filter(patient__in=search(Patient.objects.all(), query))
    return with_assessment_status(statuses, today)


@dataclass(frozen=True)
class WorklistSection:
    key: str
    title: str
    description: str
    rows: list[EvaluatedPatient]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


# What a nurse acts on, in order of urgency; a patient appears in every section that applies.
# (key, title, description, condition on the stored status, order: ties in recording order,
# and each order is the order of the section's index in models.MonitoringStatus)
WORKLIST_SECTIONS = (
    ("overdue", "Assessment overdue",
     "The LVEF assessment is past its due date (S6): book the scan.",
     lambda today: assessment_status_ranges(today)["overdue"],
     ("next_assessment_due", "patient_id")),
    ("due_soon", "Due soon",
     "The LVEF assessment falls due within the due-soon window (S6): check it is booked.",
     lambda today: assessment_status_ranges(today)["due_soon"],
     ("next_assessment_due", "patient_id")),
    ("hold_discontinue", "Hold or discontinue recommended",
     "The LVEF decline meets the label's criteria (H1-H4): tell the oncologist.",
     lambda today: Q(hold_recommended=True), ("-latest_date", "-patient_id")),
    ("may_resume", "May resume",
     "LVEF has recovered during a cardiac hold (H2): the oncologist may resume treatment.",
     lambda today: Q(recommendation="may_resume"), ("-latest_date", "-patient_id")),
    ("baseline_missing", "Baseline missing",
     "No baseline LVEF before the first infusion (B2).",
     lambda today: Q(baseline_missing=True), ("next_assessment_due", "patient_id")),
    ("hold_not_actioned", "Hold not actioned",
     "Infusions were given after an LVEF that met the hold criteria (H5).",
     lambda today: Q(hold_not_actioned=True), ("-latest_date", "-patient_id")),
    ("infusion_during_hold", "Infusion during hold",
     "An infusion is recorded inside a treatment hold (H5): check the record.",
     lambda today: Q(infusion_during_hold=True), ("patient_id",)),
    ("reload_dose_due", "Reload dose due",
     "More than a week past the scheduled dose: the next dose is a loading dose (D1).",
     lambda today: Q(reload_dose_due=True), ("patient_id",)),
    ("high_risk", "High co-treatment risk",
     "Anthracycline with cyclophosphamide, concurrent anthracycline or a high cumulative "
     "dose (C7).",
     lambda today: Q(cotreatment_risk="high"), ("patient_id",)),
)  # fmt: skip
SECTION_ROWS = 10  # per section on screen; "See all" opens the rest in the patient list


def worklist(today: date, query: str = "", limit: int | None = SECTION_ROWS):
    """The worklist's sections from the stored statuses in three queries, however many
    patients: every count; the first patient ids of every section (each read from the
    section's own index); the rows themselves."""
    statuses = stored_statuses(today, query)
    if query:
        numbers, oldest, found = _run(*_worklist_sql(statuses, today, limit))
    else:
        # The everyday worklist: read again only when the statuses changed (a new version) or
        # the day did, since overdue and due soon are computed from today.
        version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True)
        numbers, oldest, found = _everyday_worklist(
            today, limit, settings.ASSESSMENT_DUE_SOON_DAYS, version.first()
        )
    keys = [key for key, *_ in WORKLIST_SECTIONS]
    counts = dict(zip([*keys, "total"], numbers, strict=True))
    # The day the oldest stored status was computed for (a missed nightly refresh shows).
    counts["evaluated_for"] = date.fromisoformat(oldest) if isinstance(oldest, str) else oldest
    ids = {key: [] for key in keys}
    for index, pk in found:
        ids[keys[index]].append(pk)
    wanted = {pk for section in ids.values() for pk in section}
    rows = stored_rows(statuses.filter(patient_id__in=wanted), today) if wanted else []
    by_id = {row.pk: row for row in rows}
    sections = []
    for key, title, description, _, order in WORKLIST_SECTIONS:
        # The database chose each section's first rows in its order; the same order, applied
        # here, lays them out (a UNION does not promise to keep its parts' order).
        section_rows = _ordered([by_id[pk] for pk in ids[key]], order)
        sections.append(WorklistSection(key, title, description, section_rows, counts[key]))
    return sections, counts


ORDER_KEYS = {
    "next_assessment_due": lambda r: r.status.next_assessment_due,
    "latest_date": lambda r: r.status.latest.date if r.status.latest else None,
    "patient_id": lambda r: r.pk,
}


def _ordered(rows: list[EvaluatedPatient], order: tuple[str, ...]) -> list[EvaluatedPatient]:
    for field in reversed(order):  # stable sorts, last key first
        key = ORDER_KEYS[field.lstrip("-")]
        rows.sort(key=lambda r: (key(r) is not None, key(r)), reverse=field.startswith("-"))
    return rows


def _run(counts_sql, ids_sql):
    with connection.cursor() as cursor:
        cursor.execute(*counts_sql)
        *numbers, oldest = cursor.fetchone()
        cursor.execute(*ids_sql)
        return tuple(numbers), oldest, tuple(cursor.fetchall())


@functools.lru_cache(maxsize=16)
def _everyday_worklist(today: date, limit: int | None, due_soon_days: int, version: int | None):
    """Counts and first ids of the worklist without a search, kept per process for one state of
    the stored statuses (WorklistVersion) and one day; the rows are always read fresh."""
    return _run(*_worklist_sql(stored_statuses(today), today, limit))


def _worklist_sql(statuses: QuerySet[MonitoringStatus], today: date, limit: int | None):
    """Two statements: every count (SELECT (SELECT COUNT(*) ...), ..., each subquery reading
    its section's index) with the oldest evaluation date; and each section's first patient
    ids (a UNION ALL of the sections' own ordered, limited queries)."""
    counts, ids, count_params, id_params = [], [], [], []
    for index, (_, _, _, condition, order) in enumerate(WORKLIST_SECTIONS):
        members = statuses.filter(condition(today))
        sql, params = members.order_by().values("pk").query.sql_with_params()
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section)")  # noqa: S608 - ORM SQL
        count_params.extend(params)
        first = members.order_by(*order).values("patient_id")
        sql, params = (first if limit is None else first[:limit]).query.sql_with_params()
        ids.append(f"SELECT {index} AS section, s.patient_id FROM ({sql}) AS s")  # noqa: S608
        id_params.extend(params)
    sql, params = statuses.order_by().values("pk").query.sql_with_params()
    counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section)")  # noqa: S608 - ORM SQL
    count_params.extend(params)
    table = connection.ops.quote_name(MonitoringStatus._meta.db_table)
    counts.append(f"(SELECT MIN(evaluated_for) FROM {table})")  # noqa: S608 - table name
    return (
        ("SELECT " + ", ".join(counts), tuple(count_params)),  # noqa: S608 - ORM SQL
        (" UNION ALL ".join(ids), tuple(id_params)),
    )


SECTION_FILTERS = {key: condition for key, _, _, condition, _ in WORKLIST_SECTIONS}


def search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """MRN or name, any part, any case; every word must match."""
    for word in query.split():
        patients = patients.filter(
            Q(mrn__icontains=word) | Q(given_name__icontains=word) | Q(family_name__icontains=word)
        )
    return patients


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


@dataclass(frozen=True)
class ChangeEntry:
    at: object
    user: str
    record: str
    kind: str  # created / changed / entered in error
    changes: list[str]


HISTORY_SKIP = {
    "id",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "history_user_id",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "entered_in_error_at",
    "entered_in_error_by",
}


def patient_change_history(patient: Patient) -> list[ChangeEntry]:
    """Every version of every record of the patient (django-simple-history), newest first, with
    what changed; one query per table."""
    course_ids = list(TreatmentCourse.objects.filter(patient=patient).values_list("pk", flat=True))
    sources = [
        ("Patient", Patient.history.filter(id=patient.pk)),
        ("Course", TreatmentCourse.history.filter(patient_id=patient.pk)),
        ("Infusion", Infusion.history.filter(course_id__in=course_ids)),
        ("Hold", TreatmentHold.history.filter(course_id__in=course_ids)),
        ("LVEF", LvefMeasurement.history.filter(patient_id=patient.pk)),
        ("Co-treatment", CoTreatment.history.filter(patient_id=patient.pk)),
    ]
    entries = []
    for label, versions in sources:
        previous = {}
        for version in versions.select_related("history_user").order_by(
            "history_date", "history_id"
        ):
            fields = [
                f.attname
                for f in version.instance_type._meta.concrete_fields
                if f.attname not in HISTORY_SKIP and f.name not in HISTORY_SKIP
            ]
            before = previous.get(version.id)
            if before is None:
                kind, changes = "created", []
            else:
                changes = [
                    f"{name.replace('_', ' ')}: {getattr(before, name)} → {getattr(version, name)}"
                    for name in fields
                    if getattr(before, name) != getattr(version, name)
                ]
                kind = (
                    "entered in error"
                    if version.entered_in_error and not before.entered_in_error
                    else "changed"
                )
            user = version.history_user
            entries.append(
                ChangeEntry(
                    version.history_date,
                    (user.get_full_name() or user.get_username()) if user else "unknown",
                    f"{label}: {version.instance}",
                    kind,
                    changes,
                )
            )
            previous[version.id] = version
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def patient_views(patient: Patient, limit: int = 50):
    from tracker.models import AuditEvent

    return list(
        AuditEvent.objects.filter(patient=patient, action="patient_view")  # by key: finding 5
        .select_related("user")
        .order_by("-at")[:limit]
    )
