"""The worklist: its sections, counts and first rows from the stored statuses, in three queries."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet

from tracker.models import (
    MonitoringStatus,
    WorklistVersion,
)

from .records import EvaluatedPatient
from .status import assessment_status_ranges, stored_rows, stored_statuses


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
    return _run(*_worklist_sql(stored_statuses(today, current=False), today, limit))


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
