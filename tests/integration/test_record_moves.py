"""A record stays with its patient (issue 9, finding 12): only a record's own fields can be
updated, owner links are fixed once it exists (services, forms, admin), and if anything still
moves a record both patients' stored status is recomputed. The admin's inline rows get the
same cross-record checks as its main forms (finding 11)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import (
    CourseFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    UserFactory,
)
from tests.integration.test_stored_status import assert_stored_equals_fresh
from tracker import forms, services
from tracker.models import LvefMeasurement, MonitoringStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def two_patients():
    a = PatientFactory(mrn="A1001")
    b = PatientFactory(mrn="B2002")
    lvef = LvefFactory(patient=a, date=TODAY - timedelta(days=3), value=Decimal("38"))
    return a, b, lvef


def test_update_refuses_a_new_owner_naming_the_field(two_patients):
    a, b, lvef = two_patients
    nurse = UserFactory(roles=["nurse"])
    with pytest.raises(ValidationError, match="“patient” cannot be changed"):
        services.record_update(lvef, actor=nurse, patient=b)
    with pytest.raises(ValidationError, match="“course” cannot be changed"):
        services.record_update(InfusionFactory(), actor=nurse, course=CourseFactory())
    lvef.refresh_from_db()
    assert lvef.patient == a


def test_update_refuses_an_owner_set_on_the_instance(two_patients):
    a, b, lvef = two_patients
    lvef.patient = b
    with pytest.raises(ValidationError, match="“patient” cannot be changed"):
        services.record_update(lvef, actor=UserFactory(roles=["nurse"]), value=Decimal("40"))
    assert LvefMeasurement.objects.get(pk=lvef.pk).patient == a


@pytest.mark.parametrize("field", ["created_by", "entered_in_error", "id", "updated_at"])
def test_update_refuses_fields_outside_the_whitelist(two_patients, field):
    _, _, lvef = two_patients
    before = LvefMeasurement.objects.filter(pk=lvef.pk).values().get()
    with pytest.raises(ValidationError, match=f"“{field}” is not a field that can be changed"):
        services.record_update(lvef, actor=UserFactory(roles=["nurse"]), **{field: None})
    assert LvefMeasurement.objects.filter(pk=lvef.pk).values().get() == before


@pytest.mark.parametrize("form", forms.ClinicalForm.__subclasses__(), ids=lambda f: f.__name__)
def test_every_edit_form_offers_only_updatable_fields(form):
    fields = set(form._meta.fields)
    assert fields <= set(services.UPDATABLE_FIELDS[form._meta.model])
    assert not fields & {"patient", "course"}


def test_a_record_moved_outside_the_services_recomputes_both_patients(two_patients):
    a, b, lvef = two_patients
    assert MonitoringStatus.objects.get(patient=a).latest_date == lvef.date
    lvef.patient = b  # a shell or a script; the services and the admin refuse this
    lvef.save()
    assert MonitoringStatus.objects.get(patient=a).latest_date is None
    assert MonitoringStatus.objects.get(patient=b).latest_date == lvef.date
    assert_stored_equals_fresh()


def test_a_course_moved_outside_the_services_recomputes_both_patients(two_patients):
    a, b, _ = two_patients
    course = CourseFactory(patient=a, planned_start=TODAY - timedelta(days=60))
    InfusionFactory(course=course, date=TODAY - timedelta(days=60))
    course.patient = b
    course.save()
    assert MonitoringStatus.objects.get(patient=a).phase == "no_course"
    assert MonitoringStatus.objects.get(patient=b).phase != "no_course"
    assert_stored_equals_fresh()


def lvef_change_data(lvef, **overrides):
    return {
        "date": lvef.date.isoformat(),
        "value": str(lvef.value),
        "modality": lvef.modality,
        "gls": "",
        "notes": "",
        **overrides,
    }


def test_admin_shows_the_owner_read_only_and_ignores_a_posted_one(admin_client, two_patients):
    a, b, lvef = two_patients
    url = f"/admin/tracker/lvefmeasurement/{lvef.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert 'name="patient"' not in page  # shown as text, not a field
    response = admin_client.post(url, lvef_change_data(lvef, patient=b.pk, value="41"))
    assert response.status_code == 302
    lvef.refresh_from_db()
    assert (lvef.patient, lvef.value) == (a, Decimal("41"))
    assert MonitoringStatus.objects.get(patient=a).latest_value == Decimal("41")
    assert MonitoringStatus.objects.get(patient=b).latest_value is None


def test_admin_saves_go_through_the_services(admin_client, admin_user, two_patients, monkeypatch):
    _, _, lvef = two_patients
    calls = []
    update = services.record_update
    monkeypatch.setattr(
        services, "record_update", lambda *a, **k: calls.append(k) or update(*a, **k)
    )
    url = f"/admin/tracker/lvefmeasurement/{lvef.pk}/change/"
    assert admin_client.post(url, lvef_change_data(lvef, value="44")).status_code == 302
    assert calls == [{"actor": admin_user, "value": Decimal("44")}]


def patient_change_data(patient, lvef_rows=()):
    data = {
        "mrn": patient.mrn,
        "given_name": patient.given_name,
        "family_name": patient.family_name,
        "date_of_birth": patient.date_of_birth.isoformat(),
        "sex": patient.sex,
        "notes": "",
    }
    for prefix in ("courses", "lvef_measurements", "cotreatments"):
        rows = lvef_rows if prefix == "lvef_measurements" else ()
        data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"})
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_admin_inline_row_before_the_date_of_birth_is_refused(admin_client):
    patient = PatientFactory(mrn="A1954", date_of_birth=date(1954, 6, 1))
    row = {"date": "1900-01-01", "value": "60", "modality": "echo", "gls": "", "notes": ""}
    url = f"/admin/tracker/patient/{patient.pk}/change/"
    response = admin_client.post(url, patient_change_data(patient, [row]))
    assert response.status_code == 200
    assert "must not be before the date of birth" in response.content.decode()
    assert not LvefMeasurement.objects.filter(patient=patient).exists()


def test_admin_inline_row_is_saved_through_the_services(admin_client, admin_user):
    patient = PatientFactory(mrn="A1954", date_of_birth=date(1954, 6, 1))
    day = (TODAY - timedelta(days=2)).isoformat()
    row = {"date": day, "value": "60", "modality": "echo", "gls": "", "notes": ""}
    url = f"/admin/tracker/patient/{patient.pk}/change/"
    response = admin_client.post(url, patient_change_data(patient, [row]))
    assert response.status_code == 302, response.content.decode()[:3000]
    lvef = LvefMeasurement.objects.get(patient=patient)
    assert (lvef.created_by, lvef.updated_by) == (admin_user, admin_user)
    assert MonitoringStatus.objects.get(patient=patient).latest_value == Decimal("60")


def test_admin_course_page_refuses_an_inline_hold_overlapping_another(admin_client, rf):
    """The course page's inline rows get the cross-record checks too (finding 11)."""
    from django.contrib import admin
    from django.forms.models import model_to_dict

    from tests.factories import HoldFactory
    from tracker.models import TreatmentCourse, TreatmentHold

    course = CourseFactory(patient=PatientFactory(mrn="A1955"))
    HoldFactory(course=course, start=date(2026, 3, 20))  # open
    request = rf.get("/")
    request.user = UserFactory(username="root", is_superuser=True)
    fields = admin.site._registry[TreatmentCourse].get_form(request, course).base_fields
    data = {k: ("" if v is None else v) for k, v in model_to_dict(course, fields).items()}
    data.update({"infusions-TOTAL_FORMS": "0", "infusions-INITIAL_FORMS": "0"})
    data.update({"holds-TOTAL_FORMS": "1", "holds-INITIAL_FORMS": "0"})
    data.update({"holds-0-start": "2026-04-01", "holds-0-reason": "cardiac", "holds-0-notes": ""})
    response = admin_client.post(f"/admin/tracker/treatmentcourse/{course.pk}/change/", data)
    assert response.status_code == 200
    assert "overlap" in response.content.decode()
    assert TreatmentHold.objects.filter(course=course).count() == 1
