"""The quality dashboard (issue 14 items 3-4): the measures of a period and of the 8 quarters
before it, from one load of the records, kept per process and in the database, and brought up
to date from the database at every read.

Cache (item 4): the items of every patient (tracker/monitoring/quality.py) are kept per
(evaluation date, rule settings) and reused for every period and drill-down; another period
adds only the Q7 items of its new days. They are checked against the database at every read, as
the worklist's counts are (selectors.worklist._everyday_worklist): while WorklistVersion is
unchanged (it changes in the transaction of every write, services.status_refresh ->
worklist_changed) nothing was written and nothing is read again; when it changed, one query
reads each patient's stamp (MonitoringStatus.evaluated_at, set by the same refresh, and its
reviews) and only the patients whose stamp changed are taken again.

Shared copies: what a process computes it also writes, one row per patient (QualityItems,
with the stamp, the evaluation date and a digest of the rules' code and settings), and what it
lacks it reads from there before computing. So one computation a day serves every app server
and every restart (the nightly refresh_status makes it, and each gunicorn worker reads it at
start: ``warm_up``, from deploy/gunicorn.conf.py); a row is used only while all of these are
as it was computed from, so a copy can be stale only by being ignored."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.db.models import Q

from tracker import monitoring
from tracker.models import Patient, QualityItems, RecommendationReview, WorklistVersion
from tracker.monitoring import quality

from .kept import kept
from .records import active_patients, load_records, rule_settings, status_stamps
from .workflow import review_stamps

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


# Q5 counts a recorded review decision (issue 12's recommendation reviews) as acting on a
# decline, beside a cardiac hold.
REVIEWS_RECORDED = True


def _reviews_for_quality(patient_ids) -> dict[str, tuple[date, ...]]:
    """MRN -> the dates of the patient's recorded review decisions, for Q5 (the ``reviews``
    argument of monitoring.quality), in one query. Every review is read and the wanted kept
    here: the reviews are few, and an IN list of every patient would exceed SQLite's limit."""
    wanted = set(patient_ids)
    dates: dict[str, list[date]] = {}
    rows = RecommendationReview.objects.filter(entered_in_error=False).values_list(
        "patient_id", "patient__mrn", "date"
    )
    for pk, mrn, day in rows.order_by("date", "pk"):
        if pk in wanted:
            dates.setdefault(mrn, []).append(day)
    return {mrn: tuple(days) for mrn, days in dates.items()}


@dataclass(frozen=True)
class QualityDashboard:
    period: Period
    as_of: date
    rule_set: str
    measures: list[quality.Measure]
    trend: list[tuple[Period, list[quality.Measure]]]
    reviews_recorded: bool
    open: dict[str, list[quality.Item]]  # the not-met and pending items asked for (drill-down)

    def measure(self, measure_id: str) -> quality.Measure:
        return next(m for m in self.measures if m.id == measure_id)

    def open_items(self, measure_id: str) -> list[quality.Item]:
        """The not-met and pending items of the period: not met first, then by MRN and day."""
        items = self.open[measure_id]
        return sorted(items, key=lambda i: (i.outcome != quality.NOT_MET, i.key, i.day))


def quality_dashboard(period: Period, as_of: date, listed: str | None = None) -> QualityDashboard:
    """The period's measures and the trend of the 8 quarters up to it, evaluated at as_of;
    ``listed``: a measure whose not-met and pending items are wanted (a drill-down)."""
    rules = rule_settings()
    quarters = trend_quarters(period)
    q7_days = tuple(sorted({quality.q7_day(p.end, as_of) for p in (*quarters, period)}))
    with _LOCK:  # one state of the items for the whole page
        store = _items(as_of, rules, q7_days)
        return QualityDashboard(
            period=period,
            as_of=as_of,
            rule_set=str(rules.rule_set),
            measures=store.measures(period.start, period.end, as_of),
            trend=[(q, store.measures(q.start, q.end, as_of)) for q in quarters],
            reviews_recorded=REVIEWS_RECORDED,
            # Only the drill-down's measure: the page itself lists no patient, and collecting
            # every measure's open items of 20,000 patients cost each view of it (item 4).
            open=(
                {listed: store.chosen(listed, period.start, period.end, as_of)}
                if listed in quality.MEASURE_IDS
                else {}
            ),
        )


class _Store:
    """One (evaluation date, rules)'s items: per patient id its Q1-Q6 items (owner ``pk``) and
    its Q7 item of each day asked for so far (owner ``(pk, day)``), with the stamp each patient
    was computed from. Another period of the same day adds only the Q7 of its new days."""

    def __init__(self):
        self.items = quality.ItemStore()
        self.stamps: dict[int, object] = {}
        self.q7_days: set[date] = set()
        self.version: object = _NEVER
        self.loads = 0  # full or partial loads of records (tests, the benchmark)


