"""Issue 13 items 16 and 17 (print): the printed timeline is one A4 page holding every LVEF,
the holds and the courses, with the chart's points labelled; the printed worklist fits the page
width with every column and no search box."""

import re

import pytest

from .conftest import log_in

A4_CONTENT_PX = 703  # 210 mm less 2 x 12 mm margins (tracker.css @page), at 96 px per inch


def _pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


@pytest.fixture
def staff_page(page, live_server, oncologist, demo_clinic):
    log_in(page, live_server, oncologist.username)
    page.wait_for_url(f"{live_server.url}/")
    return page


def test_printed_timeline_is_one_a4_page_with_every_lvef_hold_and_course(staff_page, live_server):
    from tracker.models import LvefMeasurement, Patient

    page = staff_page
    held = Patient.objects.get(mrn="D1030")
    page.goto(f"{live_server.url}/patients/D1030/")
    page.emulate_media(media="print")
    summary = page.locator(".print-summary")
    assert summary.is_visible()
    lvefs = LvefMeasurement.objects.filter(patient=held, entered_in_error=False).count()
    assert page.locator(".print-lvef tbody tr").count() == lvefs
    assert "baseline" in page.locator(".print-lvef").inner_text()
    assert "drop" in page.locator(".print-lvef").inner_text()
    assert page.locator(".print-holds tbody tr").count() == sum(
        c.holds.filter(entered_in_error=False).count() for c in held.courses.all()
    )
    assert page.locator(".print-courses tbody tr").count() == held.courses.count()
    assert page.locator(".lvef-chart .point-value").count() == lvefs
    assert page.locator(".lvef-chart .point-value").first.is_visible()
    assert _pdf_pages(page.pdf(format="A4", prefer_css_page_size=True)) == 1


def test_print_summary_is_not_on_screen(staff_page, live_server):
    page = staff_page
    page.goto(f"{live_server.url}/patients/D1030/")
    assert not page.locator(".print-summary").is_visible()


def test_printed_worklist_fits_the_page_with_every_column_and_no_search(staff_page, live_server):
    page = staff_page
    page.set_viewport_size({"width": A4_CONTENT_PX, "height": 1000})
    page.emulate_media(media="print")
    assert not page.locator("#id_q").is_visible()
    head = page.locator("section.worklist-section table thead").first
    assert head.is_visible()
    # Every column but the row's action buttons (issue 12), which paper cannot press.
    shown = [th.inner_text() for th in head.locator("th").all() if th.is_visible()]
    assert shown == [
        "Patient",
        "Why",
        "Next assessment",
        "Latest LVEF",
        "Recommendation",
        "Work done",
    ]
    assert (
        page.locator("section.worklist-section tr[data-mrn]").first.evaluate(
            "el => getComputedStyle(el).display"
        )
        == "table-row"
    )
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_printed_worklist_opens_the_collapsed_booked_section(staff_page, live_server):
    """The Booked section is collapsed on screen (issue 12 item 5); printed, its rows show
    (print-open.js on beforeprint), and it is collapsed again after the print."""
    page = staff_page
    page.goto(f"{live_server.url}/")
    booked = page.locator('details[data-section="booked"]')
    assert booked.get_attribute("open") is None
    first = booked.locator("tbody tr[data-mrn]").first
    assert not first.is_visible()
    # What a later beforeprint listener sees, during Chromium's own print (page.pdf()).
    page.evaluate(
        """() => window.addEventListener("beforeprint", () => {
            const d = document.querySelector('details[data-section="booked"]');
            window.bookedRowsWhilePrinting = d.open
              ? d.querySelectorAll("tbody tr[data-mrn]").length : 0;
        })"""
    )
    page.pdf(format="A4")
    assert page.evaluate("window.bookedRowsWhilePrinting") > 0
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert first.is_visible()
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not first.is_visible()
