"""The chair list in the browser (issue 12 item 6): the demo patients expected today, each with
stop / check / go and the reason in words; printing gives one page."""

import re

from playwright.sync_api import expect

from tracker.selectors.chair import chair_list


def test_the_chair_list_shows_stop_check_go_for_the_demo_patients(
    demo_clinic, nurse_page, live_server, today
):
    page = nurse_page
    page.get_by_role("link", name="Chair list").click()
    page.wait_for_url(f"{live_server.url}/chair/")
    expect(page.locator("h1")).to_contain_text("Chair list")
    expect(page.locator("h1")).to_contain_text("(today)")

    expected = {row.mrn: row.entry for row in chair_list(today).rows}
    states = {entry.state for entry in expected.values()}
    assert states == {"stop", "check", "go"}, "the demo shows every state"
    rows = page.locator("table.chair-table tbody tr[data-mrn]")
    expect(rows).to_have_count(len(expected))
    shown = rows.evaluate_all("rows => rows.map(r => [r.dataset.mrn, r.dataset.state])")
    assert dict(shown) == {mrn: str(entry.state) for mrn, entry in expected.items()}
    # Most urgent first.
    order = [state for _, state in shown]
    assert order == sorted(order, key=["stop", "check", "go"].index)
    for mrn, entry in expected.items():
        row = page.locator(f'tr[data-mrn="{mrn}"]')
        expect(row.locator('[data-label="Safe to dose?"]')).to_have_text(entry.state.upper())
        expect(row.locator('[data-label="Why"]')).to_contain_text(entry.reasons[0].text)
    stop = page.locator('tr[data-state="stop"]').first
    expect(stop).to_contain_text("do not give the next dose until a doctor has reviewed")
    expect(page.locator('tr[data-state="go"]').first).to_contain_text(
        "No hold, the heart scans are up to date and no loading dose is due."
    )


def test_the_chair_list_prints_on_one_page(demo_clinic, nurse_page, live_server):
    page = nurse_page
    page.goto(f"{live_server.url}/chair/")
    # The page's own print stylesheet (A4 landscape, chair.css) decides the size.
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"{pages} pages"


def test_a_bad_day_is_named_and_today_is_shown(demo_clinic, nurse_page, live_server, today):
    page = nurse_page
    page.goto(f"{live_server.url}/chair/?day=2026-02-30")
    expect(page.get_by_role("alert").first).to_contain_text("Day: ")
    expect(page.get_by_role("alert").first).to_contain_text("The list shows today instead.")
    expect(page.locator("#id_day")).to_have_value(today.isoformat())