_NEVER = object()
_STORES: OrderedDict[tuple, _Store] = OrderedDict()
_STORES_KEPT = 4  # evaluation dates x rule settings kept per process
# Q7 days kept per store: a page asks for 9 (8 quarters and the period); custom ranges add
# one each. Past this the store starts again rather than grow without bound.
Q7_DAYS_KEPT = 64
_LOCK = threading.Lock()
# Above this many changed patients, one load of every record is cheaper than a long IN list
# (and SQLite limits the number of parameters of a statement).
PARTIAL_LOAD_LIMIT = 500
# Shared copies of the items (QualityItems) older than this many days are deleted nightly.
SHARED_DAYS_KEPT = 2
logger = logging.getLogger(__name__)


def _items(as_of: date, rules: monitoring.RuleSettings, q7_days: tuple[date, ...]):
    """Every active patient's items, up to date with the database (see the module's text);
    called under _LOCK."""
    version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    key = (as_of, rules)
    store = _STORES.get(key)
    if store is not None and len(store.q7_days | set(q7_days)) > Q7_DAYS_KEPT:
        del _STORES[key]  # too many days: start again
    store = kept(_STORES, key, _Store, _STORES_KEPT)
    new_days = set(q7_days) - store.q7_days
    if store.version is _NEVER or store.version != version or new_days:
        _bring_up_to_date(store, as_of, rules, new_days)
        store.version = version
    return store.items


def _forget(store: _Store, pk: int) -> None:
    store.items.remove(pk)
    for when in store.q7_days:
        store.items.remove((pk, when))
    store.stamps.pop(pk, None)


def _bring_up_to_date(store: _Store, as_of, rules, new_days: set[date]) -> None:
    """Bring in the patients whose stamp changed (all their items) and the Q7 of the new days
    for everyone else: from the shared copies (QualityItems) where they are current, computed
    (and the copies written) where not."""
    reviewed = review_stamps()
    stamps = {pk: _stamp(evaluated_at, reviewed.get(pk)) for pk, evaluated_at in status_stamps()}
    for gone in store.stamps.keys() - stamps.keys():  # entered in error since
        _forget(store, gone)
    changed = {pk for pk, stamp in stamps.items() if store.stamps.get(pk, _NEVER) != stamp}
    if not changed and not new_days:
        return
    every_day = store.q7_days | new_days
    wanted = changed if not new_days else set(stamps)
    shared = _shared_items(as_of, rules, wanted, stamps)
    todo: dict[int, set[date]] = {}  # patient -> the Q7 days to compute (and Q1-Q6 if changed)
    copies: dict[int, dict] = {}  # patient -> its shared copy as it will be written back
    iso = {when: when.isoformat() for when in every_day}
    day_of = {text: when for when, text in iso.items()}
    for pk in wanted:
        row = shared.get(pk)
        if row is None:  # no current copy: compute everything of this patient
            todo[pk] = set(every_day)
            copies[pk] = {"key": None, "q": None, "q7": {}}
            continue
        days = every_day if pk in changed else new_days
        q7 = row["q7"]
        stored = [(day_of[text], value) for text, value in q7.items() if day_of.get(text) in days]
        if pk in changed:
            # One owner for all of them: a dashboard of 20,000 patients reads 20,000 rows.
            _forget(store, pk)
            met, others = quality.unpack(row["key"], [row["q"], *_q7_full(stored)])
            for when, value in stored:
                if value == 1:
                    met["Q7", when] += 1
            store.items.put(pk, met, others)
            store.stamps[pk] = stamps[pk]
        else:
            for when, value in stored:
                met, others = quality.unpack(row["key"], _q7_full([(when, value)]))
                if value == 1:
                    met["Q7", when] += 1
                store.items.put((pk, when), met, others)
        missing = {when for when in days if iso[when] not in q7}
        if missing:
            todo[pk], copies[pk] = missing, row
    if todo:
        _compute(store, as_of, rules, todo, copies, stamps)
    store.q7_days = every_day


def _compute(store: _Store, as_of, rules, todo, copies, stamps) -> None:
    patients = active_patients()
    if len(todo) <= PARTIAL_LOAD_LIMIT:
        patients = patients.filter(pk__in=list(todo))
    records = load_records(patients)
    reviews = _reviews_for_quality(todo)
    store.loads += 1
    for pk, record in records.items():
        if pk not in todo:
            continue
        copy = copies[pk]
        if copy["q"] is None:  # a full computation
            items = quality.patient_items(record, as_of, rules, reviews.get(record.key, ()))
            store.items.replace(pk, items)
            store.stamps[pk] = stamps[pk]
            copy.update(key=record.key, q=quality.pack(items))
        for when in todo[pk]:
            items = quality.q7_items(record, (when,), rules)
            store.items.replace((pk, when), items)
            copy["q7"][when.isoformat()] = _q7_pack(items)
    _write_shared(as_of, rules, {pk: copies[pk] for pk in todo if pk in records}, stamps)


