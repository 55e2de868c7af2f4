"""The patient list pages by keyset (issue 16 item 2): Next and Previous walk every sort and
every "See all" section exactly as the full ordered list, without OFFSET; counts on the status
table alone by the worklist's date ranges; the CSV read in bounded chunks; a page far down
reads the same few queries as the first."""

from datetime import date
from urllib.parse import parse_qs

import pytest

from devdata.synthetic import synthetic_document
from tracker import interchange, services
from tracker.models import MonitoringStatus
from tracker.selectors import patient_list as pl
from tracker.selectors.status import with_assessment_status

pytestmark = pytest.mark.django_db
TODAY = date.today()
ORDERS = {**pl.SORT_ORDERS, **{f"section:{k}": v for k, v in pl.SECTION_ORDERS.items()}}


@pytest.fixture
def patients(monkeypatch):
    interchange.import_document(
        synthetic_document(60, TODAY, start=1), actor=services.import_actor()
    )
    monkeypatch.setattr(pl, "PAGE_SIZE", 7)


def mrns(rows):
    return [r.mrn for r in rows]


def everyone_in(order, chosen=None):
    statuses = pl._rows(pl.matching(TODAY, "", chosen or {}), TODAY)
    return [row["patient__mrn"] for row in statuses.order_by(*pl._order_by(order))]


@pytest.mark.parametrize("name", ORDERS)
def test_next_and_previous_walk_the_whole_ordered_list(patients, name):
    order = ORDERS[name]
    expected = everyone_in(order)
    page = pl.page(TODAY, "", {}, order)
    seen, pages = mrns(page.rows), [page]
    while page.has_next:
        page = pl.page(TODAY, "", {}, order, number=page.number + 1, after=page.next_cursor)
        seen += mrns(page.rows)
        pages.append(page)
    assert seen == expected
    assert [p.number for p in pages] == list(range(1, page.num_pages + 1))
    # And back, page by page, from the last.
    back = mrns(page.rows)
    while page.previous_cursor:
        page = pl.page(TODAY, "", {}, order, number=page.number - 1, before=page.previous_cursor)
        back = mrns(page.rows) + back
    assert page.number == 2 and back == expected[7:]  # page 1 again is the plain list


def test_keyset_handles_rows_without_a_date(patients):
    """Patients with no LVEF (latest date null) sort last either way, across a page break."""
    MonitoringStatus.objects.filter(patient__mrn__in=everyone_in(("patient__mrn",))[:20]).update(
        latest_date=None
    )
    for sort in ("latest_lvef", "-latest_lvef"):
        order = pl.SORT_ORDERS[sort]
        rows, page = [], pl.page(TODAY, "", {}, order)
        rows += mrns(page.rows)
        while page.has_next:
            page = pl.page(TODAY, "", {}, order, after=page.next_cursor)
            rows += mrns(page.rows)
        assert rows == everyone_in(order)
        assert rows[-20:] == sorted(rows[-20:])  # the undated, by MRN, at the end


@pytest.mark.parametrize("status", ["overdue", "due_soon", "ok", "not_required"])
def test_assessment_filter_uses_the_worklists_date_ranges(patients, status):
    annotated = with_assessment_status(MonitoringStatus.objects.all(), TODAY)
    expected = annotated.filter(assessment_status=status).count()
    page = pl.page(TODAY, "", {"assessment_status": status}, ("patient__mrn",))
    assert page.count == expected
    assert {r.status.assessment_status for r in page.rows} <= {status}


def test_the_count_reads_the_status_table_alone(patients, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        pl.page(TODAY, "", {"phase": "active", "section": "dose"}, ("patient__mrn",))
    (count,) = [q["sql"] for q in queries if "COUNT(" in q["sql"]]
    assert "tracker_patient" not in count and "CASE" not in count


def test_a_cursor_edited_by_hand_gives_the_first_page(patients):
    first = pl.page(TODAY, "", {}, ("patient__mrn",))
    for cursor in ["nonsense", "W10", pl.encode_cursor(("patient_id",), {"patient_id": 1})]:
        page = pl.page(TODAY, "", {}, ("patient__mrn",), after=cursor)
        assert mrns(page.rows) == mrns(first.rows)


def test_the_csv_reads_every_row_in_bounded_chunks(patients, monkeypatch):
    monkeypatch.setattr(pl, "CSV_CHUNK", 8)
    for order in ORDERS.values():
        assert mrns(pl.all_rows(TODAY, "", {}, order)) == everyone_in(order)


def test_next_link_goes_by_keyset_and_a_far_page_reads_as_few_queries(
    patients, viewer_client, django_assert_max_num_queries
):
    viewer_client.get("/patients/")
    page = viewer_client.get("/patients/", {"sort": "name"}).content.decode()
    nexts = [chunk.split('"', 1)[0] for chunk in page.split('href="?')[1:]]
    (next_link,) = [n for n in nexts if "after=" in n]
    params = parse_qs(next_link.replace("&amp;", "&"))
    assert params["page"] == ["2"] and params["sort"] == ["name"]
    # A page reached by Next: the same queries as the first page (no OFFSET, no join count).
    query = {k: v[0] for k, v in params.items()}
    with django_assert_max_num_queries(11):
        second = viewer_client.get("/patients/", query).content.decode()
    assert "Page 2 of 9" in second


@pytest.mark.parametrize(
    "chosen",
    [{"phase": "active"}, {"assessment_status": "overdue"}, {"section": "dose"},
     {"section": "check_record", "cotreatment_risk": "high"}, {"recommendation": "continue"}],
)  # fmt: skip
def test_a_list_of_many_read_in_index_order_has_the_same_rows(patients, monkeypatch, chosen):
    """Past WALK_ABOVE the filters are applied on "+column" (SQLite): the same pages."""
    for order in (("patient__mrn",), pl.SORT_ORDERS["-next_assessment"]):
        expected = everyone_in(order, chosen)
        monkeypatch.setattr(pl, "WALK_ABOVE", 0)
        page, seen = pl.page(TODAY, "", chosen, order), []
        seen += mrns(page.rows)
        while page.has_next:
            page = pl.page(TODAY, "", chosen, order, after=page.next_cursor)
            seen += mrns(page.rows)
        assert seen == expected
        assert page.count == len(expected)


def test_the_count_is_reused_until_a_status_changes(patients, nurse):
    """Without a search the count is kept under the shared WorklistVersion: a second page
    reads no COUNT; a save (through the services, as the forms) is counted at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.models import Patient

    first = pl.page(TODAY, "", {"assessment_status": "due_soon"}, ("patient__mrn",))
    with CaptureQueriesContext(connection) as queries:
        again = pl.page(TODAY, "", {"assessment_status": "due_soon"}, ("patient__mrn",))
    assert again.count == first.count
    assert not [q for q in queries if "COUNT(" in q["sql"]]
    services.patient_create(
        actor=nurse, mrn="NEW1", given_name="Ann", family_name="New", date_of_birth=date(1970, 1, 1)
    )
    assert pl.page(TODAY, "", {}, ("patient__mrn",)).count == Patient.objects.count()
