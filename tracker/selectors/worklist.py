"""The worklist by action (issue 12 item 5): its sections, counts and first rows from the stored
statuses and the workflow records, in three queries whatever the number of patients."""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import functools
import operator
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber
from django.db.models.sql.constants import MULTI

from tracker.models import (
    MonitoringStatus,
    ScanRequest,
    WorklistVersion,
)
from tracker.monitoring.vocabulary import (
    LABELS,
    ContactMethod,
    ContactOutcome,
    Modality,
    ReviewDecision,
    ScanRequestState,
)
from tracker.monitoring.wording import day, days

from . import workflow as wf
from .kept import kept
from .records import EvaluatedPatient
from .status import (
    ROW_FIELDS,
    assessment_status_ranges,
    bring_up_to_date,
    changes_since,
    last_change,
    stored_row,
    stored_statuses,
)


@dataclass(frozen=True)
class WorklistRow:
    """A patient on the worklist: the stored status, what has been done (work), and in words
    why the patient is in this section and the state of the work."""

    patient: EvaluatedPatient
    work: wf.Work
    reason: str
    state: str
    warning: str = ""

    @property
    def pk(self):
        return self.patient.pk

    @property
    def mrn(self):
        return self.patient.mrn

    @property
    def status(self):
        return self.patient.status

    @property
    def contact(self) -> str:
        return contact_words(self.work)

    @property
    def review(self) -> str:
        return review_words(self.work)


@dataclass(frozen=True)
class WorklistSection:
    key: str
    title: str
    description: str
    rows: list[WorklistRow]
    count: int
    # Its rows as HTML, per (action permissions, URL prefix): the everyday worklist's sections
    # are kept per version, and so their rows are written once (templatetags.worklist_rows).
    html: dict = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


def _due(today: date) -> Q:
    ranges = assessment_status_ranges(today)
    return ranges["overdue"] | ranges["due_soon"]


def _has_request(*states) -> Q:
    """Patients with a scan request (not entered in error) in one of these states: implied by
    Chase and Booked, and ANDed to them so that the database starts from the few scan requests
    and finds their statuses by key, instead of testing every patient's status against ORed
    EXISTS (a scan of every status: issue 16, the worklist after a write)."""
    requests = ScanRequest.objects.filter(entered_in_error=False, state__in=states)
    return Q(patient_id__in=requests.values("patient_id"))


_REQUESTED, _BOOKED = ScanRequestState.REQUESTED, ScanRequestState.BOOKED
_MISSED = ScanRequestState.DID_NOT_ATTEND


