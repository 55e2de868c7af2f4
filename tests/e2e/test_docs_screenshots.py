"""The screenshots of the README (issue 13): the worklist, a timeline and a form on a ward
tablet (820 px wide), from the demo clinic. Each page must fit the width; with
DOCS_SCREENSHOTS=1 the PNGs are written to docs/screenshots/ (then committed)."""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from .conftest import log_in

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = (
    ("worklist-820.png", "/", "Worklist"),
    ("timeline-820.png", "/patients/D1030/", "Caldwell, Susan"),
    ("lvef-form-820.png", "/patients/D1030/lvef/new/", "LVEF"),
)


def test_the_readme_screenshots_at_tablet_width(demo_clinic, oncologist, page, live_server):
    page.set_viewport_size({"width": 820, "height": 1180})
    log_in(page, live_server, oncologist.username)
    page.wait_for_url(re.compile(r"/$"))
    for name, path, heading in SHOTS:
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("h1", has_text=heading).first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 820, (path, width)
        if os.environ.get("DOCS_SCREENSHOTS") == "1":
            DOCS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS / name), full_page=False)
