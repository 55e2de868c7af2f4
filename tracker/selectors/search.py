"""Patient search by MRN or name."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from tracker.models import (
    Patient,
)
from tracker.models.clinical import search_text
from tracker.validators import mrn_key

from .records import active_patients


def search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """MRN or name, any part; every word must match (issue 13 item 13): case-, accent- and
    punctuation-insensitive through Patient.search_key ("Foster, Linda" = "Linda Foster",
    "O'Connor" = "OConnor", "Zoe" = "Zoë")."""
    for key, indexed in _keys(query):
        if indexed:
            patients = patients.filter(pk__in=_indexed_ids(key))
        else:  # on the patients' own key (PostgreSQL's trigram index answers it)
            patients = patients.filter(search_key__contains=key)
    return patients


def searched_ids(query: str) -> list:
    """Per word of the query, the ids of the patients it matches (a subquery): a patient
    matches the search when its id is in every one."""
    return [
        _indexed_ids(key)
        if indexed
        else Patient.objects.filter(search_key__contains=key).values("pk")
        for key, indexed in _keys(query)
    ]


def _keys(query: str) -> list[tuple[str, bool]]:
    """Each word's key, and whether the trigram index (migration 0019) can answer it. A word of
    punctuation only ("," or "-") matches everyone: skipped."""
    indexed = _indexed()
    keys = (search_text(word) for word in query.split())
    return [(key, indexed and len(key) >= TRIGRAM) for key in keys if key]


def _indexed_ids(key: str) -> RawSQL:
    """The ids matching one key, from the trigram index: the key as one FTS5 phrase is its
    consecutive trigrams, that is the key anywhere in search_key. (A LIKE on the index checked
    every candidate's text: slower than the scan.)"""
    return RawSQL(_INDEXED_MATCH, [_phrase(key)])  # noqa: S611 - constant SQL, key as parameter


def indexed_matches(query: str) -> int | None:
    """How many patients not entered in error the search matches, from the trigram index and
    the small index of patients entered in error (patient_entered_in_error_idx) alone; None
    when a word cannot use the trigram index (or there is none). Those are the patients with a
    stored status (services.status_refresh), so this is also the searched list's count: 1.6 ms
    at 100,000 patients, where counting the statuses of the matches read them one by one
    (3.3 ms more; issue 16)."""
    keys = [key for key in map(search_text, query.split()) if key]
    if not keys or not _indexed() or any(len(key) < TRIGRAM for key in keys):
        return None
    sql = " INTERSECT ".join([_INDEXED_MATCH] * len(keys)) + _EXCEPT_ENTERED_IN_ERROR
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql})", [_phrase(key) for key in keys])  # noqa: S608 - constant SQL
        return cursor.fetchone()[0]


def search_count(query: str) -> int:
    """How many patients not entered in error the search matches: the searched list's count
    when no filter is chosen. Every such patient has one stored status once the statuses are
    up to date (services.status_refresh, run in the transaction of every write), so the
    patients are counted, not their statuses: on PostgreSQL at 100,000 patients counting the
    statuses of "smith"'s 5,543 matches joined every status (41 ms), counting the patients
    reads the trigram index and the matches (6 ms; issue 16)."""
    counted = indexed_matches(query)
    if counted is not None:
        return counted
    return search(active_patients(), query).count()


def _phrase(key: str) -> str:
    return '"' + key.replace('"', '""') + '"'


FTS_TABLE = "tracker_patient_search"  # migration 0019, SQLite only
_INDEXED_MATCH = "SELECT rowid FROM tracker_patient_search WHERE tracker_patient_search MATCH %s"
# Read from the partial index patient_entered_in_error_idx (a scan of every patient without it).
_EXCEPT_ENTERED_IN_ERROR = " EXCEPT SELECT id FROM tracker_patient WHERE entered_in_error"
TRIGRAM = 3  # a word shorter than a trigram cannot use the index
_INDEXED: dict[str, bool] = {}


def _indexed() -> bool:
    """Whether this SQLite database has the trigram index (an SQLite without FTS5's trigram
    tokenizer has none), asked once per database."""
    if connection.vendor != "sqlite":
        return False
    name = str(connection.settings_dict["NAME"])
    if name not in _INDEXED:
        # Through the driver's own connection: a look at the schema, not one of the page's
        # queries (their number is bounded by tests).
        connection.ensure_connection()
        found = connection.connection.execute(
            "SELECT 1 FROM sqlite_master WHERE name = ?", [FTS_TABLE]
        ).fetchone()
        _INDEXED[name] = found is not None
    return _INDEXED[name]


def exact_mrn(query: str) -> Patient | None:
    """The patient whose MRN is the whole query, case- and width-insensitive (a scanned
    wristband opens the patient: issue 13 item 13), or None."""
    query = query.strip()
    if not query or len(query.split()) != 1:
        return None
    return Patient.objects.filter(mrn_key=mrn_key(query), entered_in_error=False).first()
