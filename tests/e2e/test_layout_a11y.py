"""Issue 13 items 1 and 2: every main page fits a desktop (1366 px), a ward tablet (820 px) and a
phone (390 px) without sideways scrolling, and axe-core finds no serious or critical violation
on it at any of the three widths.

PAGES is the list to extend: (name, path, who). A path may name {course}, {lvef}, {hold} or
{patient_pk} of the demo's held patient D1030; who is "staff" (an oncologist, who may record
everything), "admin" (a superuser) or None (not logged in)."""

from __future__ import annotations

import json

import pytest

from .conftest import axe_violations, log_in

WIDTHS = (1366, 820, 390)

PAGES = [
    ("login", "/accounts/login/", None),
    ("worklist", "/", "staff"),
    ("worklist-search", "/?q=caldwell", "staff"),
    ("patient-list", "/patients/", "staff"),
    ("timeline", "/patients/D1030/", "staff"),
    ("timeline-two-courses", "/patients/D1011/", "staff"),
    ("history", "/patients/D1030/history/", "staff"),
    ("flags", "/flags/", "staff"),
    ("patient-create", "/patients/new/", "staff"),
    ("patient-edit", "/patients/D1030/edit/", "staff"),
    ("lvef-create", "/patients/D1030/lvef/new/", "staff"),
    ("lvef-edit", "/patients/D1030/lvef/{lvef}/edit/", "staff"),
    ("lvef-entered-in-error", "/patients/D1030/lvef/{lvef}/entered-in-error/", "staff"),
    ("course-create", "/patients/D1030/courses/new/", "staff"),
    ("cotreatment-create", "/patients/D1030/cotreatments/new/", "staff"),
    ("infusion-create", "/patients/D1030/courses/{course}/infusions/new/", "staff"),
    ("hold-create", "/patients/D1030/courses/{course}/holds/new/", "staff"),
    ("password-change", "/accounts/password_change/", "staff"),
    # Issue 12: the chair list and the follow-through records.
    ("chair", "/chair/", "staff"),
    ("scan-request-create", "/patients/D1030/scans/new/", "staff"),
    ("contact-create", "/patients/D1030/contacts/new/", "staff"),
    ("letter", "/patients/D1030/letter/", "staff"),
    # Issue 14: the quality dashboard and a drill-down.
    ("quality", "/quality/", "staff"),
    ("quality-list", "/quality/Q1/", "staff"),
    # Issue 15: the browser import.
    ("import", "/import/", "admin"),
    ("api-docs", "/api/v1/docs/", "staff"),
    ("admin-scan-requests", "/admin/tracker/scanrequest/", "admin"),
    ("admin-index", "/admin/", "admin"),
    ("admin-patients", "/admin/tracker/patient/", "admin"),
    ("admin-patient", "/admin/tracker/patient/{patient_pk}/change/", "admin"),
]

# Serious axe rules a page may fail because the markup is not ours, with why. Only Swagger UI
# (the API docs, drf-spectacular-sidecar's bundle): each operation's summary is a button-like
# control that holds the copy-path and expand buttons; its DOM is built by the bundle's React
# code, so no template or stylesheet of ours can change it. Everything else on the page must pass.
AXE_EXCLUSIONS = {
    "api-docs": {"nested-interactive"},
}


@pytest.fixture
def demo_ids(demo_clinic):
    from tracker.models import LvefMeasurement, Patient

    held = Patient.objects.get(mrn="D1030")
    course = held.courses.get()
    return {
        "patient_pk": held.pk,
        "course": course.pk,
        "hold": course.holds.first().pk,
        "lvef": LvefMeasurement.objects.filter(patient=held).latest("date").pk,
    }


@pytest.fixture
def open_as(page, live_server, oncologist, superuser, demo_ids):
    def open_as(path: str, who: str | None):
        if who is not None:
            log_in(page, live_server, oncologist.username if who == "staff" else "admin")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        response = page.goto(live_server.url + path.format(**demo_ids))
        assert response.status == 200, f"{path}: HTTP {response.status}"
        return page

    return open_as


def _overflow(page) -> dict:
    """How far the page scrolls sideways, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                 (el.className && typeof el.className === 'string'
                  ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
          return {scroll: document.documentElement.scrollWidth, inner: width, wide};
        }"""
    )


