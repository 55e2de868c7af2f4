"""The chair list page (issue 12 item 6): who is expected on a day, stop / check / go with the
reasons in words, the date picker, the audit row, bounded queries, the permission."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from devdata.synthetic import synthetic_document
from tests.factories import (
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    UserFactory,
)
from tracker import interchange, services
from tracker.models import AuditEvent
from tracker.monitoring.wording import day as day_text
from tracker.selectors.chair import chair_list, review_pending_ids
from tracker.views.chair import CHAIR_PAGE_ROWS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(days):
    return TODAY - timedelta(days=days)


def on_course(mrn, family, last_days_ago, *, schedule="every_3_weeks", weight="70", lvef=60):
    """Infusions every 3 weeks (or weekly) up to ``last_days_ago``; baseline 62% before the
    first and a recent LVEF, so the scans are up to date."""
    every = 7 if schedule == "weekly" else 21
    first = ago(last_days_ago + every * 4)
    patient = PatientFactory(mrn=mrn, family_name=family, given_name="Ann")
    course = CourseFactory(patient=patient, planned_start=first, schedule=schedule)
    for k in range(5):
        InfusionFactory(
            course=course,
            date=first + timedelta(days=every * k),
            weight_kg=Decimal(weight),
            loading_dose=k == 0,
        )
    LvefFactory(patient=patient, date=first - timedelta(days=7), value=Decimal("62"))
    LvefFactory(patient=patient, date=ago(20), value=Decimal(lvef))
    return patient, course


@pytest.fixture
def clinic():
    go, _ = on_course("C1", "Goodwin", 21)
    on_course("C2", "Later", 20)  # due tomorrow: not on today's list
    check, _ = on_course("C3", "Reload", 30, weight="80.5")  # gap 30 > 21 + 7: D1
    stop, course = on_course("C4", "Stopped", 21)
    LvefFactory(patient=stop, date=ago(10), value=Decimal("44"))
    HoldFactory(course=course, start=ago(8), reason="cardiac")
    late, _ = on_course("C5", "Weekslate", 35, schedule="weekly", lvef=61)  # 4 weeks late
    return {"go": go, "check": check, "stop": stop, "late": late}


def rows_by_mrn(html):
    import re

    return dict(re.findall(r'data-mrn="(\w+)" data-state="(\w+)"', html))


def test_today_shows_stop_check_go_with_reasons(nurse_client, clinic):
    html = nurse_client.get("/chair/").content.decode()
    assert rows_by_mrn(html) == {"C1": "go", "C3": "check", "C4": "stop", "C5": "check"}
    # Most urgent first.
    assert html.index('data-mrn="C4"') < html.index('data-mrn="C3"') < html.index('data-mrn="C1"')
    assert "No hold, the heart scans are up to date and no loading dose is due." in html
    assert (
        "Loading dose due: a loading dose of 8 mg/kg over 90 minutes: 644 mg at the last "
        f"weight, 80.5 kg ({day_text(ago(30))})" in html
    )
    assert (
        f"LVEF 44% on {day_text(ago(10))} — do not give the next dose until a doctor has "
        "reviewed." in html
    )
    assert "Hold treatment is recommended" in html
    assert "28 days late" in html  # C5: weekly, last 35 days ago
    assert "4 mg/kg" in html  # C5's weekly loading dose
    assert "A patient weeks late stays on the list" in html
    assert 'class="table table-sm align-middle table-cards chair-table"' in html
    assert 'data-label="Safe to dose?"' in html
    assert 'data-count="stop">Stop 1<' in html


def test_the_review_pending_check(nurse_client, clinic):
    listed = {row.mrn: row for row in chair_list(TODAY).rows}
    assert "waits for an oncologist's review" in listed["C4"].entry.reason_text
    assert "waits for an oncologist's review" not in listed["C1"].entry.reason_text
    statuses = {row.pk: row.entry.status for row in listed.values()}
    assert review_pending_ids(statuses, statuses=statuses) == {clinic["stop"].pk}


def test_a_current_review_ends_the_review_check(clinic, oncologist):
    """Issue 12 item 2 on the chair: once the oncologist's review covers the day's evaluation,
    C4 no longer waits for one (the rules' STOP stays: reviews are workflow)."""
    services.review_create(
        actor=oncologist,
        patient=clinic["stop"],
        date=TODAY,
        decision="continue_despite_criteria",
        reason="Discussed with cardiology",
    )
    listed = {row.mrn: row for row in chair_list(TODAY).rows}
    assert "waits for an oncologist's review" not in listed["C4"].entry.reason_text
    assert listed["C4"].entry.state == "stop"
    statuses = {row.pk: row.entry.status for row in listed.values()}
    assert review_pending_ids(statuses, statuses=statuses) == set()


def test_another_day(nurse_client, clinic):
    tomorrow = TODAY + timedelta(days=1)
    html = nurse_client.get(f"/chair/?day={tomorrow.isoformat()}").content.decode()
    assert "C2" in rows_by_mrn(html)
    assert day_text(tomorrow) in html
    event = AuditEvent.objects.filter(action="list_view").latest("at")
    assert event.detail.startswith(f"chair list for {tomorrow.isoformat()}: ")


@pytest.mark.parametrize("bad", ["2026-02-30", "yesterday", "0202-01-01"])
def test_a_bad_day_says_which_field_and_shows_today(nurse_client, clinic, bad):
    html = nurse_client.get(f"/chair/?day={bad}").content.decode()
    assert "Day: " in html and "The list shows today instead." in html
    assert "C1" in rows_by_mrn(html)
    assert f"{day_text(TODAY)} (today)" in html


def test_the_read_is_audited(nurse_client, clinic):
    nurse_client.get("/chair/")
    event = AuditEvent.objects.filter(action="list_view").latest("at")
    assert event.detail == f"chair list for {TODAY.isoformat()}: 4 row(s), page 1 of 1"
    assert "Goodwin" not in event.detail


def test_the_record_button_follows_the_role(nurse_client, viewer_client, clinic):
    assert "Record infusion" in nurse_client.get("/chair/").content.decode()
    html = viewer_client.get("/chair/").content.decode()
    assert "Record infusion" not in html and "Goodwin" in html


def test_a_user_without_view_permission_gets_403(client, clinic):
    client.force_login(UserFactory(username="norole"))
    response = client.get("/chair/")
    assert response.status_code == 403
    assert "Goodwin" not in response.content.decode()


def test_the_navbar_links_the_chair_list(nurse_client):
    html = nurse_client.get("/chair/").content.decode()
    assert 'class="nav-link active" aria-current="page" href="/chair/">Chair list</a>' in html


def test_print_stylesheet_is_this_page_only(nurse_client):
    assert 'chair.css" media="print"' in nurse_client.get("/chair/").content.decode()
    assert "chair.css" not in nurse_client.get("/").content.decode()


@pytest.fixture
def settled_viewer(viewer_client):
    viewer_client.get("/flags/")  # the persona's first request settles the session
    return viewer_client


@pytest.mark.parametrize("n", [10, 500])
def test_bounded_queries_at_10_and_500_patients(settled_viewer, django_assert_max_num_queries, n):
    interchange.import_document(
        synthetic_document(n, TODAY, start=1), actor=services.import_actor()
    )
    # The first view of the kept list (selectors.chair): the version, the last change, the
    # review and status stamps, then the evaluation's own queries.
    with django_assert_max_num_queries(18):
        response = settled_viewer.get("/chair/")
    assert response.status_code == 200
    # The bound holds for a full list, not an empty page: every patient the selector lists,
    # up to a page of them.
    rows = rows_by_mrn(response.content.decode())
    assert rows and len(rows) == min(len(chair_list(TODAY).rows), CHAIR_PAGE_ROWS)


@pytest.mark.parametrize(
    ("recommendation", "flags", "pending"),
    [
        ("continue", (), False),
        ("none", (), False),
        ("hold", (), True),
        ("discontinue", (), True),
        ("may_resume", (), True),
        ("continue", ("HOLD_NOT_ACTIONED",), True),
    ],
)
def test_review_pending_ids_without_reviews(recommendation, flags, pending):
    from types import SimpleNamespace

    statuses = {7: SimpleNamespace(recommendation=recommendation, flags=flags)}
    assert review_pending_ids([7, 8], statuses=statuses) == ({7} if pending else set())
