"""The chair list's reads (issue 12 item 6): every patient with a course that has not ended,
evaluated afresh for the chosen day (monitoring.chair), in a fixed number of queries."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, Subquery

from tracker.models import Infusion, RecommendationReview, TreatmentCourse, WorklistVersion
from tracker.monitoring import PatientStatus
from tracker.monitoring.chair import STATE_ORDER, ChairEntry, Weight, chair_entry, day_status
from tracker.monitoring.dosing import SCHEDULE_INTERVAL_DAYS
from tracker.monitoring.vocabulary import ChairState

from .kept import kept
from .records import active_patients, load_records, rule_settings, status_stamps
from .status import changes_since, last_change
from .workflow import review_stamps


def review_pending_ids(
    patient_ids: Iterable[int], *, statuses: Mapping[int, PatientStatus]
) -> set[int]:
    """The patients whose recommendation waits for an oncologist's review (CHECK on the chair
    list): a review is called for (hold, discontinue, may resume, HOLD_NOT_ACTIONED; issue 12
    item 2) and none covers the day's evaluation. One query for the page, whatever its size."""
    from tracker.services.workflow import needs_review

    from .workflow import is_current

    wanted = {
        pk: status
        for pk in patient_ids
        if (status := statuses.get(pk)) is not None and needs_review(status)
    }
    if not wanted:
        return set()
    reviewed = {
        review.patient_id
        for review in RecommendationReview.objects.filter(
            patient_id__in=wanted, entered_in_error=False
        )
        if is_current(review, wanted[review.patient_id])
    }
    return set(wanted) - reviewed


@dataclass(frozen=True)
class ChairRow:
    pk: int
    mrn: str
    given_name: str
    family_name: str
    entry: ChairEntry

    @property
    def name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


@dataclass(frozen=True)
class ChairList:
    day: date
    rows: list[ChairRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = {state.value: 0 for state in ChairState}
        for row in self.rows:
            counts[row.entry.state.value] += 1
        return counts


def expected_by(day: date) -> Q:
    """The courses whose next dose can fall on ``day`` or before it, in SQL (a superset of
    monitoring.chair.next_infusion_expected's, D1's schedule intervals): not entered in error,
    not ended on or before the day, and no valid infusion in the interval before the day; with
    none before the day at all, a planned start on or before it. The rules still decide each
    patient (chair_entry); this only spares evaluating the patients it cannot list."""
    expected = Q()
    for schedule, interval in SCHEDULE_INTERVAL_DAYS.items():
        given = Infusion.objects.filter(course=OuterRef("pk"), entered_in_error=False)
        recent = given.filter(date__lt=day, date__gt=day - timedelta(days=interval))
        before = given.filter(date__lt=day)
        expected |= (
            Q(schedule=schedule)
            & ~Q(Exists(recent))
            & (Q(Exists(before)) | Q(planned_start__lte=day))
        )
    return Q(entered_in_error=False) & (Q(end_date__isnull=True) | Q(end_date__gt=day)) & expected


def candidates(day: date):
    """The active patients with a course that expected_by(day) keeps."""
    courses = TreatmentCourse.objects.filter(expected_by(day), patient=OuterRef("pk"))
    return active_patients().filter(Exists(courses))


def chair_list(day: date) -> ChairList:
    """The patients expected for an infusion on ``day``: stop first, then check, then go; the
    latest first within each.

    Kept per process and per (day, rule settings), as the quality dashboard's items are
    (selectors.quality): while WorklistVersion is unchanged (every clinical and workflow write
    changes it, in its transaction) nothing is read again; when it changed, the change rows since
    the one kept (WorklistChange, as the worklist follows them) name the patients to evaluate
    again. Where they cannot be followed, one query reads every patient's stamp (its stored
    status's evaluated_at, which every clinical write and the nightly refresh set, and its
    reviews' stamp) and only the patients whose stamp changed are evaluated again. 20,000
    synthetic patients put 5,000 on one day's list: 7 s to evaluate, too long for every view of
    a busy infusion suite (issue 16 item 2)."""
    rules = rule_settings()
    with _LOCK:
        version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True).first()
        key = (day, rules)
        store = kept(_STORES, key, _ChairStore, _STORES_KEPT)
        if store.version is _NEVER or store.version != version:
            _bring_up_to_date(store, day, rules)
            store.version = version
        return ChairList(day, store.listed)


