"""Every URL × logged out and each role: logged out → login, not allowed → 403, allowed → works
(and shows or saves what it should)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    UserFactory,
)
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
ROLES = ("oncologist", "nurse", "cardiology", "viewer")


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
    }


D = TODAY.isoformat()
# name -> (method, url template, post data, roles allowed, model whose rows grow on success)
ENDPOINTS = {
    "worklist": ("get", "/", None, ROLES, None),
    "worklist_csv": ("get", "/?format=csv", None, ROLES, None),
    "flags": ("get", "/flags/", None, ROLES, None),
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
        {"date": D, "dose_mg": "360", "reaction": "none", "confirm_warnings": "on"},
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
    "admin": ("get", "/admin/", None, (), None),
    "admin_lvef": ("get", "/admin/tracker/lvefmeasurement/", None, (), None),
}
# What each page must show to an allowed role (the patient's MRN unless named here).
SHOWS = {
    "worklist": 'data-section="overdue"',
    "worklist_csv": "section,mrn,family_name",
    "flags": "LVEF_HOLD_CRITERIA",
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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_role_matrix(client, chart, endpoint, role):
    method, template, data, allowed, model = ENDPOINTS[endpoint]
    client.force_login(UserFactory(username=f"u-{role}", roles=[role]))
    url = _url(template, chart)
    before = model.objects.count() if model else None
    response = _call(client, method, url, data)
    if endpoint.startswith("admin"):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
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
        return
    if method == "get":
        assert response.status_code == 200
        assert SHOWS.get(endpoint, "A1001") in response.content.decode()
    else:
        assert response.status_code == 302, response.content.decode()[:3000]
        if model:
            assert model.objects.count() == before + 1
        if endpoint in MARKED:
            record = chart[MARKED[endpoint]]
            record.refresh_from_db()
            assert record.entered_in_error


def test_superuser_reaches_admin(client, chart):
    client.force_login(UserFactory(username="root", is_superuser=True))
    assert "Cardiac monitoring" in client.get("/admin/").content.decode()
    assert "A1001" in client.get("/admin/tracker/patient/").content.decode()


def test_non_staff_account_gets_nothing(client, chart):
    client.force_login(UserFactory(username="outsider", is_staff=False, roles=["oncologist"]))
    assert client.get("/").status_code == 403
    assert client.get("/patients/A1001/").status_code == 403


def test_buttons_follow_the_role(client, chart):
    client.force_login(UserFactory(username="v", roles=["viewer"]))
    page = client.get("/patients/A1001/").content.decode()
    assert "Record LVEF" not in page and "Record infusion" not in page and ">Edit<" not in page
    client.force_login(UserFactory(username="c", roles=["cardiology"]))
    page = client.get("/patients/A1001/").content.decode()
    assert "Record LVEF" in page and "Record infusion" not in page and "Add hold" not in page
    client.force_login(UserFactory(username="n", roles=["nurse"]))
    page = client.get("/patients/A1001/").content.decode()
    assert "Record infusion" in page and "Add hold" not in page and "Add course" not in page
    assert Decimal("62") == chart["lvef"].value