# Review: most urgent first (discontinue, hold, hold not actioned, may resume), then the
# longest waiting (the oldest latest LVEF).
REVIEW_URGENCY = Case(
    When(recommendation="discontinue", then=Value(0)),
    When(recommendation="hold", then=Value(1)),
    When(hold_not_actioned=True, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)

# What the clinic acts on, in order; a patient appears in every section that applies, and
# leaves a section once the work is done there: a requested or booked scan takes the patient
# out of Book a scan, a current review out of Review. Co-treatment risk is shown on the row.
# (key, title, description, condition on the stored status, order: ties by patient id)
WORKLIST_SECTIONS = (
    ("book_scan", "Book a scan",
     "The LVEF assessment is due soon or overdue (S6) and no scan is requested.",
     lambda today: _due(today) & ~Q(wf.open_request()) & ~wf.did_not_attend(),
     ("next_assessment_due", "patient_id")),
    ("chase", "Chase",
     "Requested and not booked within {booking_days} days, booked for a day that has passed "
     "with no LVEF, or the patient did not attend.",
     lambda today: _has_request(_REQUESTED, _BOOKED, _MISSED)
     & (wf.late_request(today) | wf.did_not_attend()),
     ("next_assessment_due", "patient_id")),
    ("booked", "Booked",
     "A scan is requested (within {booking_days} days) or booked: nothing to do until the day.",
     lambda today: _has_request(_REQUESTED, _BOOKED) & wf.booked_ahead(today),
     ("next_assessment_due", "patient_id")),
    ("review", "Review with the oncologist",
     "Hold, discontinue or may resume recommended, or a hold not actioned (H2-H5), and no "
     "review covers the latest LVEF: most urgent first, then the longest waiting.",
     lambda today: wf.needs_review() & ~Q(wf.review_current()),
     (REVIEW_URGENCY, "latest_date", "patient_id")),
    ("check_record", "Check the record",
     "An infusion inside a hold (H5), no baseline LVEF before the first infusion (B2), or no "
     "treatment course recorded yet.",
     lambda today: Q(infusion_during_hold=True) | Q(baseline_missing=True)
     | Q(phase="no_course"),
     ("patient_id",)),
    ("dose", "Dose",
     "More than a week past the scheduled dose: the next dose is a loading dose (D1).",
     lambda today: Q(reload_dose_due=True), ("patient_id",)),
)  # fmt: skip
SECTION_ROWS = 10  # per section on screen; "See all" opens the rest in the patient list
SECTION_TITLES = {key: title for key, title, *_ in WORKLIST_SECTIONS}


def ordering(order) -> list:
    """A section's order as SQL: a field name ("-" descending; no date sorts last) or an
    expression (REVIEW_URGENCY)."""
    result = []
    for field in order:
        if not isinstance(field, str):
            result.append(field.asc())
        elif field.startswith("-"):
            result.append(F(field[1:]).desc(nulls_last=True))
        else:
            result.append(F(field).asc(nulls_last=True))
    return result


def section_description(description: str) -> str:
    return description.format(booking_days=settings.SCAN_BOOKING_DAYS)


def worklist(today: date, query: str = "", limit: int | None = SECTION_ROWS):
    """The worklist's sections in three queries, however many patients: every count; the first
    patient ids of every section, with their place in it; the rows with the state of the work."""
    if not query:
        # The everyday worklist: read again only when the statuses or the workflow records
        # changed (a new version) or the day did.
        return _everyday_sections(today, limit)
    statuses = stored_statuses(today, query)
    numbers, oldest, found = _run(*_worklist_sql(statuses, today, limit))
    return _sections(today, numbers, oldest, found, {})


def _sections(today: date, numbers, oldest, found, rows: dict):
    """The sections and counts from (counts, oldest evaluation day, first ids); rows (patient id
    -> its stored row and work) is filled with the patients it lacks, one query for them all."""
    keys = [key for key, *_ in WORKLIST_SECTIONS]
    counts = dict(zip([*keys, "total"], numbers, strict=True))
    # The day the oldest stored status was computed for (a missed nightly refresh shows).
    counts["evaluated_for"] = date.fromisoformat(oldest) if isinstance(oldest, str) else oldest
    places = {key: [] for key in keys}
    for index, pk, place in found:
        places[keys[index]].append((place, pk))
    wanted = {pk for section in places.values() for _, pk in section} - rows.keys()
    if wanted:
        statuses = stored_statuses(today, current=False).filter(patient_id__in=wanted)
        for values in wf.with_work(statuses).values(*ROW_FIELDS, *wf.WORK_FIELDS):
            rows[values["patient_id"]] = (stored_row(values, today), wf.work_of(values))
    sections = []
    for key, title, description, _, _ in WORKLIST_SECTIONS:
        # The database chose each section's first rows and their places; a UNION does not
        # promise to keep its parts' order, so the places lay them out.
        section_rows = [worklist_row(key, *rows[pk], today) for _, pk in sorted(places[key])]
        sections.append(
            WorklistSection(key, title, section_description(description), section_rows, counts[key])
        )
    return sections, counts


# PostgreSQL compiles a statement to machine code (JIT) when its estimated cost passes
# jit_above_cost; the estimate of these counts grows with the number of patients, and on a
# database whose workflow tables were never analysed (a new one, or autovacuum off) it passed
# it at 20,000 patients: 700 ms of compiling for 60 ms of counting (issue 16). Off for these
# two statements only (SET LOCAL, sent with the statement: no query more).
_NO_JIT = "SET LOCAL jit = off; "


def _execute(cursor, sql, params):
    if connection.vendor == "postgresql":
        cursor.execute(_NO_JIT + sql, params)
        cursor.nextset()  # the SELECT's result, after the SET's
    else:
        cursor.execute(sql, params)


def _run(counts_sql, ids_sql):
    with connection.cursor() as cursor:
        _execute(cursor, *counts_sql)
        *numbers, oldest = cursor.fetchone()
        _execute(cursor, *ids_sql)
        return tuple(numbers), oldest, tuple(cursor.fetchall())


# --- the everyday worklist, kept per process ----------------------------------------------------


class _Everyday:
    """The everyday worklist (no search) of one day and settings, kept per process: each stored
    status's place in every section (its sort values there, from SQL), the sections' members in
    their order, and the change it is up to date with (WorklistChange's id and version).

    A read compares WorklistVersion (one query): unchanged, nothing is read again. Changed, the
    change rows since the one kept say which patients changed; only their statuses are read
    again (one query), and they are taken out of and put back in their sections. Where the rows
    do not follow on from the one kept (deleted by the nightly refresh, a rolled-back test
    database, a change naming no patient), everything is read again. The counts are the
    sections' lengths, the first rows their heads: the worklist after a write costs what the
    write changed, not the number of patients (issue 16 item 2)."""

    def __init__(self):
        self.version: object = _NEVER
        self.change: tuple[int, int] | None = None  # (id, after) of the last change applied
        self.members: dict[int, tuple] = {}  # patient id -> per section its sort key, or None
        self.sections: list[list[tuple]] = [[] for _ in WORKLIST_SECTIONS]
        self.oldest = None
        self.reads = 0  # statuses read so far (tests)
        # patient id -> (stored row, work) of the patients shown so far; a change naming the
        # patient takes it out. (A reviewer's changed account name shows from the patient's
        # next change, or the next day: accounts are not clinical records.)
        self.rows: dict[int, tuple] = {}
        self.built: dict[int | None, tuple] = {}  # limit -> (sections, counts) of this version
        self.places_sql: tuple | None = None  # _places_sql of the day


_NEVER = object()
_EVERYDAY: OrderedDict[tuple, _Everyday] = OrderedDict()
_EVERYDAY_KEPT = 4
_EVERYDAY_LOCK = threading.Lock()


def _kept(today: date) -> _Everyday:
    """The everyday worklist of the day and settings, brought up to date; call with
    _EVERYDAY_LOCK held."""
    key = (today, settings.ASSESSMENT_DUE_SOON_DAYS, settings.SCAN_BOOKING_DAYS)
    version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    store = kept(_EVERYDAY, key, _Everyday, _EVERYDAY_KEPT)
    if store.version is _NEVER or store.version != version:
        store.built.clear()
        if not _follow_changes(store, today):
            _read_everything(store, today, version)
        store.oldest = _oldest()
    return store


def _first(store: _Everyday, limit: int | None):
    """(counts, oldest evaluation day, first ids), as _run(*_worklist_sql(...)) gives them."""
    numbers = (*(len(members) for members in store.sections), len(store.members))
    found = tuple(
        (index, key[-1], place)
        for index, members in enumerate(store.sections)
        for place, key in enumerate(members if limit is None else members[:limit], start=1)
    )
    return numbers, store.oldest, found


def _everyday_worklist(today: date, limit: int | None):
    """(counts, oldest evaluation day, first ids) of the worklist without a search."""
    with _EVERYDAY_LOCK:
        return _first(_kept(today), limit)


def _everyday_sections(today: date, limit: int | None):
    """The everyday worklist's sections, built once per version: a view while nothing changed
    reads the version alone, and after a write only the rows of the patients it named are read
    again (issue 16: the worklist within 1.5x, and after a write 2x, a trivial page). Under the
    lock, so that a row read before a write is never kept after the write's change was
    followed."""
    bring_up_to_date(today)
    with _EVERYDAY_LOCK:
        store = _kept(today)
        if limit not in store.built:
            store.built[limit] = _sections(today, *_first(store, limit), store.rows)
        sections, counts = store.built[limit]
        return sections, dict(counts)


def _oldest():
    """The day the oldest stored status was computed for (its index)."""
    table = connection.ops.quote_name(MonitoringStatus._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(evaluated_for) FROM {table}")  # noqa: S608 - table name
        return cursor.fetchone()[0]


def _sort_columns():
    """Per section, the columns of its order (an expression: an annotation named for it)."""
    annotations, columns = {}, []
    for index, (*_, order) in enumerate(WORKLIST_SECTIONS):
        names = []
        for place, field in enumerate(order):
            if isinstance(field, str):
                if field.startswith("-"):
                    raise ValueError("a section's order is ascending (its kept sections sort so)")
                names.append(field)
            else:
                names.append(f"order_{index}_{place}")
                annotations[names[-1]] = field
        columns.append(names)
    return annotations, columns


def _places_sql(today: date) -> tuple[str, tuple, list]:
    """The SQL of every stored status's sort key per section and whether it is in the section
    (the sections' own conditions), with its parameters and the sort columns per section."""
    annotations, columns = _sort_columns()
    members = {
        f"in_{index}": ExpressionWrapper(condition(today), output_field=BooleanField())
        for index, (*_, condition, _) in enumerate(WORKLIST_SECTIONS)
    }
    wanted = sorted({name for names in columns for name in names} | {"patient_id"})
    rows = (
        stored_statuses(today, current=False)
        .annotate(**annotations, **members)
        .order_by()
        .values(*wanted, *members)
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params), columns


def _places(store: _Everyday, today: date, patients=None) -> dict[int, tuple]:
    """patient id -> per section its sort key (no date last, as the SQL orders it), or None when
    the status is not in the section: one query, of every status or of these patients'.

    The statement is built once per kept worklist (its conditions hold the day) and these
    patients' ids are put around it: building and compiling the sections' conditions through
    the ORM was most of the worklist's cost after a write (issue 16 item 2). Its values are
    the database's own (on SQLite a date is its ISO text): they only sort, and every key of one
    kept worklist comes from here."""
    if store.places_sql is None:
        store.places_sql = _places_sql(today)
    sql, params, columns = store.places_sql
    sql = f"SELECT * FROM ({sql}) AS places"  # noqa: S608 - ORM SQL
    if patients is not None:
        patients = list(patients)
        if not patients:
            return {}
        sql += f" WHERE places.patient_id IN ({', '.join(['%s'] * len(patients))})"
        params = (*params, *patients)
    places = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column[0] for column in cursor.description]
        at = {name: place for place, name in enumerate(names)}
        patient = at["patient_id"]
        wanted = [
            ([at[name] for name in section_columns], at[f"in_{index}"])
            for index, section_columns in enumerate(columns)
        ]
        while chunk := cursor.fetchmany(2000):
            for row in chunk:
                places[row[patient]] = tuple(
                    tuple((row[i] is None, row[i]) for i in indexes) + (row[patient],)
                    if row[member]
                    else None
                    for indexes, member in wanted
                )
    return places


def _read_everything(store: _Everyday, today: date, version) -> None:
    last = last_change()
    store.members = _places(store, today)
    store.sections = [
        sorted(keys[index] for keys in store.members.values() if keys[index] is not None)
        for index in range(len(WORKLIST_SECTIONS))
    ]
    store.reads += len(store.members)
    store.rows.clear()
    store.change, store.version = last, version


def _follow_changes(store: _Everyday, today: date) -> bool:
    """Bring the kept sections up to date from the change rows after the kept one; False when
    they cannot be followed (everything is then read again)."""
    followed = changes_since(store.change)
    if followed is None:
        return False
    patients, last = followed
    places = _places(store, today, patients)
    for pk in patients:
        store.rows.pop(pk, None)
        for index, key in enumerate(store.members.pop(pk, None) or ()):
            if key is not None:
                members = store.sections[index]
                del members[bisect.bisect_left(members, key)]
        if (keys := places.get(pk)) is not None:  # None: no stored status (entered in error)
            store.members[pk] = keys
            for index, key in enumerate(keys):
                if key is not None:
                    bisect.insort(store.sections[index], key)
    store.reads += len(places)
    store.change, store.version = last, last[1]
    return True


def clear_cache() -> None:
    with _EVERYDAY_LOCK:
        _EVERYDAY.clear()


def _worklist_sql(statuses: QuerySet[MonitoringStatus], today: date, limit: int | None):
    """Two statements: every count (SELECT (SELECT COUNT(*) ...), ...) with the oldest
    evaluation date; and each section's first patient ids with their place in the section's
    order (a UNION ALL of the sections' own ordered, limited queries)."""
    counts, ids, count_params, id_params = [], [], [], []
    for index, (_, _, _, condition, order) in enumerate(WORKLIST_SECTIONS):
        members = statuses.filter(condition(today))
        sql, params = members.order_by().values("pk").query.sql_with_params()
        counts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section)")  # noqa: S608 - ORM SQL
        count_params.extend(params)
        # Ordered by the section's own order, not by the place computed from it (the same
        # order: every order ends with the patient id), so that the database can read the
        # first rows from the section's index and stop at the limit, where ordering by the
        # window's result numbered and sorted the whole section (issue 16).
        first = (
            members.annotate(place=Window(RowNumber(), order_by=ordering(order)))
            .order_by(*ordering(order))
            .values("patient_id", "place")
        )
        sql, params = (first if limit is None else first[:limit]).query.sql_with_params()
        ids.append(
            f"SELECT {index} AS section, s.patient_id, s.place FROM ({sql}) AS s"  # noqa: S608
        )
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


