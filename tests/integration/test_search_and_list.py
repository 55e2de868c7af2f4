"""Issue 13 items 13 and 14: the search (accents, punctuation, word order, exact MRN) and the
patient list (sort, CSV, "Clear filters", "See all" keeping its section, navbar)."""

import csv
import io
from decimal import Decimal

import pytest

from tests.factories import PatientFactory
from tests.integration.test_views import active_patient, overdue_patient
from tracker import interchange, services
from tracker.models import AuditEvent, Patient

pytestmark = pytest.mark.django_db


def _names(response):
    return response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["Foster, Linda", "Linda Foster", "foster", "FOSTER linda", "A1001 foster", "a100"],
)
def test_search_finds_by_words_in_any_order(nurse_client, query):
    active_patient("A1001", given_name="Linda", family_name="Foster")
    active_patient("B2002", given_name="Linda", family_name="Hart")
    page = _names(nurse_client.get("/patients/", {"q": query}))
    assert 'data-mrn="A1001"' in page
    assert 'data-mrn="B2002"' not in page


@pytest.mark.parametrize("query", ["OConnor", "O'Connor", "o’connor", "Zoe", "Zoë", "ZOË O-Connor"])
def test_search_ignores_accents_and_punctuation(nurse_client, query):
    active_patient("C3003", given_name="Zoë", family_name="O'Connor")
    active_patient("D4004", given_name="Zara", family_name="Connolly")
    for url in ("/patients/", "/"):
        page = _names(nurse_client.get(url, {"q": query}))
        assert 'data-mrn="C3003"' in page, url
        assert 'data-mrn="D4004"' not in page, url


def test_search_key_follows_every_save():
    patient = PatientFactory(mrn="E5005", given_name="Zoë", family_name="O'Connor")
    assert patient.search_key == "e5005 zoe oconnor"
    patient.family_name = "Brontë-Smith"
    patient.save(update_fields=["family_name"])
    patient.refresh_from_db()
    assert patient.search_key == "e5005 zoe brontesmith"


def test_import_sets_search_key():
    # The bulk import writes rows without save(): it must set the key itself.
    doc = {
        "patients": [
            {
                "mrn": "F6006",
                "given_name": "Zoë",
                "family_name": "O'Connor",
                "date_of_birth": "1960-01-02",
                "sex": "female",
            }
        ]
    }
    interchange.import_document(doc, actor=services.import_actor())
    assert Patient.objects.get(mrn="F6006").search_key == "f6006 zoe oconnor"
    assert Patient.history.get(mrn="F6006").search_key == "f6006 zoe oconnor"


@pytest.mark.parametrize("url", ["/", "/patients/"])
@pytest.mark.parametrize("query", ["G7007", "g7007", "Ｇ7007", " G7007 "])
def test_exact_mrn_opens_the_patient(nurse_client, url, query):
    active_patient("G7007")
    active_patient("G70071")
    response = nurse_client.get(url, {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/patients/G7007/"


def test_part_of_an_mrn_does_not_redirect(viewer_client):
    active_patient("G7007")
    response = viewer_client.get("/patients/", {"q": "G700"})
    assert response.status_code == 200
    assert 'data-mrn="G7007"' in response.content.decode()


# --- patient list -------------------------------------------------------------------------


def _mrns(page):
    return [chunk.split('"', 1)[0] for chunk in page.split('data-mrn="')[1:]]


def test_patient_list_sorts_by_columns(viewer_client):
    active_patient("M1", family_name="Young", latest=Decimal("60"), latest_days_ago=30)
    active_patient("M2", family_name="Adams", latest=Decimal("60"), latest_days_ago=5)
    active_patient("M3", family_name="Moss")  # no LVEF after the baseline
    assert _mrns(_names(viewer_client.get("/patients/", {"sort": "name"}))) == ["M2", "M3", "M1"]
    assert _mrns(_names(viewer_client.get("/patients/", {"sort": "-name"}))) == ["M1", "M3", "M2"]
    assert _mrns(_names(viewer_client.get("/patients/", {"sort": "-mrn"}))) == ["M3", "M2", "M1"]
    newest = _mrns(_names(viewer_client.get("/patients/", {"sort": "-latest_lvef"})))
    assert newest[0] == "M2"


def test_patient_list_unknown_sort_is_said_and_ignored(viewer_client):
    active_patient("M2", family_name="Adams")
    active_patient("M1", family_name="Young")
    page = _names(viewer_client.get("/patients/", {"sort": "dob; drop"}))
    assert "Sort: unknown value “dob; drop”; the sort was ignored." in page
    assert _mrns(page) == ["M1", "M2"]  # by MRN


def test_patient_list_csv(nurse_client):
    active_patient("H1", family_name="=HYPERLINK", given_name="Zoë", latest=Decimal("45"))
    active_patient("H2", latest=Decimal("60"))
    response = nurse_client.get("/patients/", {"recommendation": "hold", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert response.streaming  # issue 16: written a chunk of rows at a time
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [r["mrn"] for r in rows] == ["H1"]  # the filtered list
    (row,) = rows
    assert row["family_name"] == "'=HYPERLINK"
    assert row["given_name"] == "Zoë"
    assert len(row["latest_lvef_date"]) == 10 and row["latest_lvef_date"][4] == "-"  # ISO
    event = AuditEvent.objects.filter(action="csv_download").latest("pk")
    assert "patient list CSV: 1 row(s)" in event.detail


def test_patient_list_clear_filters_link(viewer_client):
    assert "Clear filters" not in _names(viewer_client.get("/patients/"))
    page = _names(viewer_client.get("/patients/", {"phase": "active"}))
    assert '<a class="btn btn-sm btn-link" href="/patients/">Clear filters</a>' in page


def test_see_all_keeps_section_title_description_and_order(viewer_client):
    from tracker.selectors import SECTION_ROWS

    for i in range(SECTION_ROWS + 2):
        overdue_patient(f"O{i:02d}", 5 + i * 3)
    worklist = _names(viewer_client.get("/"))
    assert 'href="/patients/?section=book_scan"' in worklist
    page = _names(viewer_client.get("/patients/", {"section": "book_scan"}))
    assert "Patients: Book a scan" in page
    assert "The LVEF assessment is due soon or overdue" in page
    # The section's order: most overdue first, not by MRN.
    assert _mrns(page)[0] == f"O{SECTION_ROWS + 1:02d}"


@pytest.mark.parametrize(
    ("url", "label"),
    [("/", "Worklist"), ("/patients/", "Patients"), ("/flags/", "How the tracker decides")],
)
def test_navbar_marks_the_current_page(nurse_client, url, label):
    page = _names(nurse_client.get(url))
    current = page.split('aria-current="page"')
    assert len(current) == 2, "exactly one current link"
    assert current[1].split("</a>", 1)[0].split(">", 1)[1].startswith(label)
    assert 'nav-link active" aria-current="page"' in page


@pytest.mark.parametrize("n", [3, 30])
def test_sorted_searched_list_query_count_is_bounded(
    viewer_client, django_assert_max_num_queries, n
):
    for i in range(n):
        active_patient(f"P{i:03d}", family_name="Zoë", latest=Decimal("55"))
    # The patient list's 13 (tests/integration/test_views.py) + 1: the exact-MRN look-up.
    with django_assert_max_num_queries(14):
        page = _names(viewer_client.get("/patients/", {"q": "zoe", "sort": "-latest_lvef"}))
    assert f"{n} patients" in page
