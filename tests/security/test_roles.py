"""Every URL × logged out and each role: logged out → login, not allowed → 403, allowed → works
(and shows or saves what it should).

The rows are checked against the URL resolver: every URL name of the project (and every record
kind of the `<kind>` routes) needs a row, and every row must still resolve, so a new URL fails
`test_every_url_has_a_row` until someone writes down which roles may use it. Skipped, because
other tests cover them:
- the admin (`admin:` namespace, and `admin/password_change/`, the account pages' password
  change): its own rows below (`admin*`: logged out → login, every clinical role refused, the
  administrator allowed) and tests/integration/test_admin.py;
- the account pages under `accounts/` (log-in, log-out, password change ...): they must work
  logged out or are the login flow itself; tests/integration/test_auth.py and
  tests/security/test_sessions.py;
- static files (`django.views.static`, only when DEBUG serves them): no patient data;
- the health checks `healthz` and `readyz`: public by design, no patient data;
  tests/integration/test_health.py;
- the FHIR API under `api/fhir/`: 401/403 as OperationOutcomes, tests/security/test_fhir_roles.py.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils import timezone

from tests.factories import (
    ContactFactory,
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    ReviewFactory,
    ScanRequestFactory,
    UserFactory,
)
from tests.integration.test_views import active_patient
from tracker import views
from tracker.models import (
    ContactLog,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    RecommendationReview,
    ScanRequest,
    TreatmentCourse,
    TreatmentHold,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ROLES = ("oncologist", "nurse", "cardiology", "viewer")
# The personas of tests/conftest.py; a superuser holds every permission, so every row allows
# the administrator, and the admin rows allow only the administrator.
PERSONAS = ("administrator", *ROLES)


@pytest.fixture
def chart(db):
    patient = PatientFactory(mrn="A1001", date_of_birth=date(1960, 1, 1))
    course = CourseFactory(patient=patient, planned_start=TODAY - timedelta(days=30))
    return {
        "patient": patient,
        "course": course,
        "infusion": InfusionFactory(course=course, date=TODAY - timedelta(days=30)),
        "hold": HoldFactory(
            course=course, start=TODAY - timedelta(days=2), end=TODAY - timedelta(days=1)
        ),
        "lvef": LvefFactory(patient=patient, date=TODAY - timedelta(days=40)),
        "cotreatment": CoTreatmentFactory(patient=patient),
        # Issue 12: the follow-through; A1002's LVEF meets the hold criteria (a review is due).
        "scan": ScanRequestFactory(patient=patient, requested_on=TODAY - timedelta(days=3)),
        "review": ReviewFactory(patient=patient, date=TODAY - timedelta(days=3)),
        "contact": ContactFactory(patient=patient, date=TODAY - timedelta(days=3)),
        "held": active_patient("A1002", latest=Decimal("45"))[0],
        # An open hold to end (issue 12 item 8: only oncologists end holds).
        "open_hold": HoldFactory(
            course=CourseFactory(
                patient=PatientFactory(mrn="A1003"), planned_start=TODAY - timedelta(days=30)
            ),
            start=TODAY - timedelta(days=5),
            reason="other",
        ),
    }


D = TODAY.isoformat()
# name -> (method, url template, post data, roles allowed, model whose rows grow on success)
ENDPOINTS = {
    "worklist": ("get", "/", None, ROLES, None),
    "worklist_csv": ("get", "/?format=csv", None, ROLES, None),
    "flags": ("get", "/flags/", None, ROLES, None),
    "chair": ("get", "/chair/", None, ROLES, None),
    "quality": ("get", "/quality/", None, ROLES, None),
    "quality_csv": ("get", "/quality/?format=csv", None, ROLES, None),
    "quality_list": ("get", "/quality/Q7/", None, ROLES, None),
    "patients": ("get", "/patients/", None, ROLES, None),
    "timeline": ("get", "/patients/A1001/", None, ROLES, None),
    "change_history": ("get", "/patients/A1001/history/", None, ROLES, None),
    "add_patient": (
        "post",
        "/patients/new/",
        {
            "mrn": "N1",
            "given_name": "A",
            "family_name": "B",
            "date_of_birth": "1970-01-01",
            "sex": "female",
        },
        ("oncologist", "nurse"),
        Patient,
    ),
    "add_course": (
        "post",
        "/patients/A1001/courses/new/",
        {"agent": "trastuzumab", "intent": "metastatic", "schedule": "weekly", "planned_start": D},
        ("oncologist",),
        TreatmentCourse,
    ),
    "add_hold": (
        "post",
        "/patients/A1001/courses/{course}/holds/new/",
        {"start": D, "reason": "other"},
        ("oncologist",),
        TreatmentHold,
    ),
    "add_infusion": (
        "post",
        "/patients/A1001/courses/{course}/infusions/new/",
        {
            "date": D,
            "dose_mg": "360",
            "reaction": "none",
            "confirm_warnings": "on",
            "override_reason": "reviewed",
        },
        ("oncologist", "nurse"),
        Infusion,
    ),
    "add_lvef": (
        "post",
        "/patients/A1001/lvef/new/",
        {"date": D, "value": "60", "modality": "echo"},
        ("oncologist", "nurse", "cardiology"),
        LvefMeasurement,
    ),
    "add_cotreatment": (
        "post",
        "/patients/A1001/cotreatments/new/",
        {"drug": "epirubicin", "start": D},
        ("oncologist", "nurse"),
        CoTreatment,
    ),
    "edit_patient_form": ("get", "/patients/A1001/edit/", None, ("oncologist", "nurse"), None),
    "edit_course_form": (
        "get",
        "/patients/A1001/courses/{course}/edit/",
        None,
        ("oncologist",),
        None,
    ),
    "edit_hold_form": ("get", "/patients/A1001/holds/{hold}/edit/", None, ("oncologist",), None),
    "edit_infusion_form": (
        "get",
        "/patients/A1001/infusions/{infusion}/edit/",
        None,
        ("oncologist", "nurse"),
        None,
    ),
    "edit_lvef_form": (
        "get",
        "/patients/A1001/lvef/{lvef}/edit/",
        None,
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "edit_cotreatment_form": (
        "get",
        "/patients/A1001/cotreatments/{cotreatment}/edit/",
        None,
        ("oncologist", "nurse"),
        None,
    ),
    "error_course": (
        "post",
        "/patients/A1001/courses/{course}/entered-in-error/",
        {"reason": "x"},
        ("oncologist",),
        None,
    ),
    "error_hold": (
        "post",
        "/patients/A1001/holds/{hold}/entered-in-error/",
        {"reason": "x"},
        ("oncologist",),
        None,
    ),
    "error_infusion": (
        "post",
        "/patients/A1001/infusions/{infusion}/entered-in-error/",
        {"reason": "x"},
        ("oncologist", "nurse"),
        None,
    ),
    "error_lvef": (
        "post",
        "/patients/A1001/lvef/{lvef}/entered-in-error/",
        {"reason": "x"},
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "error_cotreatment": (
        "post",
        "/patients/A1001/cotreatments/{cotreatment}/entered-in-error/",
        {"reason": "x"},
        ("oncologist", "nurse"),
        None,
    ),
    # Issue 12 item 8: nurses and oncologists request scans and log contacts; cardiology books;
    # only oncologists record reviews and end holds; viewers read.
    "add_scan": (
        "post",
        "/patients/A1002/scans/new/",
        {"modality": "echo", "requested_on": D},
        ("oncologist", "nurse"),
        ScanRequest,
    ),
    "edit_scan_form": (
        "get",
        "/patients/A1001/scans/{scan}/edit/",
        None,
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "error_scan": (
        "post",
        "/patients/A1001/scans/{scan}/entered-in-error/",
        {"reason": "x"},
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "book_scan": (
        "post",
        "/patients/A1001/scans/{scan}/book/",
        {"booked_for": (TODAY + timedelta(days=7)).isoformat(), "place": "Echo lab"},
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "close_scan_form": (
        "get",
        "/patients/A1001/scans/{scan}/close/",
        None,
        ("oncologist", "nurse", "cardiology"),
        None,
    ),
    "add_review": (
        "post",
        "/patients/A1002/reviews/new/",
        {"date": D, "decision": "continue_despite_criteria", "reason": "patient's choice"},
        ("oncologist",),
        RecommendationReview,
    ),
    "edit_review_form": (
        "get",
        "/patients/A1001/reviews/{review}/edit/",
        None,
        ("oncologist",),
        None,
    ),
    "error_review": (
        "post",
        "/patients/A1001/reviews/{review}/entered-in-error/",
        {"reason": "x"},
        ("oncologist",),
        None,
    ),
    "add_contact": (
        "post",
        "/patients/A1001/contacts/new/",
        {"date": D, "method": "phone", "outcome": "no_answer"},
        ("oncologist", "nurse"),
        ContactLog,
    ),
    "edit_contact_form": (
        "get",
        "/patients/A1001/contacts/{contact}/edit/",
        None,
        ("oncologist", "nurse"),
        None,
    ),
    "error_contact": (
        "post",
        "/patients/A1001/contacts/{contact}/entered-in-error/",
        {"reason": "x"},
        ("oncologist", "nurse"),
        None,
    ),
    "letter": ("get", "/patients/A1001/letter/", None, ROLES, None),
    "letter_sent": (
        "post",
        "/patients/A1001/letter/sent/",
        {},
        ("oncologist", "nurse"),
        ContactLog,
    ),
    "end_hold_form": ("get", "/patients/A1001/holds/{hold}/end/", None, ("oncologist",), None),
    "end_hold": (
        "post",
        "/patients/A1003/holds/{open_hold}/end/",
        {"end": D, "end_reason": "patient asked"},
        ("oncologist",),
        None,
    ),
    # Issue 15 item 4: administrators only (and an account given import_data by hand).
    "import": ("get", "/import/", None, (), None),
    "admin": ("get", "/admin/", None, (), None),
    "admin_lvef": ("get", "/admin/tracker/lvefmeasurement/", None, (), None),
}
# What each page must show to an allowed role (the patient's MRN unless named here).
SHOWS = {
    "admin": "Cardiac monitoring",
    "worklist": 'data-section="book_scan"',
    "worklist_csv": "Worklist sections,Why,MRN",
    "edit_scan_form": 'name="modality"',
    "close_scan_form": 'name="state"',
    "edit_review_form": 'name="decision"',
    "edit_contact_form": 'name="outcome"',
    "end_hold_form": 'name="end"',
    "import": "Import patients from a file",
    "flags": "LVEF_HOLD_CRITERIA",
    "chair": "chair-rule",
    "quality": 'data-measure="Q7"',
    "quality_csv": "period,from,to,as_of",
    "quality_list": "On time at the end of the period (Q7)",
    "edit_course_form": 'name="agent"',
    "edit_hold_form": 'name="reason"',
    "edit_infusion_form": 'name="dose_mg"',
    "edit_lvef_form": 'name="modality"',
    "edit_cotreatment_form": 'name="drug"',
}
MARKED = {
    "error_course": "course",
    "error_hold": "hold",
    "error_infusion": "infusion",
    "error_lvef": "lvef",
    "error_cotreatment": "cotreatment",
    "error_scan": "scan",
    "error_review": "review",
    "error_contact": "contact",
}


def _url(template, chart):
    return template.format(**{k: v.pk for k, v in chart.items()})


def _call(client, method, url, data):
    return client.post(url, data) if method == "post" else client.get(url)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_logged_out_goes_to_login(client, chart, endpoint):
    method, template, data, _, model = ENDPOINTS[endpoint]
    url = _url(template, chart)
    before = model.objects.count() if model else None
    response = _call(client, method, url, data)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    if model:
        assert model.objects.count() == before


@pytest.mark.parametrize("role", PERSONAS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_role_matrix(request, chart, endpoint, role):
    method, template, data, allowed, model = ENDPOINTS[endpoint]
    client = request.getfixturevalue(f"{role}_client")
    allowed = (*allowed, "administrator")
    url = _url(template, chart)
    before = model.objects.count() if model else None
    response = _call(client, method, url, data)
    if endpoint.startswith("admin") and role not in allowed:
        # The admin is for administrators only: a clinical role is sent to the admin's own
        # login page, which says so and shows no patient.
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
        page = client.get(response["Location"]).content.decode()
        assert "not authorized to access this page" in page and "A1001" not in page
        return
    if role not in allowed:
        assert response.status_code == 403
        assert "Your role does not allow this." in response.content.decode()
        if model:
            assert model.objects.count() == before
        if endpoint in MARKED:
            record = chart[MARKED[endpoint]]
            record.refresh_from_db()
            assert not record.entered_in_error
        if endpoint == "end_hold":
            chart["open_hold"].refresh_from_db()
            assert chart["open_hold"].end is None and chart["open_hold"].end_reason == ""
        return
    if method == "get":
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert SHOWS.get(endpoint, "A1001") in body.decode()
    else:
        assert response.status_code == 302, response.content.decode()[:3000]
        if model:
            assert model.objects.count() == before + 1
        if endpoint == "book_scan":
            chart["scan"].refresh_from_db()
            assert chart["scan"].state == "booked"
        if endpoint == "end_hold":
            chart["open_hold"].refresh_from_db()
            assert chart["open_hold"].end == TODAY
            assert chart["open_hold"].end_reason == "patient asked"
        if endpoint in MARKED:
            record = chart[MARKED[endpoint]]
            record.refresh_from_db()
            assert record.entered_in_error


def test_superuser_reaches_admin(administrator_client, chart):
    client = administrator_client
    assert "Cardiac monitoring" in client.get("/admin/").content.decode()
    assert "A1001" in client.get("/admin/tracker/patient/").content.decode()


def test_non_staff_account_gets_nothing(client, chart):
    client.force_login(UserFactory(username="outsider", is_staff=False, roles=["oncologist"]))
    assert client.get("/").status_code == 403
    assert client.get("/patients/A1001/").status_code == 403


def test_buttons_follow_the_role(viewer_client, cardiology_client, nurse_client, chart):
    client = viewer_client
    page = client.get("/patients/A1001/").content.decode()
    assert "Record LVEF" not in page and "Record infusion" not in page and ">Edit<" not in page
    client = cardiology_client
    page = client.get("/patients/A1001/").content.decode()
    assert "Record LVEF" in page and "Record infusion" not in page and "Add hold" not in page
    client = nurse_client
    page = client.get("/patients/A1001/").content.decode()
    assert "Record infusion" in page and "Add hold" not in page and "Add course" not in page
    assert Decimal("62") == chart["lvef"].value


# --- the rows against the URL resolver -------------------------------------------------------

SKIPPED_NAMESPACES = ("admin",)  # the admin* rows above and tests/integration/test_admin.py
SKIPPED_ROUTES = (
    "accounts/",  # the login flow: test_auth.py, test_sessions.py
    "admin/",  # admin/password_change/: the account pages' password change
    "healthz",  # public health checks, no patient data: tests/integration/test_health.py
    "readyz",
    # The FHIR API answers 401/403 OperationOutcomes, not a redirect to the log-in page:
    # tests/security/test_fhir_roles.py.
    "api/fhir/",
    "api/v1/",  # the REST API: its own matrix in tests/security/test_api_roles.py
)
SKIPPED_VIEW_MODULES = ("django.views.static",)  # static files, no patient data


def _url_patterns(patterns=None, prefix="", namespaces=()):
    """(pattern, namespaced name, full route) of every URL pattern, through the includes."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _url_patterns(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            yield entry, ":".join((*namespaces, entry.name or "")), route