# A patient's Q7 at one day is one item or none (not in a Q7 phase): stored as 1 (met), 0 (none)
# or the full pack, so that 20,000 patients x 9 days stay a small document, quick to read.
def _q7_pack(items):
    packed = quality.pack(items)
    if packed == [[], []]:
        return 0
    if not packed[1] and len(packed[0]) == 1 and packed[0][0][2] == 1:
        return 1
    return packed


def _q7_full(stored):
    """The full packs among (day, stored value): those of a Q7 not met or pending."""
    return [value for _, value in stored if value not in (0, 1)]


def _stamp(evaluated_at, reviewed) -> str:
    """What changes when the patient's items can: the stored status's evaluation (every
    clinical write and the nightly refresh) and its reviews (Q5)."""
    if evaluated_at is None:
        when = "-"
    else:  # SQLite's stored text as it is; PostgreSQL's timestamp in ISO form
        when = evaluated_at if isinstance(evaluated_at, str) else evaluated_at.isoformat()
    if reviewed is None:
        return when
    count, last = reviewed
    return f"{when} {count} {last.isoformat() if last else '-'}"


@functools.cache
def _code_of_measures() -> str:
    """A digest of the rules' and measures' code (tracker/monitoring): a deploy that changes
    either makes every shared copy stale, without a version to remember to raise."""
    digest = hashlib.sha256(monitoring.RULES_VERSION.encode())
    for path in sorted(Path(monitoring.__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _code(rules: monitoring.RuleSettings) -> str:
    text = f"{_code_of_measures()} {rules!r} reviews={REVIEWS_RECORDED}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _shared_items(as_of, rules, wanted: set[int], stamps: dict[int, str]) -> dict[int, dict]:
    """The current shared copies of these patients: those computed from their present stamp."""
    rows = QualityItems.objects.filter(code=_code(rules), as_of=as_of)
    if len(wanted) <= PARTIAL_LOAD_LIMIT:
        rows = rows.filter(patient_id__in=list(wanted))
    return {
        pk: items
        for pk, stamp, items in rows.values_list("patient_id", "stamp", "items").iterator(2000)
        if pk in wanted and stamps.get(pk) == stamp
    }


def _write_shared(as_of, rules, copies: dict[int, dict], stamps: dict[int, str]) -> None:
    """Write the copies for the other app servers and the next restart, in one statement
    whatever the number of patients (executemany; bulk_create would take one per 199 rows on
    SQLite). A copy is only a cache: when the database refuses the write (SQLite busy with
    another writer, say), the page is still served from this process's items and the next
    reader computes again."""
    if not copies:
        return
    table = connection.ops.quote_name(QualityItems._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    sql = (
        f"INSERT INTO {table} (patient_id, code, as_of, stamp, items) "  # noqa: S608 - our names
        f"VALUES (%s, %s, %s, %s, %s{cast}) ON CONFLICT (code, as_of, patient_id) "
        "DO UPDATE SET stamp = excluded.stamp, items = excluded.items"
    )
    code = _code(rules)
    params = [
        (pk, code, as_of, stamps[pk], json.dumps(copy, separators=(",", ":")))
        for pk, copy in copies.items()
    ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, params)
    except DatabaseError:
        logger.warning("quality items of %s patients not stored", len(params), exc_info=True)


def forget_old_shared(today: date) -> int:
    """Delete the shared copies of earlier evaluation dates and of other code or settings
    (nightly): none of them can be read again."""
    old = QualityItems.objects.filter(
        Q(as_of__lt=today - timedelta(days=SHARED_DAYS_KEPT)) | ~Q(code=_code(rule_settings()))
    )
    deleted, _ = old.delete()
    return deleted


# Besides the default quarter, the warm-up brings in the quarters of the year before it (their
# pages need one more Q7 day each), so that any quarter a reader is likely to pick is read from
# the shared copies rather than computed for every patient while they wait.
WARM_UP_QUARTERS = 4


def warm_up(today: date | None = None) -> None:
    """Compute the default page's items ahead of the first reader (deploy/gunicorn.conf.py
    calls it in each worker after it starts, and again each new day; refresh_status each
    night), then the Q7 days of the quarters before it."""
    from django.utils import timezone

    today = today or timezone.localdate()
    periods = [last_complete_quarter(today)]
    while len(periods) < WARM_UP_QUARTERS:
        periods.append(previous_quarter(periods[-1]))
    days = {quality.q7_day(q.end, today) for p in periods for q in trend_quarters(p)}
    # The default page first, on its own: a reader arriving meanwhile waits for that part alone.
    quality_dashboard(periods[0], today)
    with _LOCK:
        _items(today, rule_settings(), tuple(sorted(days)))


def clear_cache() -> None:
    with _LOCK:
        _STORES.clear()


def loads() -> int:
    """How many times records were loaded for the dashboard, in every kept store."""
    return sum(store.loads for store in _STORES.values())


def patients_by_mrn(mrns) -> dict[str, Patient]:
    """The listed patients, read fresh (names may change without a new key): one query."""
    return {p.mrn: p for p in active_patients().filter(mrn__in=list(mrns))}
