"""The admin panel: every model registered, searchable, and no delete of clinical records."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib import admin

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    UserFactory,
)
from tracker import services
from tracker.admin.site import TrackerAdminSite
from tracker.models import (
    CLINICAL_MODELS,
    AuditEvent,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    User,
)

pytestmark = pytest.mark.django_db


def test_the_project_admin_site_holds_every_tracker_admin(rf):
    """The site is a subclass (issue 10), not a patched has_permission, and the tracker's
    admins register on the site that serves /admin/ (not one replaced while it was built)."""
    assert isinstance(admin.site._wrapped, TrackerAdminSite)
    assert "has_permission" not in vars(admin.site._wrapped)
    assert {*CLINICAL_MODELS, AuditEvent, User} <= set(admin.site._registry)
    request = rf.get("/admin/")
    request.user = UserFactory(username="clinic", is_staff=True)
    assert not admin.site.has_permission(request)
    request.user = UserFactory(username="root", is_staff=False, is_superuser=True)
    assert admin.site.has_permission(request)
    request.user.is_active = False
    assert not admin.site.has_permission(request)


@pytest.mark.parametrize("model", CLINICAL_MODELS, ids=lambda m: m.__name__)
def test_every_clinical_model_is_registered_without_delete(model, admin_client, rf, admin_user):
    model_admin = admin.site._registry[model]
    request = rf.get("/")
    request.user = admin_user
    assert not model_admin.has_delete_permission(request)
    assert "delete_selected" not in model_admin.get_actions(request)
    assert "mark_entered_in_error" in model_admin.get_actions(request)


@pytest.mark.parametrize("model", CLINICAL_MODELS, ids=lambda m: m.__name__)
def test_changelists_render_with_records(model, admin_client):
    patient = PatientFactory(mrn="Z9001", family_name="Lovelace")
    course = CourseFactory(patient=patient)
    InfusionFactory(course=course)
    HoldFactory(course=course)
    LvefFactory(patient=patient)
    CoTreatmentFactory(patient=patient)
    url = f"/admin/tracker/{model._meta.model_name}/"
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b"Z900" in response.content  # the patient's MRN appears in each list


def test_patient_search_by_mrn_and_name(admin_client):
    PatientFactory(mrn="A1001", family_name="Byron")
    PatientFactory(mrn="B2002", family_name="Hopper")
    by_name = admin_client.get("/admin/tracker/patient/", {"q": "hopper"}).content.decode()
    assert "B2002" in by_name and "A1001" not in by_name
    by_mrn = admin_client.get("/admin/tracker/patient/", {"q": "A1001"}).content.decode()
    assert "A1001" in by_mrn and "B2002" not in by_mrn


def test_patient_page_shows_inlines(admin_client):
    lvef = LvefFactory(date=date(2025, 12, 20))
    CourseFactory(patient=lvef.patient)
    page = admin_client.get(f"/admin/tracker/patient/{lvef.patient.pk}/change/").content.decode()
    assert "LVEF measurements" in page
    assert "Treatment courses" in page
    assert "Co-treatments" in page


def test_delete_url_is_forbidden(admin_client):
    lvef = LvefFactory()
    response = admin_client.post(
        f"/admin/tracker/lvefmeasurement/{lvef.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert LvefMeasurement.objects.filter(pk=lvef.pk).exists()


def test_admin_action_marks_entered_in_error_with_reason(admin_client, admin_user):
    lvef = LvefFactory()
    url = "/admin/tracker/lvefmeasurement/"
    confirm = admin_client.post(
        url, {"action": "mark_entered_in_error", "_selected_action": [lvef.pk]}
    )
    assert "Mark as entered in error" in confirm.content.decode()
    lvef.refresh_from_db()
    assert not lvef.entered_in_error  # nothing changes before the reason is given
    admin_client.post(
        url,
        {
            "action": "mark_entered_in_error",
            "_selected_action": [lvef.pk],
            "apply": "1",
            "reason": "duplicate entry",
        },
    )
    lvef.refresh_from_db()
    assert (lvef.entered_in_error, lvef.entered_in_error_reason, lvef.entered_in_error_by) == (
        True,
        "duplicate entry",
        admin_user,
    )


def test_admin_edit_records_who(admin_client, admin_user):
    patient = PatientFactory(mrn="A1001")
    response = admin_client.post(
        f"/admin/tracker/patient/{patient.pk}/change/",
        {
            "mrn": "A1001",
            "given_name": "Augusta",
            "family_name": patient.family_name,
            "date_of_birth": "1961-04-02",
            "sex": "female",
            "notes": "",
            **{
                f"{prefix}-{k}": v
                for prefix in ("courses", "lvef_measurements", "cotreatments")
                for k, v in {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0"}.items()
            },
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    patient.refresh_from_db()
    assert (patient.given_name, patient.updated_by) == ("Augusta", admin_user)
    assert patient.history.latest("history_date").history_user == admin_user


def test_admin_refuses_what_the_clinic_pages_refuse(admin_client):
    """Rules across records hold in the admin too: a hold overlapping another is refused."""
    from tests.factories import HoldFactory
    from tracker.models import TreatmentHold

    course = CourseFactory()
    HoldFactory(course=course, start=date(2026, 3, 1), end=date(2026, 3, 20))
    response = admin_client.post(
        "/admin/tracker/treatmenthold/add/",
        {"course": course.pk, "start": "2026-03-10", "reason": "other", "notes": ""},
    )
    assert response.status_code == 200
    assert "overlaps another hold of this course" in response.content.decode()
    assert TreatmentHold.objects.count() == 1


def test_admin_form_with_missing_course_shows_the_field_error(admin_client):
    response = admin_client.post(
        "/admin/tracker/infusion/add/", {"date": "2026-01-05", "dose_mg": "480", "reaction": "none"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def _lvef_form(lvef, **overrides):
    return {
        "date": lvef.date.isoformat(),
        "value": str(lvef.value),
        "modality": lvef.modality,
        "gls": "",
        "notes": "",
        **overrides,
    }


def test_admin_edit_of_a_record_entered_in_error_is_refused_with_a_message(
    admin_client, admin_user
):
    lvef = LvefFactory(patient=PatientFactory(mrn="E1001"))
    services.mark_entered_in_error(lvef, actor=admin_user, reason="wrong patient")
    url = f"/admin/tracker/lvefmeasurement/{lvef.pk}/change/"
    response = admin_client.post(url, _lvef_form(lvef, value="44"))
    assert response.status_code == 200  # the form again, not a 500 from the services
    assert "A record marked entered in error cannot be changed." in response.content.decode()
    lvef.refresh_from_db()
    assert lvef.value != 44 and lvef.entered_in_error


def test_a_patient_with_a_record_entered_in_error_can_still_be_saved(admin_client, admin_user):
    patient = PatientFactory(mrn="E1002")
    lvef = LvefFactory(patient=patient)
    services.mark_entered_in_error(lvef, actor=admin_user, reason="wrong patient")
    data = {
        "mrn": patient.mrn,
        "given_name": patient.given_name,
        "family_name": "Renamed",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "notes": "",
        "courses-TOTAL_FORMS": "0",
        "courses-INITIAL_FORMS": "0",
        "cotreatments-TOTAL_FORMS": "0",
        "cotreatments-INITIAL_FORMS": "0",
        "lvef_measurements-TOTAL_FORMS": "1",
        "lvef_measurements-INITIAL_FORMS": "1",
        "lvef_measurements-0-id": str(lvef.pk),
        "lvef_measurements-0-patient": str(patient.pk),
        **{f"lvef_measurements-0-{k}": v for k, v in _lvef_form(lvef).items()},
    }
    response = admin_client.post(f"/admin/tracker/patient/{patient.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    patient.refresh_from_db()
    assert patient.family_name == "Renamed"


def test_reverting_to_a_version_before_the_mark_keeps_the_record_entered_in_error(
    admin_client, admin_user
):
    lvef = LvefFactory(patient=PatientFactory(mrn="E1003"))
    before = lvef.history.get()
    services.mark_entered_in_error(lvef, actor=admin_user, reason="wrong patient")
    url = f"/admin/tracker/lvefmeasurement/{lvef.pk}/history/{before.history_id}/"
    response = admin_client.post(url, _lvef_form(lvef))
    assert response.status_code == 302
    lvef.refresh_from_db()
    assert (lvef.entered_in_error, lvef.entered_in_error_reason) == (True, "wrong patient")


def test_reverting_goes_through_the_services(admin_client, admin_user, monkeypatch):
    lvef = LvefFactory(patient=PatientFactory(mrn="E1004"), value=Decimal("50"))
    before = lvef.history.get()
    services.record_update(lvef, actor=admin_user, value=Decimal("44"))
    calls = []
    update = services.record_update
    monkeypatch.setattr(
        services, "record_update", lambda *a, **k: calls.append(k) or update(*a, **k)
    )
    url = f"/admin/tracker/lvefmeasurement/{lvef.pk}/history/{before.history_id}/"
    assert admin_client.post(url, _lvef_form(before)).status_code == 302
    lvef.refresh_from_db()
    assert lvef.value == Decimal("50") and calls


def test_every_record_type_of_the_registry_has_an_admin_without_delete(rf, admin_user):
    """A new record type in tracker/records.py must come with its admin (issue 10 item 2)."""
    from django.contrib import admin as django_admin

    from tracker.records import REGISTRY

    request = rf.get("/admin/")
    request.user = admin_user
    for record_type in REGISTRY:
        model_admin = django_admin.site._registry.get(record_type.model)
        assert model_admin is not None, record_type.kind
        assert not model_admin.has_delete_permission(request), record_type.kind


def test_the_admin_of_each_record_type_comes_from_its_registry_entry(rf, admin_user):
    """Issue 10 item 2: the admin lists no record type by hand. Each entry's columns are its
    change list (free text aside) and its inline rows under its owner; a search by the patient's
    MRN and names; the mark-entered-in-error action."""
    from django.contrib import admin as django_admin

    from tracker.models import WORKFLOW_MODELS
    from tracker.records import REGISTRY

    request = rf.get("/admin/")
    request.user = admin_user
    for t in REGISTRY:
        model_admin = django_admin.site._registry[t.model]
        shown = [c for c in model_admin.list_display if c in t.columns]
        assert shown == [c for c in t.columns if c != "notes"], t.kind
        assert model_admin.list_display[-1] == "entered_in_error", t.kind
        assert "mark_entered_in_error" in model_admin.get_actions(request), t.kind
        mrn = "mrn" if t.owner is None else f"{t.patient_path}__mrn"
        assert mrn in model_admin.search_fields, t.kind
        # The follow-through records change state through their services, never inline.
        if t.owner is not None and t.model not in WORKFLOW_MODELS:
            owner_admin = django_admin.site._registry[t.owner_model]
            (inline,) = [i for i in owner_admin.inlines if i.model is t.model]
            assert inline.fields == (*t.columns, "entered_in_error"), t.kind
    assert [i.model for i in django_admin.site._registry[Patient].inlines] == [
        TreatmentCourse,
        LvefMeasurement,
        CoTreatment,
    ]
    assert [i.model for i in django_admin.site._registry[TreatmentCourse].inlines] == [
        Infusion,
        TreatmentHold,
    ]


def test_a_course_record_is_searched_and_filtered_by_its_patient_and_agent(admin_client):
    patient = PatientFactory(mrn="Z9002", family_name="Hopper", given_name="Grace")
    HoldFactory(course=CourseFactory(patient=patient))
    HoldFactory(course=CourseFactory(patient=PatientFactory(mrn="Z9003", family_name="Other")))
    response = admin_client.get("/admin/tracker/treatmenthold/", {"q": "Grace"})
    assert response.status_code == 200
    assert "Z9002" in response.content.decode() and "Z9003" not in response.content.decode()
