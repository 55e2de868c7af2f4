"""Browser tests: headless Debian Chromium driven by Playwright against pytest-django's live
server. Every test here is marked ``e2e``; without Chromium they are skipped (and the terminal
summary says so), unless REQUIRE_BROWSER=1 (CI), where a missing browser fails each of them.
E2E_CHROMIUM names another Chromium binary than /usr/bin/chromium."""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread; Django refuses ORM calls from
# a thread with a running loop unless told otherwise. The live server runs in its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
MISSING_REASON = "Chromium not installed: apt-get install chromium chromium-driver"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct-horse-battery"


def _is_e2e(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(E2E_DIR)


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    # Called with every collected item of the session, not only this folder's.
    missing = not CHROMIUM.exists()
    for item in items:
        if not _is_e2e(item):
            continue
        item.add_marker(pytest.mark.e2e)
        if missing and not _browser_required():
            item.add_marker(pytest.mark.skip(reason=MISSING_REASON))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if _is_e2e(item) and _browser_required() and not CHROMIUM.exists():
        pytest.fail(f"REQUIRE_BROWSER=1 but {CHROMIUM} is missing. {MISSING_REASON}", pytrace=False)


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if MISSING_REASON in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_line(
            f"e2e: {len(skipped)} browser test(s) SKIPPED. {MISSING_REASON} "
            "(set REQUIRE_BROWSER=1 to make this a failure)",
            yellow=True,
            bold=True,
        )


# --- Playwright --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright's own browser download cannot work here."""
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Replaces pytest-playwright's own (a method fixture pytest 9 warns about): page.goto("/")
    goes to the live server."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A British clinic's browser: en-GB dates, London time, a laptop-sized window."""
    return {
        **browser_context_args,
        "locale": "en-GB",
        "timezone_id": "Europe/London",
        "viewport": {"width": 1366, "height": 768},
    }


def _is_favicon(url: str) -> bool:
    # Browsers ask for /favicon.ico on their own; the app has none (a known, harmless 404).
    return url.endswith("/favicon.ico")


@pytest.fixture
def page(context):
    """A page (in a fresh context per test) that fails the test on a JavaScript error, a console
    error (a Content-Security-Policy violation shows up there), a server error or an asset that
    does not load."""
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []

    def on_console(message):
        # A failed load is reported by on_response, with its URL.
        # A message from no URL comes from a script the test evaluated (axe-core), not the page.
        from_test = not message.location.get("url")
        if (
            message.type == "error"
            and "Failed to load resource" not in message.text
            and not from_test
        ):
            problems.append(f"console {message.type}: {message.text}")

    def on_response(response):
        # A page's own 403 or 404 is checked by what the test expects to read on it; a server
        # error, or a stylesheet or other asset that fails to load, is always a problem.
        document = response.request.resource_type == "document"
        if response.status >= 500 or (
            response.status >= 400 and not document and not _is_favicon(response.url)
        ):
            problems.append(f"HTTP {response.status} for {response.url}")

    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


# --- axe-core (issue 13 item 2) -------------------------------------------------------------------

AXE = E2E_DIR.parent.parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = "axe-core not installed: run `npm ci` at the repository root"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """The axe-core violations of the page as it stands, of the given impacts, each as a short
    dict (rule, impact, help and the first few elements). axe-core comes from npm (package.json,
    test tooling only, never served to users); without it the test is skipped, or fails under
    REQUIRE_BROWSER=1 (CI)."""
    if not AXE.exists():
        if _browser_required():
            pytest.fail(f"REQUIRE_BROWSER=1 but {AXE} is missing. {AXE_MISSING}", pytrace=False)
        pytest.skip(AXE_MISSING)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # The Content-Security-Policy (script-src 'self') refuses the inline <script> that
        # page.add_script_tag would add; an evaluation through the DevTools protocol is not
        # subject to it, and the page's own CSP stays as strict as users get it.
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
          return r.violations.map(v => ({rule: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' +
              (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 160))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


# --- people and data -----------------------------------------------------------------------------


def staff(username: str, first_name: str, last_name: str, role: str | None = None, **extra):
    """A clinic staff account in the group of ``role`` (tracker/roles.py; the groups survive
    the flush between live-server tests through post_migrate)."""
    from tests.factories import UserFactory

    return UserFactory(
        username=username,
        first_name=first_name,
        last_name=last_name,
        password=PASSWORD,
        roles=[role] if role else None,
        **extra,
    )


@pytest.fixture
def nurse(transactional_db):
    return staff("nurse", "Nora", "Navigator", role="nurse")


@pytest.fixture
def oncologist(transactional_db):
    return staff("oncologist", "Olu", "Oncologist", role="oncologist")


@pytest.fixture
def superuser(transactional_db):
    return staff("admin", "Alex", "Admin", is_superuser=True)


def log_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Through the real login form."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in", exact=True).click()


@pytest.fixture
def nurse_page(page, live_server, nurse):
    """The page, logged in as the nurse, on the worklist."""
    log_in(page, live_server, nurse.username)
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def demo_clinic(transactional_db, today):
    """The demo of `make run` (seed_demo), dated relative to today: the patients of
    devdata.demo through the real import, then their scan requests, reviews and contacts
    (issue 12's "every state of every new record"), recorded by demo staff whose usernames
    leave nurse / oncologist / admin to the fixtures above."""
    from devdata.demo import demo_document
    from tracker.interchange import import_document
    from tracker.management.commands.seed_demo import DEMO_STAFF, load_demo_workflow
    from tracker.services import import_actor

    result = import_document(demo_document(today), actor=import_actor())
    demo_staff = {
        username: staff(f"demo-{username}", first, last, role=role)
        for username, first, last, role in DEMO_STAFF
        if role
    }
    load_demo_workflow(today, demo_staff)
    return result


@pytest.fixture
def active_patient(transactional_db, today):
    """On adjuvant trastuzumab every 3 weeks for 9 weeks (three infusions, the last 3 weeks ago,
    so one is due today); baseline LVEF 62% by echo a week before the first infusion. Status:
    active, continue, assessment not yet due."""
    from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory

    patient = PatientFactory(
        mrn="E2E001", given_name="Hana", family_name="Holdsworth", date_of_birth=date(1967, 5, 14)
    )
    first = today - timedelta(days=63)
    course = CourseFactory(patient=patient, planned_start=first)
    for index, weeks in enumerate((9, 6, 3)):
        InfusionFactory(
            course=course,
            date=today - timedelta(weeks=weeks),
            dose_mg=Decimal("480") if index == 0 else Decimal("360"),
            loading_dose=index == 0,
            duration_minutes=90 if index == 0 else 30,
        )
    LvefFactory(patient=patient, date=first - timedelta(days=7), value=Decimal("62"))
    return patient
