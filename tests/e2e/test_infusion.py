"""Recording an infusion when the rules say stop: a warning first, nothing saved until confirmed."""

import re
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.factories import HoldFactory, LvefFactory
from tracker.models import Infusion
from tracker.monitoring.wording import day


def test_infusion_on_hold_is_warned_about_and_saved_only_when_confirmed(
    active_patient, nurse_page, live_server, nurse, today
):
    # A week ago the LVEF fell from 62% to 45%: 17 points, below the LLN. The rules say hold.
    LvefFactory(patient=active_patient, date=today - timedelta(days=7), value=Decimal("45"))
    course = active_patient.courses.get()
    before = Infusion.objects.count()

    page = nurse_page
    page.goto(f"{live_server.url}/patients/E2E001/")
    expect(page.locator('[data-field="recommendation"]')).to_contain_text("Hold")
    page.get_by_role("link", name="Record infusion").click()
    page.wait_for_url(f"{live_server.url}/patients/E2E001/courses/{course.pk}/infusions/new/")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_dose_mg", "360")
    page.fill("#id_weight_kg", "60")
    page.fill("#id_duration_minutes", "30")
    page.get_by_role("button", name="Save").click()

    warnings = page.locator(".infusion-warnings")
    expect(warnings).to_be_visible()
    expect(warnings).to_contain_text("Check before recording this infusion")
    expect(warnings).to_contain_text("The recommendation is not to give this dose.")
    expect(warnings).to_contain_text("Nothing has been saved yet.")
    # The form keeps what was typed.
    expect(page.locator("#id_dose_mg")).to_have_value("360")
    expect(page.locator("#id_date")).to_have_value(today.isoformat())
    assert Infusion.objects.count() == before

    # "Record anyway" needs a reason (issue 13 item 11).
    page.get_by_role("button", name="Record anyway").click()
    expect(page.locator("#id_override_reason").locator("..")).to_contain_text(
        "Give the reason for recording this infusion despite the warnings."
    )
    assert Infusion.objects.count() == before
    page.fill("#id_override_reason", "Oncologist reviewed the LVEF: continue")
    page.get_by_role("button", name="Record anyway").click()

    page.wait_for_url(f"{live_server.url}/patients/E2E001/")
    expect(page.get_by_role("alert").first).to_contain_text("Infusion recorded")
    assert Infusion.objects.count() == before + 1
    saved = Infusion.objects.get(course=course, date=today)
    assert (saved.dose_mg, saved.duration_minutes, saved.created_by) == (
        Decimal("360"),
        30,
        nurse,
    )
    newest = page.locator('table.history tbody tr[data-kind="infusions"]').first
    expect(newest).to_contain_text(day(today))  # "2 Dec 2026" (issue 13 item 5)
    expect(newest).to_contain_text("360")
    expect(newest).to_contain_text(
        "recorded despite the warnings: Oncologist reviewed the LVEF: continue"
    )


def test_infusion_inside_an_open_hold_is_warned_about(
    active_patient, nurse_page, live_server, today
):
    course = active_patient.courses.get()
    HoldFactory(course=course, start=today - timedelta(days=5), end=None, reason="other")
    before = Infusion.objects.count()

    page = nurse_page
    page.goto(f"{live_server.url}/patients/E2E001/courses/{course.pk}/infusions/new/")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_dose_mg", "360")
    page.fill("#id_weight_kg", "60")
    page.fill("#id_duration_minutes", "30")
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".infusion-warnings")).to_contain_text("hold", timeout=2_000)
    assert Infusion.objects.count() == before


def test_a_cardiac_hold_shows_on_opening_and_the_warning_is_red(
    active_patient, nurse_page, live_server, today
):
    """Issue 13 item 11: the open hold is on the form when it opens; the warning is red and in
    words; "Record anyway" keeps its reason with the infusion."""
    LvefFactory(patient=active_patient, date=today - timedelta(days=9), value=Decimal("37"))
    course = active_patient.courses.get()
    HoldFactory(course=course, start=today - timedelta(days=7), end=None, reason="cardiac")
    words = (
        f"LVEF 37% on {day(today - timedelta(days=9))} — do not give the next dose until a "
        "doctor has reviewed."
    )

    page = nurse_page
    page.goto(f"{live_server.url}/patients/E2E001/courses/{course.pk}/infusions/new/")
    opening = page.locator("[data-notes]")
    expect(opening).to_contain_text("Treatment is on hold for the heart since")
    expect(opening).to_contain_text(words)
    expect(opening).to_contain_text("Recommendation: Hold treatment.")
    page.fill("#id_date", today.isoformat())
    page.fill("#id_dose_mg", "360")
    page.get_by_role("button", name="Save").click()

    warnings = page.locator(".infusion-warnings")
    expect(warnings).to_have_class(re.compile(r"\balert-danger\b"))
    red = warnings.locator("li[data-danger]", has_text=words)
    expect(red).to_have_count(1)
    colour = red.evaluate("el => getComputedStyle(el).color")
    assert colour.startswith("rgb(") and int(colour[4:].split(",")[0]) > 150  # red
    page.fill("#id_override_reason", "Cardiology saw her today: continue")
    page.get_by_role("button", name="Record anyway").click()
    page.wait_for_url(f"{live_server.url}/patients/E2E001/")
    saved = Infusion.objects.get(course=course, date=today)
    assert saved.override_reason == "Cardiology saw her today: continue"
