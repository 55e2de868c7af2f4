"""The web roles' matrix for the REST API (issue 15): every API URL name and method × no token
and each persona: no token → 401 JSON, not allowed → 403 JSON (nothing written), allowed →
works. `test_every_api_url_has_a_row` fails for a new API route until it has a row."""

import json
from datetime import timedelta

import pytest
from django.urls import URLPattern, get_resolver
from django.utils import timezone

from tests.api.conftest import PERSONAS
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
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
D = TODAY.isoformat()
ROLES = ("oncologist", "nurse", "cardiology", "viewer")
# Who may write each kind (tracker/roles.py, written down here rather than read from it).
WRITERS = {
    "patient": ("oncologist", "nurse"),
    "courses": ("oncologist",),
    "holds": ("oncologist",),
    "infusions": ("oncologist", "nurse"),
    "lvef": ("oncologist", "nurse", "cardiology"),
    "cotreatments": ("oncologist", "nurse"),
    # Issue 12 item 8: nurses and oncologists request scans and log contacts; only oncologists
    # record reviews; cardiology may book (CHANGERS below).
    "scans": ("oncologist", "nurse"),
    "reviews": ("oncologist",),
    "contacts": ("oncologist", "nurse"),
}
# Who may change a record, where that differs from who may create it.
CHANGERS = {"scans": ("oncologist", "nurse", "cardiology")}
NEW = {
    "courses": {"agent": "trastuzumab", "intent": "metastatic", "schedule": "weekly",
                "planned_start": D},
    "holds": {"course": "{course}", "start": D, "reason": "other"},
    "infusions": {"course": "{course}", "date": D, "dose_mg": 360, "confirm_warnings": True},
    "lvef": {"date": D, "value": 60, "modality": "echo"},
    "cotreatments": {"drug": "epirubicin", "start": D},
    "scans": {"modality": "echo", "requested_on": D},
    "reviews": {"date": D, "decision": "hold_recorded"},
    "contacts": {"date": D, "method": "phone", "outcome": "no_answer"},
}  # fmt: skip
P = "/api/v1/patients/A1001"
# name -> (method, url, body, roles allowed or "public")
ENDPOINTS = {
    ("schema", "get"): ("/api/v1/openapi.json", None, "public"),
    ("docs", "get"): ("/api/v1/docs/", None, "public"),
    ("patients", "get"): ("/api/v1/patients/", None, ROLES),
    ("patients", "post"): (
        "/api/v1/patients/",
        {"mrn": "N1", "given_name": "A", "family_name": "B", "date_of_birth": "1970-01-01"},
        WRITERS["patient"],
    ),
    ("patient", "get"): (f"{P}/", None, ROLES),
    ("patient", "patch"): (
        f"{P}/",
        {"notes": "seen", "updated_at": "{patient}"},
        WRITERS["patient"],
    ),  # fmt: skip
    ("worklist", "get"): ("/api/v1/worklist/", None, ROLES),
    ("monitoring_report", "get"): ("/api/v1/reports/monitoring/", None, ROLES),
    ("quality_report", "get"): (
        "/api/v1/reports/quality/?from=2026-01-01&to=2026-06-30",
        None,
        ROLES,
    ),  # fmt: skip
}
for kind, writers in WRITERS.items():
    if kind == "patient":
        continue
    ENDPOINTS[(f"{kind}_list", "get")] = (f"{P}/{kind}/", None, ROLES)
    ENDPOINTS[(f"{kind}_list", "post")] = (f"{P}/{kind}/", NEW[kind], writers)
    ENDPOINTS[(kind, "get")] = (f"{P}/{kind}/{{{kind}}}/", None, ROLES)
    ENDPOINTS[(kind, "patch")] = (
        f"{P}/{kind}/{{{kind}}}/",
        {"notes": "checked", "updated_at": f"{{{kind}_at}}"},
        CHANGERS.get(kind, writers),
    )
    ENDPOINTS[(f"{kind}_entered_in_error", "post")] = (
        f"{P}/{kind}/{{{kind}}}/entered-in-error/",
        {"reason": "wrong patient"},
        CHANGERS.get(kind, writers),
    )
# A scan request's state changes, on an open (booked) request made for the row: the chart's own
# scan request is closed, so that a new one may be requested.
for action, body in (
    ("book", {"booked_for": D, "place": "Echo lab"}),
    ("cancel", {"reason": "moved away"}),
    ("did_not_attend", {"closed_on": D}),
):
    ENDPOINTS[(f"scans_{action}", "post")] = (
        f"{P}/scans/{{scan_open}}/{action.replace('_', '-')}/",
        body,
        CHANGERS["scans"],
    )


