"""A save over someone else's newer change is refused, naming who changed it."""

from datetime import date
from decimal import Decimal

import pytest

from tests.factories import LvefFactory, PatientFactory
from tracker import services

pytestmark = pytest.mark.django_db


def edit_form_version(client, url):
    page = client.get(url).content.decode()
    marker = 'name="version" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_second_save_of_a_stale_form_is_refused(nurse_client, cardiology):
    client = nurse_client
    lvef = LvefFactory(patient=PatientFactory(mrn="A1001"), date=date(2026, 1, 1))
    other = cardiology  # Cara Cardiologist
    url = f"/patients/A1001/lvef/{lvef.pk}/edit/"
    version = edit_form_version(client, url)
    # Meanwhile a colleague corrects the value.
    services.record_update(lvef, actor=other, value=Decimal("55"))
    response = client.post(
        url, {"date": "2026-01-01", "value": "60", "modality": "echo", "version": version}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Cara Cardiologist changed this record at" in page
    assert "your changes were not saved" in page
    lvef.refresh_from_db()
    assert lvef.value == Decimal("55")


def test_fresh_form_saves(nurse_client):
    client = nurse_client
    lvef = LvefFactory(patient=PatientFactory(mrn="A1001"), date=date(2026, 1, 1))
    url = f"/patients/A1001/lvef/{lvef.pk}/edit/"
    version = edit_form_version(client, url)
    response = client.post(
        url, {"date": "2026-01-01", "value": "60", "modality": "echo", "version": version}
    )
    assert response.status_code == 302
    lvef.refresh_from_db()
    assert lvef.value == Decimal("60")


def test_patient_details_race(nurse_client, oncologist):
    client = nurse_client
    patient = PatientFactory(mrn="A1001", given_name="Ada")
    version = edit_form_version(client, "/patients/A1001/edit/")
    services.record_update(patient, actor=oncologist, given_name="Augusta")
    data = {
        "mrn": "A1001",
        "given_name": "Adele",
        "family_name": patient.family_name,
        "date_of_birth": "1961-04-02",
        "sex": "female",
        "version": version,
    }
    page = client.post("/patients/A1001/edit/", data).content.decode()
    assert "Olu Oncologist changed this record" in page
    patient.refresh_from_db()
    assert patient.given_name == "Augusta"


@pytest.mark.parametrize(
    ("version", "problem"),
    [("", "is missing"), ("yesterday", "is damaged"), ("2026-01-01T10:00:00", "is damaged")],
)
def test_missing_or_damaged_version_is_refused_with_a_message(nurse_client, version, problem):
    client = nurse_client
    lvef = LvefFactory(patient=PatientFactory(mrn="A1001"), date=date(2026, 1, 1))
    data = {"date": "2026-01-01", "value": "60", "modality": "echo", "version": version}
    response = client.post(f"/patients/A1001/lvef/{lvef.pk}/edit/", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"The form&#x27;s version (the time the record was opened) {problem}" in page
    assert "your changes were not saved" in page
    lvef.refresh_from_db()
    assert lvef.value == Decimal("62")