@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page_fits_every_width_and_passes_axe(open_as, name, path, who):
    page = open_as(path, who)
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(50)
        fit = _overflow(page)
        if fit["scroll"] > fit["inner"]:
            problems.append(
                f"{width} px: scrolls sideways ({fit['scroll']} > {fit['inner']}): {fit['wide']}"
            )
        for violation in axe_violations(page):
            if violation["rule"] in AXE_EXCLUSIONS.get(name, ()):
                continue
            problems.append(f"{width} px: axe {json.dumps(violation)}")
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)


def test_worklist_rows_are_labelled_cards_on_a_tablet(open_as):
    page = open_as("/", "staff")
    page.set_viewport_size({"width": 820, "height": 900})
    row = page.locator("section.worklist-section tr[data-mrn]").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    cell = row.locator('td[data-label="Latest LVEF"]')
    label = cell.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"Latest LVEF"'
    # Every cell of every patient table carries its column's label.
    unlabelled = page.locator("table.table-cards tbody td:not([data-label])")
    assert unlabelled.count() == 0
    page.set_viewport_size({"width": 1366, "height": 900})
    assert row.evaluate("el => getComputedStyle(el).display") == "table-row"


def test_navbar_collapses_behind_a_menu_button(open_as):
    page = open_as("/", "staff")
    logout = page.get_by_role("button", name="Log out")
    page.set_viewport_size({"width": 820, "height": 900})
    assert not logout.is_visible()
    page.get_by_role("button", name="Menu").click()
    logout.wait_for(state="visible")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.get_by_role("button", name="Menu").is_hidden()


@pytest.mark.parametrize("path", ["/", "/patients/D1030/", "/accounts/login/"])
def test_skip_link_is_the_first_thing_tab_reaches(open_as, path):
    page = open_as(path, None if "login" in path else "staff")
    first = page.evaluate(
        "() => document.querySelector('a[href], button, input:not([type=hidden]), select,"
        ' textarea, [tabindex]:not([tabindex="-1"])\').textContent.trim()'
    )
    assert first == "Skip to main content"
    if "login" in path:
        return  # the login form focuses its first field itself (autofocus)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.textContent.trim(), location.hash]")
    assert focused[0] == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


def test_an_invalid_submit_focuses_an_error_summary_that_links_to_each_field(open_as):
    page = open_as("/patients/D1030/lvef/new/", "staff")
    page.fill("#id_date", "")
    page.fill("#id_value", "")
    page.get_by_role("button", name="Save").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.id") == "error-summary"
    links = summary.locator("a")
    assert links.count() >= 2
    hrefs = links.evaluate_all("els => els.map(a => a.getAttribute('href'))")
    assert "#id_date" in hrefs and "#id_value" in hrefs
    summary.locator('a[href="#id_value"]').click()
    assert page.evaluate("() => document.activeElement.id") == "id_value"


@pytest.mark.parametrize("width", WIDTHS)
def test_row_actions_are_at_least_44_px_square(open_as, width):
    page = open_as("/patients/D1030/", "staff")
    page.set_viewport_size({"width": width, "height": 900})
    selectors = ["table.history td a", "section .list-group-item a.btn"]
    sizes = []
    for selector in selectors:
        sizes += page.locator(selector).evaluate_all(
            "els => els.map(a => { const r = a.getBoundingClientRect();"
            " return [a.textContent.trim(), r.width, r.height]; })"
        )
    page.goto(page.url.split("/patients/")[0] + "/")
    sizes += page.locator("tr[data-mrn] td a").evaluate_all(
        "els => els.slice(0, 20).map(a => { const r = a.getBoundingClientRect();"
        " return [a.textContent.trim(), r.width, r.height]; })"
    )
    assert len(sizes) > 3
    small = [s for s in sizes if s[1] < 44 or s[2] < 44]
    assert not small, small


def test_navbar_links_are_reachable_without_javascript_on_a_tablet(
    browser, live_server, oncologist, demo_clinic
):
    """Without JavaScript the Menu button cannot open the collapsed navbar (Bootstrap's script):
    below 992 px the links are then shown open and the button hidden (templates/base.html)."""
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 820, "height": 900}, locale="en-GB"
    )
    try:
        page = context.new_page()
        log_in(page, live_server, oncologist.username)
        page.wait_for_url(f"{live_server.url}/")
        for name in ("Worklist", "Patients", "How the tracker decides"):
            link = page.get_by_role("link", name=name, exact=True)
            assert link.is_visible(), name
        assert page.get_by_role("button", name="Log out").is_visible()
        assert not page.get_by_role("button", name="Menu").is_visible()
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], width
        page.get_by_role("link", name="Patients", exact=True).click()
        page.wait_for_url(f"{live_server.url}/patients/")
    finally:
        context.close()
