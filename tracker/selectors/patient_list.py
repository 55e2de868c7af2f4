"""The patient list (issue 16 item 2): the stored statuses filtered, sorted and paged by keyset.

Pages follow each other by the last row's sort values (the sort column, then the MRN or the
patient id, which are unique), not by OFFSET: page 2,000 reads 50 rows from an index like page 1.
Counts read the status table alone, by the same conditions and date ranges as the worklist's
sections (selectors.worklist), never the join with the patients."""

from __future__ import annotations

import base64
import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.db.models import F, Func, Q, QuerySet

from tracker import labels
from tracker.models import MonitoringStatus, Patient, WorklistVersion

from .records import EvaluatedPatient
from .search import indexed_matches, search_count, searched_ids
from .status import (
    ROW_FIELDS,
    assessment_status_ranges,
    bring_up_to_date,
    stored_row,
    with_assessment_status,
)
from .worklist import REVIEW_URGENCY, SECTION_FILTERS, WORKLIST_SECTIONS

PAGE_SIZE = 50
CSV_CHUNK = 2000
# Filtered lists of more patients than this read the sort's index in order (matching: walk).
WALK_ABOVE = 2000

# The filters of the list and their values (the view says them in labels).
FILTERS = {
    "phase": tuple(labels.PHASE_LABELS),
    "assessment_status": tuple(labels.STATUS_LABELS),
    "recommendation": tuple(labels.RECOMMENDATION_LABELS),
    "cotreatment_risk": tuple(labels.RISK_LABELS),
    "section": tuple(key for key, *_ in WORKLIST_SECTIONS),
}
# The sort orders (issue 13 item 14): each ends with a unique column, the keyset's tiebreak.
SORT_ORDERS = {
    "mrn": ("patient__mrn",),
    "-mrn": ("-patient__mrn",),
    "name": ("patient__family_name", "patient__given_name", "patient__mrn"),
    "-name": ("-patient__family_name", "-patient__given_name", "-patient__mrn"),
    "next_assessment": ("next_assessment_due", "patient__mrn"),
    "-next_assessment": ("-next_assessment_due", "patient__mrn"),
    "latest_lvef": ("latest_date", "patient__mrn"),
    "-latest_lvef": ("-latest_date", "patient__mrn"),
}
# A section ordered by an expression (Review's urgency, issue 12) pages by its annotation.
SECTION_ORDERS = {
    key: tuple(f if isinstance(f, str) else "review_urgency" for f in order)
    for key, _, _, _, order in WORKLIST_SECTIONS
}
NULLABLE = {"next_assessment_due", "latest_date"}  # no date sorts last either way
DATES = NULLABLE


def order_of(sort: str, section: str) -> tuple[str, ...]:
    """The chosen sort; else "See all" keeps the worklist section's order; else by MRN."""
    if sort:
        return SORT_ORDERS[sort]
    if section:
        return SECTION_ORDERS[section]
    return ("patient__mrn",)


def _condition(name: str, value: str, today: date) -> Q:
    if name == "section":
        return SECTION_FILTERS[value](today)
    if name == "assessment_status":  # the worklist's own date ranges (S6), on the index
        return assessment_status_ranges(today)[value]
    return Q(**{name: value})


class _Unindexed(Func):
    """SQLite's "+column": the same value, but no index chosen for the condition on it."""

    template = "+%(expressions)s"


def _unindexed(condition: Q, aliases: dict) -> Q:
    """``condition`` on "+column"s (the aliases it needs are added to ``aliases``)."""
    rewritten = Q()
    rewritten.connector, rewritten.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            rewritten.children.append(_unindexed(child, aliases))
            continue
        lookup, value = child
        field, _, operator = lookup.partition("__")
        alias = f"unindexed_{field}"
        output = MonitoringStatus._meta.get_field(field)
        aliases[alias] = _Unindexed(F(field), output_field=output)
        rewritten.children.append((f"{alias}__{operator}" if operator else alias, value))
    return rewritten


def matching(
    today: date, query: str, chosen: dict[str, str], *, walk: bool = False, current: bool = True
) -> QuerySet[MonitoringStatus]:
    """The stored statuses of the list: searched, filtered; no join, no annotation (a count of
    this reads the status table's indexes only). ``walk``: the filters match many patients,
    so reading the sort's index in order and skipping the others is quicker than sorting all
    of them; SQLite's planner sorts them instead unless told (PostgreSQL chooses by its
    statistics). ``current=False`` when the caller has just brought the statuses up to date."""
    if current:
        bring_up_to_date(today)
    statuses = MonitoringStatus.objects.all()
    for name, value in chosen.items():
        condition = _condition(name, value, today)
        if walk and connection.vendor == "sqlite":
            aliases = {}
            condition = _unindexed(condition, aliases)
            statuses = statuses.alias(**aliases)
        statuses = statuses.filter(condition)
    for index, ids in enumerate(searched_ids(query) if query else ()):
        # By patient id, not through the patients' table: one lookup per match less.
        if walk and connection.vendor == "sqlite":
            alias = f"searched_{index}"
            statuses = statuses.alias(
                **{alias: _Unindexed(F("patient_id"), output_field=Patient._meta.pk)}
            )
            statuses = statuses.filter(**{f"{alias}__in": ids})
        else:
            statuses = statuses.filter(patient_id__in=ids)
    return statuses