@pytest.fixture
def chart(db):
    patient = PatientFactory(mrn="A1001")
    course = CourseFactory(patient=patient, planned_start=TODAY - timedelta(days=30))
    records = {
        "courses": course,
        "infusions": InfusionFactory(course=course, date=TODAY - timedelta(days=30)),
        "holds": HoldFactory(
            course=course, start=TODAY - timedelta(days=2), end=TODAY - timedelta(days=1)
        ),
        "lvef": LvefFactory(patient=patient, date=TODAY - timedelta(days=40)),
        "cotreatments": CoTreatmentFactory(patient=patient),
        "scans": ScanRequestFactory(
            patient=patient, state="cancelled", closed_on=TODAY, cancel_reason="moved"
        ),
        "reviews": ReviewFactory(patient=patient, date=TODAY - timedelta(days=3)),
        "contacts": ContactFactory(patient=patient, date=TODAY - timedelta(days=3)),
    }
    # 60% then 40% yesterday, a fall of 20 points below 50%: hold (H1-H4), so that a review is
    # called for.
    LvefFactory(patient=patient, date=TODAY - timedelta(days=1), value=40)
    values = {"course": course.pk, "patient": patient.updated_at.isoformat()}
    for kind, record in records.items():
        record.refresh_from_db()
        values[kind] = record.pk
        values[f"{kind}_at"] = record.updated_at.isoformat()
    return values


def _fill(value, chart):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        filled = chart[value[1:-1]]
        return filled
    if isinstance(value, dict):
        return {k: _fill(v, chart) for k, v in value.items()}
    return value


def _call(client, method, url, body, chart, headers):
    url = url.format(**chart)
    if method == "get":
        return client.get(url, **headers)
    return getattr(client, method)(
        url, json.dumps(_fill(body, chart)), content_type="application/json", **headers
    )


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[1]} {e[0]}")
@pytest.mark.parametrize("persona", ("anonymous", *PERSONAS))
def test_api_role_matrix(request, client, chart, endpoint, persona):
    from tracker.models import ApiToken, AuditEvent, Patient

    name, method = endpoint
    url, body, allowed = ENDPOINTS[endpoint]
    headers = {}
    if persona != "anonymous":
        _, token = ApiToken.issue(user=request.getfixturevalue(persona), name="matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    writes = AuditEvent.objects.filter(action__in=("record_created", "record_changed"))
    before = writes.count()
    if "{scan_open}" in url:
        scan = ScanRequestFactory(
            patient=Patient.objects.get(mrn="A1001"),
            state="booked",
            booked_for=TODAY,
            booked_on=TODAY,
        )
        chart = {**chart, "scan_open": scan.pk}
        before = writes.count()
    response = _call(client, method, url, body, chart, headers)
    if allowed == "public":
        assert response.status_code == 200
        return
    if persona == "anonymous":
        assert response.status_code == 401, response.content
        assert response.json()["status"] == 401
    elif persona != "administrator" and persona not in allowed:
        assert response.status_code == 403, response.content
        assert response.json()["detail"] == "Your role does not allow this."
    else:
        assert response.status_code in (200, 201), response.content.decode()[:2000]
        if method == "get":
            shown = response.content.decode()
            assert "A1001" in shown or name in ("quality_report", "worklist") or '"id":' in shown
        else:
            assert writes.count() > before
        return
    assert writes.count() == before


def _api_patterns():
    resolver = get_resolver()
    for entry in resolver.url_patterns:
        if str(entry.pattern) == "api/v1/":
            for pattern in entry.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.name != "not_found":
                    yield pattern


def test_every_api_url_has_a_row():
    missing = []
    for pattern in _api_patterns():
        view = getattr(pattern.callback, "view_class", None)
        methods = [m for m in getattr(view, "http_method_names", ["get"]) if m != "head"]
        if getattr(view, "permissions", None) is None or pattern.name in ("schema", "docs"):
            methods = ["get"]
        for method in methods:
            if (pattern.name, method) not in ENDPOINTS:
                missing.append(f"{method.upper()} api:{pattern.name}")
    assert not missing, f"No row in tests/security/test_api_roles.py for: {missing}"
