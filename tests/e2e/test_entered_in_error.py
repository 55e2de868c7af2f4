"""Taking a record back: it stays, struck through, with the reason."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.factories import LvefFactory
from tracker.models import LvefMeasurement

FORTY_ONE = re.compile(r"\b41(\.0)?% by Echocardiogram")  # however the app prints the decimal
REASON = "Scan belonged to another patient (bed 4)"


def test_lvef_marked_entered_in_error_is_struck_through_with_its_reason(
    active_patient, nurse_page, live_server, nurse, today
):
    wrong = LvefFactory(patient=active_patient, date=today - timedelta(days=5), value=Decimal("41"))
    page = nurse_page
    page.goto(f"{live_server.url}/patients/E2E001/")
    expect(page.locator('[data-field="recommendation"]')).to_contain_text("Hold")
    expect(page.locator("svg.lvef-chart circle.marker-echo")).to_have_count(2)

    row = page.locator('table.history tr[data-kind="lvef"]', has_text=FORTY_ONE)
    row.get_by_role("link", name="Entered in error").click()
    page.wait_for_url(f"{live_server.url}/patients/E2E001/lvef/{wrong.pk}/entered-in-error/")
    expect(page.locator("h1")).to_have_text("Mark LVEF measurement as entered in error")
    expect(page.get_by_text("Nothing is deleted.")).to_be_visible()
    page.fill("#id_reason", REASON)
    page.get_by_role("button", name="Mark entered in error").click()

    page.wait_for_url(f"{live_server.url}/patients/E2E001/")
    expect(page.get_by_role("alert").first).to_contain_text("marked entered in error")
    row = page.locator('table.history tr[data-kind="lvef"]', has_text=FORTY_ONE)
    expect(row).to_have_class("entered-in-error-row")
    struck = row.locator(".entered-in-error")
    expect(struck).to_have_count(3)
    expect(struck.nth(1)).to_have_text("LVEF")
    expect(struck.nth(2)).to_contain_text(FORTY_ONE)
    expect(struck.nth(2)).to_have_css("text-decoration-line", "line-through")
    expect(row).to_contain_text(f"Entered in error: {REASON} (Nora Navigator,")
    expect(row.get_by_role("link", name="Entered in error")).to_have_count(0)
    expect(row.get_by_role("link", name="Edit")).to_have_count(0)

    # The record stays, but the rules and the chart no longer count it.
    wrong.refresh_from_db()
    assert (wrong.entered_in_error, wrong.entered_in_error_reason) == (True, REASON)
    assert wrong.entered_in_error_by == nurse
    assert LvefMeasurement.objects.filter(patient=active_patient).count() == 2
    expect(page.locator("svg.lvef-chart circle.marker-echo")).to_have_count(1)
    expect(page.locator('[data-field="recommendation"]')).to_contain_text("Continue")