class _ChairStore:
    def __init__(self):
        self.version: object = _NEVER
        self.change: tuple[int, int] | None = None  # the last WorklistChange followed
        self.stamps: dict[int, tuple] = {}
        self.rows: dict[int, ChairRow] = {}  # the patients listed on the day
        self.listed: list[ChairRow] = []
        self.evaluated = 0  # patients evaluated so far (tests)


_NEVER = object()
_STORES: OrderedDict[tuple, _ChairStore] = OrderedDict()
_STORES_KEPT = 4  # days x rule settings kept per process (today, and a day or two picked)
_LOCK = threading.Lock()
# Above this many changed patients, one load of every candidate's records is cheaper than a
# long IN list (and SQLite limits the number of parameters of a statement).
PARTIAL_LOAD_LIMIT = 500


def _bring_up_to_date(store: _ChairStore, day: date, rules) -> None:
    followed = changes_since(store.change)
    if followed is not None:  # the patients the changes since the kept one name
        changed, store.change = followed
        _evaluate_again(store, day, rules, changed)
        return
    # Else by the stamps: those whose stored status or reviews changed (every one after the
    # nightly refresh; a few after an import beside thousands of others).
    store.change = last_change()
    reviewed = review_stamps()
    stamps = {pk: (evaluated_at, reviewed.get(pk)) for pk, evaluated_at in status_stamps()}
    gone = store.stamps.keys() - stamps.keys()  # entered in error since
    for pk in gone:
        store.rows.pop(pk, None)
        del store.stamps[pk]
    changed = [pk for pk, stamp in stamps.items() if store.stamps.get(pk) != stamp]
    store.stamps.update((pk, stamps[pk]) for pk in changed)
    _evaluate_again(store, day, rules, changed, force_sort=bool(gone) or not store.listed)


def _evaluate_again(store: _ChairStore, day: date, rules, changed, force_sort=False) -> None:
    if changed:
        patients = candidates(day)
        if len(changed) <= PARTIAL_LOAD_LIMIT:
            # The few candidates by id: the records' queries then find them by key, where the
            # candidates' EXISTS inside each of them cost 80 ms for one patient at 20,000.
            ids = list(patients.filter(pk__in=changed).values_list("pk", flat=True))
            patients = active_patients().filter(pk__in=ids)
        rows = _evaluate(patients, day, rules)
        for pk in changed:
            if (row := rows.get(pk)) is not None:
                store.rows[pk] = row
            else:  # not a candidate on the day, no dose expected, or entered in error
                store.rows.pop(pk, None)
        store.evaluated += len(rows)
    if changed or force_sort:
        store.listed = sorted(store.rows.values(), key=_urgency)


def _urgency(row: ChairRow) -> tuple:
    return (STATE_ORDER[row.entry.state], -row.entry.days_late, row.name, row.mrn)


def _evaluate(patients, day: date, rules) -> dict[int, ChairRow | None]:
    """Each patient's row on the day's list (None: no dose expected), in a fixed number of
    queries."""
    weights = Infusion.objects.filter(
        course__patient=OuterRef("pk"),
        course__entered_in_error=False,
        entered_in_error=False,
        weight_kg__isnull=False,
        date__lte=day,
    ).order_by("-date", "-pk")
    people = list(
        patients.annotate(
            weight_kg=Subquery(weights.values("weight_kg")[:1]),
            weight_on=Subquery(weights.values("date")[:1]),
        ).values_list("pk", "mrn", "given_name", "family_name", "weight_kg", "weight_on")
    )
    records = load_records(patients)
    # One evaluation per patient, on the day and before the day's dose; the reviews read it.
    statuses = {pk: day_status(record, day, rules) for pk, record in records.items()}
    pending = review_pending_ids(statuses, statuses=statuses)
    rows: dict[int, ChairRow | None] = {}
    for pk, mrn, given, family, kg, weighed in people:
        if pk not in records:
            continue
        weight = Weight(weighed, kg) if kg is not None else None
        entry = chair_entry(
            records[pk],
            day,
            rules,
            review_pending=pk in pending,
            last_weight=weight,
            status=statuses[pk],
        )
        rows[pk] = ChairRow(pk, mrn, given, family, entry) if entry is not None else None
    return rows


def clear_cache() -> None:
    with _LOCK:
        _STORES.clear()


def evaluated() -> int:
    """How many patients this process has evaluated for the chair list, in every kept store."""
    return sum(store.evaluated for store in _STORES.values())
