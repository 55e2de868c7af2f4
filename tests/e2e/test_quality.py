"""The quality page in Chromium at desktop and tablet widths (issue 14 item 3): every measure,
the published figures beside the clinic's, the trend, and a drill-down to the patients."""

import pytest
from playwright.sync_api import expect

from tracker.monitoring.quality import MEASURE_IDS
from tracker.selectors.quality import clear_cache, last_complete_quarter


@pytest.fixture(autouse=True)
def _fresh_quality_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.mark.parametrize("width", [1366, 820])
def test_quality_page_shows_every_measure_the_published_figures_the_trend_and_a_drill_down(
    demo_clinic, nurse_page, live_server, today, width
):
    page = nurse_page
    page.set_viewport_size({"width": width, "height": 900})
    menu = page.get_by_role("button", name="Menu")
    if menu.is_visible():  # the navbar collapses below 992 px (issue 13 item 1)
        menu.click()
    page.get_by_role("link", name="Quality", exact=True).click()
    page.wait_for_url(f"{live_server.url}/quality/")
    expect(page).to_have_title("Quality · HER2 cardiac monitoring")
    expect(page.locator("h1")).to_contain_text(last_complete_quarter(today).label)

    cards = page.locator("section[data-measure]")
    expect(cards).to_have_count(len(MEASURE_IDS))
    for measure_id in MEASURE_IDS:
        card = page.locator(f'section[data-measure="{measure_id}"]')
        expect(card.locator("h2")).to_contain_text(f"({measure_id})")
        expect(card.locator('[data-field="figure"]')).to_be_visible()
        expect(card.locator("svg.quality-trend")).to_be_visible()
        expect(card.locator("svg.quality-bars")).to_be_visible()

    q2 = page.locator('section[data-measure="Q2"] svg.quality-bars')
    for figure in ("36%", "46.2%", "63.1%"):
        expect(q2).to_contain_text(figure)
    expect(page.locator('section[data-measure="Q1"] svg.quality-bars')).to_contain_text("88.7%")
    expect(page.locator('section[data-measure="Q5"] svg.quality-bars')).to_contain_text("78%")
    expect(page.locator('[data-table="published"]')).to_contain_text("NCCN QIM19-132")
    expect(page.locator('[data-table="trend"] tbody tr')).to_have_count(8)

    # The cards sit side by side on a desktop, one under the other on a tablet.
    first, second = (cards.nth(i).bounding_box() for i in (0, 1))
    assert (second["y"] == first["y"]) if width >= 992 else (second["y"] > first["y"])
    # Every card fits the window (the navbar's own width is the layout's, not this page's).
    for index in range(cards.count()):
        box = cards.nth(index).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width

    link = page.locator("[data-drilldown]").first
    measure_id = link.get_attribute("data-drilldown")
    link.click()
    page.wait_for_url(f"{live_server.url}/quality/{measure_id}/**")
    expect(page.locator("h1")).to_contain_text(f"({measure_id})")
    rows = page.locator('[data-table="drilldown"] tbody tr[data-mrn]')
    assert rows.count() >= 1
    first_row = rows.first
    expect(first_row.locator('td[data-label="Why"]')).to_contain_text(f"({measure_id})")
    mrn = first_row.get_attribute("data-mrn")
    first_row.locator('td[data-label="Patient"] a').click()
    page.wait_for_url(f"{live_server.url}/patients/{mrn}/")
