"""The searched patient list's cost (issue 16 item 1: every searched list <= 2x the trivial
page): a search whose matches fit on one page runs no COUNT (its length is the count), a larger
one counts once and reads its first page once; on PostgreSQL the search keys' LIKE is answered
by the trigram index (migration 0015), not a scan of every patient."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devdata.synthetic import synthetic_document
from tracker import interchange, services
from tracker.models import Patient
from tracker.models.clinical import search_text
from tracker.selectors import patient_list as pl
from tracker.selectors.search import search

pytestmark = pytest.mark.django_db
TODAY = date.today()


@pytest.fixture
def patients(monkeypatch):
    interchange.import_document(
        synthetic_document(40, TODAY, start=1), actor=services.import_actor()
    )
    monkeypatch.setattr(pl, "PAGE_SIZE", 7)


def list_queries(query):
    pl.page(TODAY, query, {}, pl.order_of("", ""))  # statuses brought up to date first
    with CaptureQueriesContext(connection) as queries:
        found = pl.page(TODAY, query, {}, pl.order_of("", ""))
    return found, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("size", ["one page", "several pages"])
def test_a_search_counts_only_when_its_matches_fill_more_than_a_page(patients, size):
    everyone = list(Patient.objects.values_list("mrn", flat=True))
    query = everyone[0] if size == "one page" else "s"  # one MRN / many names
    expected = search(Patient.objects.all(), query).count()
    found, sql = list_queries(query)
    # A search alone counts its patients (or, on SQLite, takes the trigram index's count, which
    # also chooses the plan), never their statuses: that count joined every status (issue 16).
    counts = [s for s in sql if "COUNT(" in s.upper()]
    assert not [s for s in counts if "tracker_monitoringstatus" in s]
    assert found.count == expected
    assert found.num_pages == -(-expected // pl.PAGE_SIZE)
    assert [r.mrn for r in found.rows] == sorted(
        search(Patient.objects.all(), query).values_list("mrn", flat=True)
    )[: pl.PAGE_SIZE]
    if size == "one page":
        # no count but, on SQLite, the trigram index's own (which chooses the plan)
        counted = [s for s in counts if "tracker_patient_search" not in s]
        assert expected <= pl.PAGE_SIZE and counted == [] and found.next_cursor is None
    else:
        assert expected > pl.PAGE_SIZE and len(counts) == 1 and found.next_cursor is not None
        assert "tracker_patient" in counts[0]
        assert len(sql) == len(set(sql))  # the first page read once, not again after the count


def every_page(query, chosen):
    order = pl.order_of("", "")
    found = pl.page(TODAY, query, chosen, order)
    pages = [found]
    while pages[-1].next_cursor:
        pages.append(pl.page(TODAY, query, chosen, order, after=pages[-1].next_cursor))
    return found.count, [row.mrn for p in pages for row in p.rows]


@pytest.mark.parametrize("query", ["s", "s00", "s00 000", "000001"])
@pytest.mark.parametrize("chosen", [{}, {"phase": "active"}])
def test_a_searchs_count_is_its_rows_with_patients_entered_in_error_left_out(
    patients, nurse, query, chosen
):
    """The count of a search alone is of its patients not entered in error (search_count,
    indexed_matches): exactly the rows its pages show, those of patients with a stored
    status. "s" is shorter than a trigram (SQLite's scan), the rest use the index."""
    # S0000001 matches every query, S0000002 all but "000001"
    for patient in Patient.objects.order_by("pk")[:2]:
        services.mark_entered_in_error(patient, actor=nurse, reason="duplicate record")
    count, mrns = every_page(query, chosen)
    statuses = pl.matching(TODAY, query, chosen)
    expected = sorted(statuses.values_list("patient__mrn", flat=True))
    assert mrns == expected and count == len(expected) > 0
    assert not set(mrns) & set(
        Patient.objects.filter(entered_in_error=True).values_list("mrn", flat=True)
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram index")
def test_the_search_uses_the_trigram_index_on_postgresql(patients):
    sql, params = (
        search(Patient.objects.order_by(), "linda foster").values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # 40 patients: a scan would be chosen
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "patient_search_key_trgm_idx" in plan


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 index")


@sqlite_only
def test_the_search_uses_the_trigram_table_on_sqlite(patients):
    sql, params = search(Patient.objects.order_by(), "foster").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = "\n".join(str(row) for row in cursor.fetchall())
    assert "tracker_patient_search VIRTUAL TABLE" in plan


def scanned(query):
    """The search's patients by a scan of the keys (the index's answer must be the same)."""
    patients = Patient.objects.all()
    for word in query.split():
        patients = patients.filter(search_key__contains=search_text(word))
    return sorted(patients.values_list("mrn", flat=True))


@sqlite_only
@pytest.mark.parametrize(
    "query",
    ["s", "sm", "smi", "smith", "oster", "linda foster", "S000001", "000002", "zzz", "é", "ï"],
)
def test_the_trigram_table_finds_what_a_scan_of_the_keys_finds(patients, query):
    # words of 1 and 2 characters (shorter than a trigram) take the scan; the rest the index
    assert sorted(search(Patient.objects.all(), query).values_list("mrn", flat=True)) == scanned(
        query
    )


@sqlite_only
def test_the_trigram_table_follows_new_renamed_and_marked_patients(patients, nurse):
    patient = Patient.objects.order_by("pk").first()
    services.record_update(patient, actor=nurse, family_name="Quixotica")
    assert [p.pk for p in search(Patient.objects.all(), "quixotic")] == [patient.pk]
    assert search(Patient.objects.all(), patient.family_name).count() == len(
        scanned(patient.family_name)
    )
    new = services.patient_create(
        actor=nurse, mrn="FTS-1", given_name="Zoë", family_name="O'Brannagh", sex="female",
        date_of_birth=date(1970, 1, 1),
    )  # fmt: skip
    assert [p.pk for p in search(Patient.objects.all(), "zoe obrannagh")] == [new.pk]
    assert [p.pk for p in search(Patient.objects.all(), "FTS-1")] == [new.pk]


@sqlite_only
@pytest.mark.parametrize("walk_above", [5, 10_000])
def test_a_search_matching_many_walks_the_sorts_index_and_gives_the_same_pages(
    patients, monkeypatch, walk_above
):
    """A search matching at least WALK_ABOVE patients (by the trigram index's count) reads its
    rows by walking the sort's index ("+patient_id"); its pages are those of the sorted
    matches, and its count keeps the patient id's index."""
    monkeypatch.setattr(pl, "WALK_ABOVE", walk_above)
    everyone = sorted(Patient.objects.values_list("mrn", flat=True))
    order = pl.order_of("", "")
    found, sql = list_queries("s00")  # every synthetic MRN
    walked = [s for s in sql if '+"tracker_monitoringstatus"."patient_id"' in s]
    assert bool(walked) is (walk_above == 5)
    assert all("COUNT(" not in s.upper() for s in walked)
    assert found.count == len(everyone)
    assert [r.mrn for r in found.rows] == everyone[: pl.PAGE_SIZE]
    second = pl.page(TODAY, "s00", {}, order, after=found.next_cursor)
    assert [r.mrn for r in second.rows] == everyone[pl.PAGE_SIZE : 2 * pl.PAGE_SIZE]
