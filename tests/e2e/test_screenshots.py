"""Every page once, as the clinic's roles see it: each must show its own heading and raise no
browser error. With SCREENSHOT_DIR set, a full-page PNG of each is saved there, numbered in
visiting order, for a person to look at."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devdata.demo import DEMO_EXPECTATIONS
from tracker.models import LvefMeasurement, Patient

from .conftest import log_in


@pytest.fixture
def shoot(page):
    folder = os.environ.get("SCREENSHOT_DIR")
    taken = []
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)

    def shoot(name: str, heading: str | re.Pattern | None):
        if heading is not None:
            expect(page.locator("h1", has_text=heading).first).to_be_visible()
        taken.append(name)
        if folder:
            path = Path(folder) / f"{len(taken):02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)

    return shoot


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))


def test_every_page(demo_clinic, nurse, oncologist, superuser, page, live_server, shoot, today):
    url = live_server.url
    held = Patient.objects.get(mrn="D1030")  # held, hold, due soon, high risk: a busy timeline
    course = held.courses.get()
    lvef = LvefMeasurement.objects.filter(patient=held).latest("date")

    page.goto(f"{url}/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/$"))
    shoot("login", "Log in")
    log_in(page, live_server, nurse.username, "wrong password")
    expect(page.locator(".alert-danger")).to_be_visible()
    shoot("login-error", "Log in")

    # The oncologist's role may record everything: every page and form.
    log_in(page, live_server, oncologist.username)
    page.wait_for_url(f"{url}/")
    shoot("worklist", "Worklist")
    page.goto(f"{url}/?q=okafor")
    expect(page.locator("h1")).to_contain_text("1 patient matching “okafor”")
    shoot("worklist-search", "Worklist")
    page.goto(f"{url}/patients/")
    expect(page.locator("tbody tr[data-mrn]")).to_have_count(len(DEMO_EXPECTATIONS))
    shoot("patient-list", "Patients")
    page.goto(f"{url}/patients/?recommendation=hold&phase=bogus")
    expect(page.locator(".alert-danger")).to_contain_text("bogus")
    holds = [mrn for mrn, shows in DEMO_EXPECTATIONS.items() if shows["recommendation"] == "hold"]
    expect(page.locator("tbody tr[data-mrn]")).to_have_count(len(holds))
    shoot("patient-list-filtered", "Patients")

    page.goto(f"{url}/patients/D1030/")
    expect(page.locator("svg.lvef-chart rect.hold")).not_to_have_count(0)
    shoot("timeline-held", "Caldwell, Susan")
    page.goto(f"{url}/patients/D1011/")  # metastatic, second-line: two courses
    shoot("timeline-two-courses", "Lefebvre, Anne")
    page.goto(f"{url}/patients/D1022/")  # no course yet
    shoot("timeline-no-course", "Saleh, Amira")
    page.goto(f"{url}/patients/D1030/")
    page.get_by_role("link", name="Change history").click()
    shoot("change-history", "Change history")

    forms = [
        ("patients/new/", "patient-create", "Add a patient"),
        ("patients/D1030/edit/", "patient-edit", "Edit patient details"),
        ("patients/D1030/lvef/new/", "lvef-create", "LVEF measurement"),
        ("patients/D1030/courses/new/", "course-create", "treatment course"),
        ("patients/D1030/cotreatments/new/", "cotreatment-create", "co-treatment"),
        (f"patients/D1030/courses/{course.pk}/infusions/new/", "infusion-create", "infusion"),
        (f"patients/D1030/courses/{course.pk}/holds/new/", "hold-create", "treatment hold"),
        (f"patients/D1030/lvef/{lvef.pk}/edit/", "lvef-edit", "Edit LVEF measurement"),
        (
            f"patients/D1030/lvef/{lvef.pk}/entered-in-error/",
            "lvef-entered-in-error",
            "Mark LVEF measurement as entered in error",
        ),
    ]
    for path, name, heading in forms:
        page.goto(f"{url}/{path}")
        expect(page.locator("main form button[type=submit]")).to_be_visible()
        shoot(name, heading)

    # A form sent empty, and an infusion the rules warn about.
    page.goto(f"{url}/patients/D1030/lvef/new/")
    page.fill("#id_date", "")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shoot("lvef-create-errors", "LVEF measurement")
    page.goto(f"{url}/patients/D1030/courses/{course.pk}/infusions/new/")
    page.fill("#id_date", (today - timedelta(days=1)).isoformat())
    page.fill("#id_dose_mg", "420")
    page.fill("#id_weight_kg", "70")
    page.fill("#id_duration_minutes", "30")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".infusion-warnings")).to_be_visible()
    shoot("infusion-warnings", "infusion")

    page.goto(f"{url}/flags/")
    expect(page.locator("tbody tr")).not_to_have_count(0)
    shoot("flags", "How the tracker decides")
    page.goto(f"{url}/accounts/password_change/")
    shoot("password-change", "Change your password")
    page.goto(f"{url}/patients/NOSUCH/")
    shoot("not-found", "Not found")
    page.goto(f"{url}/patients/D1029/")
    page.locator('table.history tr[data-kind="lvef"]').first.get_by_role(
        "link", name="Entered in error"
    ).click()
    page.fill("#id_reason", "Report of another patient, scanned into the wrong record")
    page.get_by_role("button", name="Mark entered in error").click()
    expect(page.locator("tr.entered-in-error-row")).to_have_count(1)
    shoot("timeline-entered-in-error", "Foster, Linda")
    log_out(page)

    # The nurse's role records neither courses nor holds.
    log_in(page, live_server, nurse.username)
    page.goto(f"{url}/patients/D1030/")
    expect(page.get_by_role("link", name="Record infusion")).to_be_visible()
    expect(page.get_by_role("link", name="Add hold")).to_have_count(0)
    shoot("timeline-as-nurse", "Caldwell, Susan")
    page.goto(f"{url}/patients/D1030/courses/{course.pk}/holds/new/")
    shoot("hold-create-as-nurse", "Not allowed")
    page.goto(f"{url}/admin/")
    expect(page.locator("main")).to_contain_text("You are authenticated as nurse, but are not")
    shoot("admin-as-nurse", None)
    page.goto(f"{url}/")
    log_out(page)

    log_in(page, live_server, superuser.username)
    page.goto(f"{url}/admin/")
    expect(page.get_by_role("link", name="Patients").first).to_be_visible()
    shoot("admin-index", "Site administration")
    page.goto(f"{url}/admin/tracker/patient/")
    shoot("admin-patients", "patient")