# The CSV's columns (issue 13 item 17), read as tuples (issue 16: no dict and no objects per row
# for 100,000 patients): the patient, the stored status, the state of the work, and the sections
# the patient is in (by the sections' own conditions: the bits of section_bits()).
EXPORT_FIELDS = (
    "patient__mrn",
    "patient__family_name",
    "patient__given_name",
    "phase",
    "next_assessment_due",
    "assessment_status",
    "recommendation",
    "recommendation_reason",
    "cotreatment_risk",
    "latest_date",
    "latest_value",
    "lvef_drop",
    "flags",
    "open_state",
    "open_requested_on",
    "open_booked_for",
    "open_place",
    "open_modality",
    "missed_on",
    "contact_date",
    "contact_method",
    "contact_outcome",
    "review_date",
    "review_decision",
    "review_reason",
    "review_reviewed_by__first_name",
    "review_reviewed_by__last_name",
    "sections",
)
EXPORT_CHUNK = 2000


def worklist_export(today: date, query: str = ""):
    """The CSV's rows (issue 13 item 17): one per patient in any section, with every section it
    is in, straight from one query (streamed in chunks), ordered by MRN. Returns (count, rows),
    each row a sequence of EXPORT_FIELDS' values."""
    statuses = stored_statuses(today, query)
    anywhere = Q()
    for _, _, _, condition, _ in WORKLIST_SECTIONS:
        anywhere |= condition(today)
    listed = statuses.filter(anywhere)
    count = listed.count()
    values = (
        wf.with_work(listed.annotate(sections=section_bits(today)), WORK_COLUMNS)
        .order_by("patient__mrn")
        .values_list(*EXPORT_FIELDS)
    )
    return count, _converted_rows(values, EXPORT_CHUNK)