def _walk_search(matches: int | None) -> bool:
    """Whether a search matching ``matches`` patients (indexed_matches: the trigram index's
    count, SQLite only) is so wide that its first page is quicker read by walking the sort's
    index (matching: walk) than by sorting every match: at 100,000 patients "smith" matches
    5,543, sorted in 21 ms, walked in 3 ms; a rare name walked would read the whole index
    (48 ms)."""
    return matches is not None and matches >= WALK_ABOVE


# --- keyset ----------------------------------------------------------------------------------


def _columns(order):
    return [(field.lstrip("-"), field.startswith("-")) for field in order]


def _order_by(order, backward: bool = False):
    """ORDER BY of ``order`` (no date last), or its exact reverse to read a page backwards."""
    terms = []
    for field, descending in _columns(order):
        # NULLS LAST only where there are nulls: on a column without, it kept SQLite from
        # reading the index in order (a sort of every row instead; issue 16).
        nulls = {}
        if field in NULLABLE:
            nulls = {"nulls_first": True} if backward else {"nulls_last": True}
        terms.append(F(field).desc(**nulls) if descending != backward else F(field).asc(**nulls))
    return terms


def _beyond(field, descending, value, after: bool) -> Q | None:
    """Rows past ``value`` of one column: after it in the order (no date last) or before it."""
    nullable = field in NULLABLE
    if value is None:  # only the rows with no date are last
        return None if after else Q(**{f"{field}__isnull": False})
    lookup = "lt" if descending == after else "gt"
    beyond = Q(**{f"{field}__{lookup}": value})
    return beyond | Q(**{f"{field}__isnull": True}) if after and nullable else beyond


def _keyset(order, values, after: bool) -> Q:
    """The rows strictly after (or before) the row whose sort values are ``values``: the
    lexicographic order, first column first, written so that the index of the first column
    gives the range."""
    condition, equal = None, Q()
    for (field, descending), value in zip(_columns(order), values, strict=True):
        beyond = _beyond(field, descending, value, after)
        if beyond is not None:
            condition = equal & beyond if condition is None else condition | (equal & beyond)
        equal &= Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})
    if condition is None:
        return Q(pk__in=[])
    return _leading_range(*_columns(order)[0], values[0], after) & condition


def _leading_range(field, descending, value, after: bool) -> Q:
    """What the lexicographic condition implies of the first column alone, said apart so that
    the planner takes a range of its index (SQLite does not see one through the OR)."""
    if value is None:
        return Q(**{f"{field}__isnull": True}) if after else Q()
    bound = Q(**{f"{field}__{'lte' if descending == after else 'gte'}": value})
    return bound | Q(**{f"{field}__isnull": True}) if after and field in NULLABLE else bound


