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


def _long_history_patient():
    """40 LVEFs over 5 years, 3 holds and 2 courses (issue 13 item 16: the referral sheet)."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import (
        CourseFactory,
        HoldFactory,
        InfusionFactory,
        LvefFactory,
        PatientFactory,
    )

    today = timezone.localdate()

    def ago(n):
        return today - timedelta(days=n)

    patient = PatientFactory(mrn="LONG40", family_name="Longhistory", given_name="Agnes")
    first = CourseFactory(
        patient=patient, planned_start=ago(1800), end_date=ago(1450), end_reason="completed"
    )
    for n in range(1800, 1450, -21):
        InfusionFactory(course=first, date=ago(n))
    second = CourseFactory(patient=patient, planned_start=ago(400), agent="trastuzumab_sc")
    for n in range(400, 10, -21):
        InfusionFactory(course=second, date=ago(n))
    HoldFactory(course=first, start=ago(1700), end=ago(1670), reason="cardiac")
    HoldFactory(course=second, start=ago(300), end=ago(280), reason="other")
    HoldFactory(course=second, start=ago(200), end=ago(170), reason="cardiac")
    values = [62, 58, 55, 49, 52, 60, 61, 57, 54, 59]
    for i in range(40):
        LvefFactory(
            patient=patient,
            date=ago(1810 - i * 45),
            value=values[i % len(values)],
            modality=("echo", "muga", "cmr")[i % 3] if i % 4 == 0 else "echo",
        )
    return patient


def test_printed_timeline_of_a_long_history_is_one_a4_page(staff_page, live_server):
    """40 LVEFs, 3 holds, 2 courses: still one A4 sheet, with every row (issue 13 item 16)."""
    _long_history_patient()
    page = staff_page
    page.goto(f"{live_server.url}/patients/LONG40/")
    page.emulate_media(media="print")
    assert page.locator(".print-lvef tbody tr").count() == 40
    assert page.locator(".print-holds tbody tr").count() == 3
    assert page.locator(".print-courses tbody tr").count() == 2
    pdf = page.pdf(format="A4", print_background=True)
    assert _pdf_pages(pdf) == 1


def test_printed_worklist_opens_the_collapsed_booked_section(staff_page, live_server):
    """Issue 12 item 5: Booked is collapsed on screen; on paper it is shown like every section."""
    page = staff_page
    booked = page.locator("details#booked")
    body = booked.locator("table, .card-body").first
    assert booked.evaluate("d => d.open") is False and not body.is_visible()
    page.emulate_media(media="print")
    page.wait_for_function("() => document.querySelector('details#booked').open")
    assert body.is_visible()
    page.emulate_media(media="screen")
    page.wait_for_function("() => !document.querySelector('details#booked').open")


def test_printed_worklist_shows_the_booked_rows_in_chromiums_print(staff_page, live_server):
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