def section_bits(today: date):
    """The sections a stored status is in, as one number: bit i for WORKLIST_SECTIONS[i] (one
    integer column, where a column per section cost a conversion per row and section)."""
    bits = [
        Case(When(condition(today), then=Value(1 << index)), default=Value(0))
        for index, (_, _, _, condition, _) in enumerate(WORKLIST_SECTIONS)
    ]
    return ExpressionWrapper(functools.reduce(operator.add, bits), output_field=IntegerField())


def sections_in(bits: int) -> list[str]:
    """The keys of the sections in section_bits(), in the worklist's order."""
    return [key for index, (key, *_) in enumerate(WORKLIST_SECTIONS) if bits >> index & 1]


WORK_COLUMNS = tuple(f for f in EXPORT_FIELDS if f in wf.WORK_FIELDS)


def _converted_rows(values: QuerySet, chunk_size: int):
    """A values_list queryset's rows, streamed, each value converted by Django's own converters
    as iterator() does, but once per distinct value of a column: the same few thousand dates and
    LVEF values recur over 100,000 rows (issue 16).

    On PostgreSQL, in a transaction of its own while the rows stream: a server-side cursor
    outside one is WITH HOLD, whose whole result is computed and stored before the first row is
    read (at 20,000 patients, under the profiler: 0.5 s of the CSV's 1.7 s, against 0.4 s of
    1.3 s as they stream); and no JIT compiling for it, as for the worklist's counts (_NO_JIT).
    Not on SQLite, whose transactions here begin IMMEDIATE: the write lock, for as long as the
    download lasts."""
    database = connections[values.db]
    postgresql = database.vendor == "postgresql"
    with transaction.atomic(using=values.db) if postgresql else contextlib.nullcontext():
        if postgresql:
            with database.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        compiler = values.query.get_compiler(values.db)
        chunks = compiler.execute_sql(MULTI, chunked_fetch=True, chunk_size=chunk_size)
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        converted = [
            (position, _Converted(functions, expression, database))
            for position, (functions, expression) in compiler.get_converters(fields).items()
        ]
        for chunk in chunks:
            if not converted:
                yield from chunk
                continue
            for row in chunk:
                row = list(row)
                for position, values_of in converted:
                    row[position] = values_of[row[position]]
                yield row


