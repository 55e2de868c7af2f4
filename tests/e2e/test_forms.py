"""What the data-entry forms offer before anything is typed."""

from playwright.sync_api import expect


def test_dates_are_date_pickers_that_start_on_today(active_patient, nurse_page, live_server, today):
    course = active_patient.courses.get()
    page = nurse_page
    for path, heading in (
        ("lvef/new/", "LVEF measurement"),
        (f"courses/{course.pk}/infusions/new/", "Record an infusion"),
    ):
        page.goto(f"{live_server.url}/patients/E2E001/{path}")
        expect(page.locator("h1")).to_contain_text(heading)
        date = page.locator("#id_date")
        expect(date).to_have_attribute("type", "date")
        expect(date).to_have_value(today.isoformat())
        expect(page.locator("#id_notes")).to_have_attribute("rows", "2")
