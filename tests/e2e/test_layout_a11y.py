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
    ("admin-index", "/admin/", "admin"),
    ("admin-patients", "/admin/tracker/patient/", "admin"),
    ("admin-patient", "/admin/tracker/patient/{patient_pk}/change/", "admin"),
]


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
            problems.append(f"{width} px: axe {json.dumps(violation)}")
    assert not problems, f"{name} ({path}):\n" + "\n".join(problems)