class _Converted(dict):
    """A column's raw database values -> Django's values, each converted once."""

    def __init__(self, functions, expression, connection):
        super().__init__()
        self.functions, self.expression, self.connection = functions, expression, connection

    def __missing__(self, raw):
        value = raw
        for function in self.functions:
            value = function(value, self.expression, self.connection)
        self[raw] = value
        return value


# --- in words ----------------------------------------------------------------------------------


def worklist_row(key: str, patient: EvaluatedPatient, work: wf.Work, today: date) -> WorklistRow:
    return WorklistRow(
        patient,
        work,
        reason(key, patient, work, today),
        work_state(work, today),
        booked_after_due(patient, work),
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _due_words(status) -> str:
    return due_words(status.next_assessment_due, status.days_until_due)


def due_words(due: date | None, days_until_due: int | None) -> str:
    if due is None:
        return "no assessment is due"
    if days_until_due is not None and days_until_due < 0:
        return f"the LVEF scan was due on {day(due)}, {days(-days_until_due)} overdue"
    return f"the LVEF scan is due by {day(due)}"


def reason(key: str, patient: EvaluatedPatient, work: wf.Work, today: date) -> str:
    """Why the patient is in this section, in one line (rule ids after the words)."""
    s = patient.status
    return reason_words(
        key,
        today,
        s.next_assessment_due,
        s.days_until_due,
        s.flags,
        s.recommendation,
        s.recommendation_reason,
        s.phase,
        work.request_state,
        work.requested_on,
        work.booked_for,
        work.missed_on,
    )


def reason_words(
    key, today, due, days_until_due, flags, recommendation, recommendation_reason, phase,
    request_state, requested_on, booked_for, missed_on,
) -> str:  # fmt: skip
    """reason() from the values themselves, for the CSV's rows (no objects per row: issue 16)."""
    if key == "book_scan":
        return f"{_sentence(due_words(due, days_until_due))} and no scan is requested (S6)."
    if key == "chase":
        if request_state == "requested":
            waited = (today - requested_on).days
            return f"Scan requested {days(waited)} ago and not booked yet."
        if request_state == "booked":
            return f"Booked for {day(booked_for)}; no LVEF has been recorded since."
        return f"Did not attend the scan on {day(missed_on)}; book another."
    if key == "booked":
        return f"{_sentence(due_words(due, days_until_due))}."
    if key == "review":
        if "HOLD_NOT_ACTIONED" in flags and recommendation not in wf.REVIEW_RECOMMENDATIONS:
            return "Infusions were given after an LVEF that met the hold criteria (H5)."
        return recommendation_reason
    if key == "check_record":
        found = []
        if "INFUSION_DURING_HOLD" in flags:
            found.append("an infusion is recorded inside a treatment hold (H5)")
        if "BASELINE_MISSING" in flags:
            found.append("there is no baseline LVEF before the first infusion (B2)")
        if phase == "no_course":
            found.append("no treatment course is recorded yet")
        return _sentence("; ".join(found)) + "." if found else ""
    if key == "dose":
        return "More than a week past the scheduled dose: give a loading dose (D1)."
    return ""


def _label(enum, value) -> str:
    return LABELS[enum].get(value, value) if value else ""


def work_state(work: wf.Work, today: date) -> str:
    """The state of the work: the open request, or the last missed scan."""
    return work_state_words(
        work.modality, work.request_state, work.requested_on, work.booked_for, work.place,
        work.missed_on,
    )  # fmt: skip


def work_state_words(modality, request_state, requested_on, booked_for, place, missed_on) -> str:
    scan = _label(Modality, modality) or "Scan"
    if request_state == "requested":
        return f"{scan} requested on {day(requested_on)}, not booked yet."
    if request_state == "booked":
        where = f" at {place}" if place else ""
        return f"{scan} booked for {day(booked_for)}{where}."
    if missed_on:
        return f"Did not attend on {day(missed_on)}."
    return "Nothing requested yet."


def booked_after_due(patient: EvaluatedPatient, work: wf.Work) -> str:
    """Item 5, Booked: a warning when the booking falls after the due date."""
    due = patient.status.next_assessment_due
    if work.request_state == "booked" and due and work.booked_for and work.booked_for > due:
        return f"Booked after the due date ({day(due)}): ask for an earlier slot."
    return ""


def contact_words(work: wf.Work) -> str:
    return contact_text(work.contact_date, work.contact_method, work.contact_outcome)


def contact_text(when, method, outcome) -> str:
    if not when:
        return ""
    method = _label(ContactMethod, method)
    outcome = _label(ContactOutcome, outcome)
    return f"{day(when)}, {method.lower()}: {outcome.lower()}"


def review_words(work: wf.Work) -> str:
    """A current review, as the infusion warning says it (item 2)."""
    return review_text(work.review_date, work.review_decision, work.review_reason, work.reviewer)


def review_text(when, decision, reason, reviewer) -> str:
    if not when:
        return ""
    decision = _label(ReviewDecision, decision).lower()
    text = f"{reviewer or 'Someone'} decided on {day(when)}: {decision}"
    return f"{text} ({reason})" if reason else text
