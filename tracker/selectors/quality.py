"""The quality dashboard (issue 14 items 3-4): the measures of a period and of the 8 quarters
before it, from one load of the records, kept per process for one state of the data.

Cache (item 4): the items of every patient (tracker/monitoring/quality.py) are computed once per
(evaluation date, rule settings, the days Q7 is taken at, WorklistVersion) and reused for every
period and drill-down. WorklistVersion changes in the transaction of every write of a clinical
record (services.status_refresh -> worklist_changed), so any write starts a new key; each app
server reads the same version row from the database, so several servers agree without a shared
cache (as the worklist's counts, selectors.worklist._everyday_worklist)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from tracker import monitoring
from tracker.models import Patient, WorklistVersion
from tracker.monitoring import quality

from .records import active_patients, load_records, rule_settings

TREND_QUARTERS = 8
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    quarter: bool = False

    @property
    def label(self) -> str:
        from tracker.monitoring.wording import day

        if self.quarter:
            first, last = _MONTHS[self.start.month - 1], _MONTHS[self.end.month - 1]
            return f"{first} to {last} {self.start.year}"
        return f"{day(self.start)} to {day(self.end)}"

    @property
    def code(self) -> str:
        """The quarter as a form value: 2026-Q3."""
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"


def quarter(year: int, number: int) -> Period:
    start = date(year, 3 * number - 2, 1)
    end = date(year + 1, 1, 1) if number == 4 else date(year, 3 * number + 1, 1)
    return Period(start, date.fromordinal(end.toordinal() - 1), quarter=True)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def previous_quarter(period: Period) -> Period:
    return quarter_of(date.fromordinal(period.start.toordinal() - 1))


def last_complete_quarter(today: date) -> Period:
    """The default period: the last quarter that ended before today."""
    return previous_quarter(quarter_of(today))


def trend_quarters(period: Period, count: int = TREND_QUARTERS) -> list[Period]:
    """The ``count`` quarters up to the one holding the period's end, oldest first."""
    quarters = [quarter_of(period.end)]
    while len(quarters) < count:
        quarters.append(previous_quarter(quarters[-1]))
    return quarters[::-1]


# Q5 needs the recorded review decisions ("recommendation reviews", another issue). Until they
# are recorded, the page says so and Q5 counts cardiac holds only.
REVIEWS_RECORDED = False


def _reviews_for_quality(patient_ids) -> dict[str, tuple[date, ...]]:
    """MRN -> the dates of the patient's recorded review decisions, for Q5 (the ``reviews``
    argument of monitoring.quality). None are recorded yet: empty. One query when they are."""
    return {}


@dataclass(frozen=True)
class QualityDashboard:
    period: Period
    as_of: date
    rule_set: str
    measures: list[quality.Measure]
    trend: list[tuple[Period, list[quality.Measure]]]
    reviews_recorded: bool
    store: quality.ItemStore

    def measure(self, measure_id: str) -> quality.Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def open_items(self, measure_id: str) -> list[quality.Item]:
        """The not-met and pending items of the period: not met first, then by MRN and day."""
        items = self.store.chosen(measure_id, self.period.start, self.period.end, self.as_of)
        return sorted(items, key=lambda i: (i.outcome != quality.NOT_MET, i.key, i.day))


def quality_dashboard(period: Period, as_of: date) -> QualityDashboard:
    """The period's measures and the trend of the 8 quarters up to it, evaluated at as_of."""
    rules = rule_settings()
    quarters = trend_quarters(period)
    q7_days = tuple(sorted({quality.q7_day(p.end, as_of) for p in (*quarters, period)}))
    version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    store = _items(as_of, rules, q7_days, version)
    return QualityDashboard(
        period=period,
        as_of=as_of,
        rule_set=str(rules.rule_set),
        measures=store.measures(period.start, period.end, as_of),
        trend=[(q, store.measures(q.start, q.end, as_of)) for q in quarters],
        reviews_recorded=REVIEWS_RECORDED,
        store=store,
    )


@functools.lru_cache(maxsize=4)
def _items(
    as_of: date, rules: monitoring.RuleSettings, q7_days: tuple[date, ...], version: int | None
) -> quality.ItemStore:
    """Every patient's items, from one load of the records (a fixed number of queries whatever
    the number of patients), kept for one state of the data (``version``) and one day."""
    records = load_records(active_patients())
    reviews = _reviews_for_quality(list(records))
    store = quality.ItemStore()
    for record in records.values():
        store.add(quality.patient_items(record, as_of, rules, reviews.get(record.key, ())))
        store.add(quality.q7_items(record, q7_days, rules))
    return store


def patients_by_mrn(mrns) -> dict[str, Patient]:
    """The listed patients, read fresh (names may change without a new key): one query."""
    return {p.mrn: p for p in active_patients().filter(mrn__in=list(mrns))}
