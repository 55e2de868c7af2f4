"""Issue 12, "Done when": a worklist that clears when the work is done. As a nurse: an overdue
patient is requested, booked and moves to Booked; the booking date passes without an LVEF and
the patient moves to Chase; recording the LVEF closes the request. As an oncologist: a hold is
reviewed (continue despite the criteria, with a reason), leaves Review, and comes back when a
new LVEF is recorded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tracker.models import RecommendationReview, ScanRequest


def _patient(mrn, given, family, today, latest=None):
    from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory

    patient = PatientFactory(mrn=mrn, given_name=given, family_name=family)
    start = today - timedelta(days=130)
    course = CourseFactory(patient=patient, planned_start=start)
    for ago in range(130, 5, -21):
        InfusionFactory(course=course, date=today - timedelta(days=ago), duration_minutes=30)
    LvefFactory(patient=patient, date=start - timedelta(days=7), value=Decimal("62"))
    if latest is not None:
        LvefFactory(patient=patient, date=today - timedelta(days=10), value=latest)
    return patient


@pytest.fixture
def overdue(transactional_db, today):
    """Baseline only, 137 days ago: the 3-monthly assessment (S2) is overdue."""
    return _patient("LOOP1", "Olive", "Overdue", today)


@pytest.fixture
def held(transactional_db, today):
    """LVEF 45% after a 62% baseline, no hold recorded: hold recommended (H1, H3)."""
    return _patient("LOOP2", "Hester", "Held", today, latest=Decimal("45"))


def _row(page, section, mrn):
    return page.locator(f'[data-section="{section}"] tr[data-mrn="{mrn}"]')


def test_nurse_requests_books_chases_and_the_lvef_closes_the_request(
    overdue, nurse_page, live_server, today, monkeypatch
):
    page = nurse_page
    row = _row(page, "book_scan", "LOOP1")
    expect(row).to_contain_text("no scan is requested")
    row.get_by_role("link", name="Request scan").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP1/scans/new/")
    page.select_option("#id_modality", "echo")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP1/")
    expect(page.locator('[data-field="plan-request"]')).to_contain_text("requested")

    page.goto(f"{live_server.url}/")
    expect(_row(page, "book_scan", "LOOP1")).to_have_count(0)
    booked = page.locator('details[data-section="booked"]')
    expect(booked).not_to_have_attribute("open", "")  # collapsed by default
    booked.locator("summary").click()
    row = _row(page, "booked", "LOOP1")
    expect(row).to_contain_text("Echocardiogram requested on")
    row.get_by_role("link", name="Record booking").click()
    booked_for = today + timedelta(days=3)
    page.fill("#id_booked_for", booked_for.isoformat())
    page.fill("#id_place", "Echo lab, level 2")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP1/")

    page.goto(f"{live_server.url}/")
    page.locator('details[data-section="booked"] summary').click()
    expect(_row(page, "booked", "LOOP1")).to_contain_text("booked for")
    expect(_row(page, "chase", "LOOP1")).to_have_count(0)

    # Five days on, the booked day has passed and no LVEF has come: Chase.
    later = today + timedelta(days=5)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: later)
    page.goto(f"{live_server.url}/")
    row = _row(page, "chase", "LOOP1")
    expect(row).to_contain_text("no LVEF has been recorded since")
    expect(_row(page, "booked", "LOOP1")).to_have_count(0)

    row.get_by_role("link", name="Open record").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP1/")
    page.get_by_role("link", name="Record LVEF").click()
    page.fill("#id_date", later.isoformat())
    page.fill("#id_value", "60")
    page.select_option("#id_modality", "echo")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP1/")
    expect(page.locator('[data-field="plan-request"]')).to_contain_text("none open")
    request = ScanRequest.objects.get(patient=overdue)
    assert request.state == "done" and request.lvef.date == later

    page.goto(f"{live_server.url}/")
    for section in ("book_scan", "chase", "booked"):
        expect(_row(page, section, "LOOP1")).to_have_count(0)


def test_oncologist_reviews_a_hold_and_a_new_lvef_brings_it_back(
    held, page, live_server, oncologist, today
):
    log_in(page, live_server, oncologist.username)
    page.wait_for_url(f"{live_server.url}/")
    row = _row(page, "review", "LOOP2")
    expect(row).to_contain_text("Hold")
    row.get_by_role("link", name="Record review").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP2/reviews/new/")
    page.select_option("#id_decision", "continue_despite_criteria")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("form[novalidate]")).to_contain_text("needs a reason")  # said
    page.fill("#id_reason", "Patient's choice; cardiology sees her in two weeks")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP2/")
    expect(page.locator('[data-field="plan-review"]')).to_contain_text("Reviewed")
    assert RecommendationReview.objects.get(patient=held).reviewed_by == oncologist

    page.goto(f"{live_server.url}/")
    expect(_row(page, "review", "LOOP2")).to_have_count(0)
    expect(page.locator('[data-count="review"]')).to_have_text("0")

    page.goto(f"{live_server.url}/patients/LOOP2/")
    page.get_by_role("link", name="Record LVEF").click()
    page.fill("#id_date", today.isoformat())
    page.fill("#id_value", "44")
    page.select_option("#id_modality", "echo")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/patients/LOOP2/")
    expect(page.locator('[data-field="plan-review"]')).to_contain_text("Review due")

    page.goto(f"{live_server.url}/")
    expect(_row(page, "review", "LOOP2")).to_have_count(1)