def _checked_patterns():
    for pattern, name, route in _url_patterns():
        view = getattr(pattern.callback, "view_class", pattern.callback)
        if (
            name.split(":")[0] in SKIPPED_NAMESPACES
            or route.startswith(SKIPPED_ROUTES)
            or view.__module__.startswith(SKIPPED_VIEW_MODULES)
        ):
            continue
        yield pattern, name, route


def _record_kinds():
    """What the `<kind>` routes accept (tracker/views.py; the record-type registry of issue 10
    will list them)."""
    return set(views.KINDS)


def _family(route):
    """The action of a route: its last segment ("new", "edit", "entered-in-error")."""
    return route.rstrip("/").rsplit("/", 1)[-1]


def _row_target(endpoint):
    """(URL name, record kind or None, route) that a row's URL resolves to."""
    path = re.sub(r"\{\w+\}", "1", ENDPOINTS[endpoint][1]).split("?")[0]
    match = resolve(path)
    return match.view_name, match.kwargs.get("kind"), match.route


def test_every_url_has_a_row():
    targets = [_row_target(endpoint) for endpoint in ENDPOINTS]
    named = {name for name, _, _ in targets}
    missing = []
    families = {}
    for pattern, name, route in _checked_patterns():
        if not name.split(":")[-1]:
            missing.append(f"/{route} has no URL name: name it and give it a row")
        elif name not in named:
            missing.append(f"{name} (/{route})")
        if "kind" in getattr(pattern.pattern, "converters", {}):
            families.setdefault(_family(route), []).append(f"/{route}")
    for family, routes in families.items():
        covered = {kind for _, kind, route in targets if kind and _family(route) == family}
        missing += [
            f"record kind {kind!r} on {' or '.join(routes)}"
            for kind in sorted(_record_kinds() - covered)
        ]
    assert not missing, (
        "No row in ENDPOINTS (tests/security/test_roles.py) for: "
        + "; ".join(missing)
        + ". Add one saying which roles may use it and what the page shows or the write saves."
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_stale_rows(endpoint):
    """Every row still reaches a URL of the project (and a record kind the views know)."""
    try:
        name, kind, _ = _row_target(endpoint)
    except Resolver404:
        pytest.fail(f"ENDPOINTS[{endpoint!r}]: {ENDPOINTS[endpoint][1]} no longer resolves")
    names = {name for _, name, _ in _url_patterns()}
    assert name in names, f"ENDPOINTS[{endpoint!r}] resolves to {name}, not a named URL"
    assert kind is None or kind in _record_kinds(), (
        f"ENDPOINTS[{endpoint!r}]: no record kind {kind!r} any more"
    )
