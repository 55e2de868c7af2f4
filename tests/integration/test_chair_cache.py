"""The chair list kept per process (issue 16 item 2: 5,000 rows a day at 20,000 synthetic
patients took 7 s to evaluate on every view): what it keeps is what a fresh evaluation gives,
for every day tried; a write, a review, a rename or a patient entered in error shows on the next
view, by evaluating that patient alone; and the page shows CHAIR_PAGE_ROWS rows at a time."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from devdata.synthetic import synthetic_document
from tests.integration.test_chair import on_course, rows_by_mrn
from tracker import interchange, services
from tracker.models import AuditEvent, Patient
from tracker.monitoring.chair import STATE_ORDER
from tracker.selectors import chair
from tracker.selectors.records import active_patients, rule_settings
from tracker.views.chair import CHAIR_PAGE_ROWS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh():
    chair.clear_cache()
    yield
    chair.clear_cache()


def fresh(day):
    """The list as the rules give it with no cache and no SQL pre-filter: every active patient
    evaluated."""
    rows = chair._evaluate(active_patients(), day, rule_settings())
    listed = [row for row in rows.values() if row is not None]
    listed.sort(key=lambda r: (STATE_ORDER[r.entry.state], -r.entry.days_late, r.name, r.mrn))
    return [(r.mrn, r.entry) for r in listed]


def kept(day):
    return [(r.mrn, r.entry) for r in chair.chair_list(day).rows]


@pytest.mark.parametrize("offset", [-30, -1, 0, 1, 6, 7, 8, 20, 21, 22, 60])
def test_the_kept_list_is_the_fresh_evaluation(offset):
    """The SQL pre-filter (chair.expected_by: D1's 7 and 21 days, ended courses, planned
    starts) keeps every patient the rules list, on days either side of the intervals."""
    interchange.import_document(
        synthetic_document(150, TODAY, start=1), actor=services.import_actor()
    )
    day = TODAY + timedelta(days=offset)
    expected = fresh(day)
    assert expected, "the synthetic clinic has patients expected on the day"
    assert kept(day) == expected
    candidates = set(chair.candidates(day).values_list("mrn", flat=True))
    assert {mrn for mrn, _ in expected} <= candidates


def test_the_pre_filter_at_the_interval_edge():
    """Three-weekly, last dose 20 days ago: not expected today (tomorrow it is); 21 days ago:
    expected today; weekly, 6 / 7 days."""
    on_course("T20", "Twenty", 20)
    on_course("T21", "TwentyOne", 21)
    on_course("W6", "Six", 6, schedule="weekly")
    on_course("W7", "Seven", 7, schedule="weekly")
    assert set(chair.candidates(TODAY).values_list("mrn", flat=True)) == {"T21", "W7"}
    assert {mrn for mrn, _ in kept(TODAY)} == {"T21", "W7"}
    tomorrow = TODAY + timedelta(days=1)
    assert {mrn for mrn, _ in kept(tomorrow)} == {"T20", "T21", "W6", "W7"}


@pytest.fixture
def listed():
    on_course("C1", "Goodwin", 21)
    on_course("C3", "Reload", 30, weight="80.5")
    patient, course = on_course("C4", "Stopped", 21)
    chair.chair_list(TODAY)
    return patient, course


def test_a_second_view_evaluates_nobody(listed, django_assert_num_queries):
    before = chair.evaluated()
    with django_assert_num_queries(1):  # WorklistVersion alone
        rows = chair.chair_list(TODAY).rows
    assert {r.mrn for r in rows} == {"C1", "C3", "C4"}
    assert chair.evaluated() == before


def test_a_write_is_seen_and_only_its_patient_evaluated(listed):
    from tests.factories import HoldFactory, LvefFactory

    patient, course = listed
    before = chair.evaluated()
    LvefFactory(patient=patient, date=TODAY - timedelta(days=2), value=Decimal("44"))
    HoldFactory(course=course, start=TODAY - timedelta(days=1), reason="cardiac")
    states = {r.mrn: r.entry.state for r in chair.chair_list(TODAY).rows}
    assert states["C4"] == "stop" and states["C1"] == "go"
    assert chair.evaluated() == before + 1
    assert kept(TODAY) == fresh(TODAY)


def test_a_review_is_seen(listed, oncologist):
    from tests.factories import HoldFactory, LvefFactory

    patient, course = listed
    LvefFactory(patient=patient, date=TODAY - timedelta(days=2), value=Decimal("44"))
    HoldFactory(course=course, start=TODAY - timedelta(days=1), reason="cardiac")
    waiting = "waits for an oncologist's review"
    assert waiting in {r.mrn: r for r in chair.chair_list(TODAY).rows}["C4"].entry.reason_text
    services.review_create(
        actor=oncologist,
        patient=patient,
        date=TODAY,
        decision="continue_despite_criteria",
        reason="Discussed with cardiology",
    )
    row = {r.mrn: r for r in chair.chair_list(TODAY).rows}["C4"]
    assert waiting not in row.entry.reason_text
    assert kept(TODAY) == fresh(TODAY)


def test_a_rename_and_an_entry_in_error_are_seen(listed, nurse):
    patient, _ = listed
    patient.given_name = "Beatrice"
    patient.save()
    assert {r.mrn: r.given_name for r in chair.chair_list(TODAY).rows}["C4"] == "Beatrice"
    other = Patient.objects.get(mrn="C1")
    services.mark_entered_in_error(other, actor=nurse, reason="Wrong patient")
    assert "C1" not in {r.mrn for r in chair.chair_list(TODAY).rows}


def test_another_rule_set_or_day_is_kept_apart(listed):
    tomorrow = TODAY + timedelta(days=1)
    assert kept(tomorrow) == fresh(tomorrow)
    assert kept(TODAY) == fresh(TODAY)


@pytest.fixture
def full_day():
    count = CHAIR_PAGE_ROWS + 30
    for k in range(count):
        on_course(f"P{k:04d}", f"Family{k:04d}", 21)
    return count


def test_the_page_shows_a_page_of_rows(nurse_client, full_day):
    html = nurse_client.get("/chair/").content.decode()
    first = rows_by_mrn(html)
    assert len(first) == CHAIR_PAGE_ROWS
    assert f"{full_day} patients expected" in html
    assert f"Patients 1 to {CHAIR_PAGE_ROWS} of {full_day}, the most urgent first." in html
    assert "Page 1 of 2" in html
    day = TODAY.isoformat()
    assert f'href="?day={day}&amp;page=2">Next</a>' in html
    second = rows_by_mrn(nurse_client.get(f"/chair/?day={day}&page=2").content.decode())
    assert len(second) == full_day - CHAIR_PAGE_ROWS
    assert not set(first) & set(second)
    assert set(first) | set(second) == {f"P{k:04d}" for k in range(full_day)}
    event = AuditEvent.objects.filter(action="list_view").latest("at")
    assert event.detail == f"chair list for {day}: {full_day} row(s), page 2 of 2"


@pytest.mark.parametrize(
    ("page", "problem"),
    [("abc", "is not a whole number"), ("9", "is past the last page (2)"), ("0", "is past")],
)
def test_a_bad_page_says_which_field_and_shows_page_1(nurse_client, full_day, page, problem):
    html = nurse_client.get(f"/chair/?page={page}").content.decode()
    assert re.search(rf"Page: &quot;{page}&quot; {re.escape(problem)}", html), html[:2000]
    assert "The list shows page 1 instead." in html
    assert len(rows_by_mrn(html)) == CHAIR_PAGE_ROWS
    assert "Page 1 of 2" in html
