"""The worklist: what a nurse sees first, and how a new LVEF changes it."""

import re

from playwright.sync_api import expect

from devdata.demo import DEMO_EXPECTATIONS
from tracker.labels import number
from tracker.models import LvefMeasurement, ScanRequest
from tracker.monitoring.wording import day

MARKERS = "circle.marker-echo, rect.marker-muga, polygon.marker-cmr"


def test_overdue_patient_opens_a_timeline_with_the_lvef_chart(
    demo_clinic, nurse_page, live_server, today
):
    page = nurse_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Worklist · HER2 cardiac monitoring")
    expect(page.locator("h1")).to_contain_text(f"{len(DEMO_EXPECTATIONS)} patients")

    # Issue 12: due soon or overdue with no scan request open (or missed: those are chased);
    # the demo's cancelled request puts its patient back here.
    overdue = page.locator('section[data-section="book_scan"]')
    expect(overdue.locator("h2")).to_contain_text("Book a scan")
    dealt_with = set(
        ScanRequest.objects.filter(
            entered_in_error=False, state__in=("requested", "booked", "did_not_attend")
        ).values_list("patient__mrn", flat=True)
    )
    expected = sorted(
        mrn
        for mrn, shows in DEMO_EXPECTATIONS.items()
        if shows["assessment_status"] in ("overdue", "due_soon") and mrn not in dealt_with
    )
    assert expected  # the section is not empty in the demo
    rows = overdue.locator("tbody tr[data-mrn]")
    expect(rows).to_have_count(len(expected))
    assert sorted(rows.evaluate_all("rows => rows.map(r => r.dataset.mrn)")) == expected
    expect(page.locator('[data-count="book_scan"]')).to_have_text(str(len(expected)))

    # D1023 missed the booked scan: chased, overdue.
    row = page.locator('section[data-section="chase"] tr[data-mrn="D1023"]')
    expect(row).to_contain_text("Hughes, Deborah")
    expect(row).to_contain_text("Did not attend")
    row.get_by_role("link", name="Hughes, Deborah").click()

    page.wait_for_url(f"{live_server.url}/patients/D1023/")
    expect(page.locator("h1")).to_contain_text("Hughes, Deborah")
    expect(page.locator('[data-field="assessment-status"]')).to_contain_text("overdue")
    chart = page.locator("svg.lvef-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title#lvef-chart-title")).to_have_text("LVEF over time")
    measured = LvefMeasurement.objects.filter(
        patient__mrn="D1023", entered_in_error=False, date__lte=today
    )
    assert measured.exists()
    expect(chart.locator(MARKERS)).to_have_count(measured.count())
    latest = measured.order_by("date", "pk").last()
    # "latest 64% on 5 Jul 2026": plain numbers, one date format (issue 13 item 5).
    expect(chart.locator("desc")).to_contain_text(
        f"latest {number(latest.value)}% on {day(latest.date)}"
    )


def test_lvef_meeting_the_hold_criteria_puts_the_patient_in_the_hold_section(
    active_patient, nurse_page, live_server, nurse, today
):
    page = nurse_page
    page.goto(f"{live_server.url}/")
    hold_section = page.locator('section[data-section="review"]')
    expect(hold_section.locator("h2")).to_contain_text("Review with the oncologist")
    expect(hold_section).to_contain_text("Nobody.")
    expect(hold_section.locator('tr[data-mrn="E2E001"]')).to_have_count(0)

    page.goto(f"{live_server.url}/patients/E2E001/")
    recommendation = page.locator('[data-field="recommendation"]')
    expect(recommendation).to_contain_text("Recommendation: Continue.")
    page.get_by_role("link", name="Record LVEF").click()
    page.wait_for_url(f"{live_server.url}/patients/E2E001/lvef/new/")
    expect(page.locator("h1")).to_have_text(
        re.compile(r"Record an? LVEF measurement")
    )  # "a": see report
    page.fill("#id_date", today.isoformat())
    page.fill("#id_value", "45")
    page.select_option("#id_modality", "echo")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{live_server.url}/patients/E2E001/")
    expect(page.get_by_role("alert").first).to_contain_text("recorded")
    expect(recommendation).to_contain_text("Recommendation: Hold.")
    saved = LvefMeasurement.objects.get(patient=active_patient, date=today)
    assert (saved.value, saved.modality, saved.created_by) == (45, "echo", nurse)

    page.get_by_role("link", name="Worklist", exact=True).click()
    page.wait_for_url(f"{live_server.url}/")
    row = hold_section.locator('tr[data-mrn="E2E001"]')
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Holdsworth, Hana")
    expect(row).to_contain_text(re.compile(r"\b45(\.0)?%"))
    expect(row).to_contain_text("drop 17 points")
    expect(row).to_contain_text("Hold")
    expect(page.locator('[data-count="review"]')).to_have_text("1")