def encode_cursor(order, row: dict) -> str:
    values = [row[field] for field, _ in _columns(order)]
    text = json.dumps([v.isoformat() if isinstance(v, date) else v for v in values])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(order, cursor: str) -> list | None:
    """The sort values of a cursor, or None when it is not one of this order's (a link
    edited by hand, or from another sort)."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        columns = _columns(order)
        if not isinstance(values, list) or len(values) != len(columns):
            return None
        decoded = []
        for (field, _), value in zip(columns, values, strict=True):
            if field in DATES:
                value = None if value is None else date.fromisoformat(value)
            elif not isinstance(value, int if field == "patient_id" else str):
                return None
            decoded.append(value)
        return decoded
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


# --- pages -----------------------------------------------------------------------------------


@dataclass
class PatientListPage:
    rows: list[EvaluatedPatient]
    count: int
    number: int
    num_pages: int
    next_cursor: str | None
    previous_cursor: str | None  # None with has_previous: the first page, read from the top

    @property
    def paginator(self):  # the template's page.paginator.count / num_pages
        return self

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1


def _count(statuses, today: date, query: str, chosen: dict[str, str], matches=None) -> int:
    """How many rows the list has. A search alone: its patients (search_count; ``matches``
    when the trigram index has counted them already). Without a search, kept per process for
    one state of the stored statuses (the shared WorklistVersion row, as the worklist's
    counts) and one day: a count of most of 100,000 statuses read them all (30 ms on
    PostgreSQL; issue 16)."""
    if query and not chosen:
        return matches if matches is not None else search_count(query)
    if query:
        return statuses.count()
    version = WorklistVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if version is None:  # no version row yet: nothing to key the count by
        return statuses.count()
    return _stored_count(version, today, tuple(sorted(chosen.items())))


@functools.lru_cache(maxsize=256)
def _stored_count(version: int, today: date, chosen: tuple) -> int:
    return matching(today, "", dict(chosen), current=False).count()


def _rows(statuses, today):
    return (
        with_assessment_status(statuses, today)
        .annotate(review_urgency=REVIEW_URGENCY)
        .values(*ROW_FIELDS, "review_urgency")
    )


def _page_number(value, num_pages: int, default: int = 1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = default
    return min(max(number, 1), num_pages)


def page(
    today: date,
    query: str,
    chosen: dict[str, str],
    order: tuple[str, ...],
    *,
    number=None,
    after: str = "",
    before: str = "",
) -> PatientListPage:
    """One page of the list: after the row of cursor ``after`` (the Next link), before the
    row of ``before`` (Previous), or else page ``number`` from the top (OFFSET, for a page
    typed in the address; the links never use it past the first page)."""
    statuses = matching(today, query, chosen)
    # The rows of a search matching many patients, read by walking the sort's index; the
    # trigram index's count chooses that and, for a search alone, is the list's count.
    matches = indexed_matches(query) if query else None
    walked = (
        matching(today, query, chosen, walk=True, current=False) if _walk_search(matches) else None
    )
    first = None
    if query and not after and not before and _page_number(number, 1) == 1:
        # A search's first page is read first: when it is the whole list (the usual search, a
        # name or an MRN) its length is the count, and the COUNT, a second scan of the search
        # keys, is not run (issue 16: the searched list was 2.4-2.7x the trivial page).
        first = list(
            _rows(statuses if walked is None else walked, today).order_by(*_order_by(order))[
                : PAGE_SIZE + 1
            ]
        )
        if len(first) <= PAGE_SIZE:
            return PatientListPage(
                rows=[stored_row(values, today) for values in first],
                count=len(first),
                number=1,
                num_pages=1,
                next_cursor=None,
                previous_cursor=None,
            )
    count = _count(statuses, today, query, chosen, matches)
    num_pages = max(1, math.ceil(count / PAGE_SIZE))
    if walked is not None:
        statuses = walked
    elif chosen and count >= WALK_ABOVE:
        statuses = matching(today, query, chosen, walk=True, current=False)
    # Not built again for a search's first page, read above (building it cost 1 ms).
    rows = _rows(statuses, today) if first is None else None
    after_values = decode_cursor(order, after) if after else None
    before_values = decode_cursor(order, before) if before and after_values is None else None
    if after_values is not None:
        found = list(
            rows.filter(_keyset(order, after_values, True)).order_by(*_order_by(order))[
                : PAGE_SIZE + 1
            ]
        )
        more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
        number = _page_number(number, num_pages, default=2)
        number = max(number, 2)
    elif before_values is not None:
        backwards = rows.filter(_keyset(order, before_values, False)).order_by(
            *_order_by(order, backward=True)
        )
        found = list(reversed(backwards[:PAGE_SIZE]))
        more = True
        number = _page_number(number, num_pages)
    else:
        number = _page_number(number, num_pages)
        start = (number - 1) * PAGE_SIZE
        if first is not None:  # the search's first page, read above
            found = first
        else:
            found = list(rows.order_by(*_order_by(order))[start : start + PAGE_SIZE + 1])
        more, found = len(found) > PAGE_SIZE, found[:PAGE_SIZE]
    if not found:
        more = False
    return PatientListPage(
        rows=[stored_row(values, today) for values in found],
        count=count,
        number=number,
        num_pages=num_pages,
        next_cursor=encode_cursor(order, found[-1]) if more else None,
        previous_cursor=encode_cursor(order, found[0]) if found and number > 2 else None,
    )


def all_rows(
    today: date, query: str, chosen: dict[str, str], order: tuple[str, ...]
) -> Iterator[EvaluatedPatient]:
    """Every row of the list in its order, read CSV_CHUNK at a time by keyset (the CSV: memory
    and each query bounded whatever the number of patients)."""
    statuses = _rows(matching(today, query, chosen), today)
    ordered = statuses.order_by(*_order_by(order))
    chunk = list(ordered[:CSV_CHUNK])
    while chunk:
        for values in chunk:
            yield stored_row(values, today)
        if len(chunk) < CSV_CHUNK:
            return
        last = [chunk[-1][field] for field, _ in _columns(order)]
        chunk = list(ordered.filter(_keyset(order, last, True))[:CSV_CHUNK])
