"""FHIR R4 export (issue 15 item 2): GET /api/fhir/Patient/<mrn>/$everything and
manage.py fhir_export. Every resource validates with fhir.resources' R4 models; the codes,
units and identifiers are the ones documented in tracker/fhir/codes.py."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tests.fhir_helpers import assert_valid_r4
from tracker import selectors
from tracker.fhir import codes
from tracker.models import AuditEvent, Patient

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _everything(client, mrn):
    response = client.get(f"/api/fhir/Patient/{mrn}/$everything")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/fhir+json"
    bundle = response.json()
    assert_valid_r4(bundle)
    return bundle


def _of(bundle, kind):
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


@pytest.fixture
def treated(db):
    """Adjuvant trastuzumab for 9 weeks (three infusions), baseline echo 62% with GLS -20,
    doxorubicin 240 mg/m² before."""
    patient = PatientFactory(mrn="F1001", given_name="Fay", family_name="Fhir", sex="female")
    first = TODAY - timedelta(days=63)
    course = CourseFactory(patient=patient, planned_start=first)
    for index, weeks in enumerate((9, 6, 3)):
        InfusionFactory(
            course=course,
            date=TODAY - timedelta(weeks=weeks),
            dose_mg=Decimal("480") if index == 0 else Decimal("360"),
            loading_dose=index == 0,
        )
    LvefFactory(
        patient=patient, date=first - timedelta(days=7), value=Decimal("62"), gls=Decimal("-20")
    )
    CoTreatmentFactory(
        patient=patient,
        drug="doxorubicin",
        start=first - timedelta(days=120),
        end=first - timedelta(days=30),
        cumulative_dose_mg_m2=Decimal("240"),
    )
    return patient


def test_bundle_is_a_collection_with_the_patient_first(viewer_client, treated):
    bundle = _everything(viewer_client, "F1001")
    assert bundle["type"] == "collection"
    patient = bundle["entry"][0]["resource"]
    assert patient["resourceType"] == "Patient"
    assert patient["identifier"][0]["system"] == codes.mrn_system() == "urn:her2-tracker:mrn"
    assert patient["identifier"][0]["value"] == "F1001"
    assert patient["identifier"][0]["type"]["coding"][0]["code"] == "MR"
    assert patient["name"] == [{"family": "Fhir", "given": ["Fay"]}]
    assert patient["gender"] == "female"
    for entry in bundle["entry"]:
        r = entry["resource"]
        assert entry["fullUrl"] == f"http://testserver/api/fhir/{r['resourceType']}/{r['id']}"
        if r["resourceType"] != "Patient":
            assert r["subject"]["reference"] == f"Patient/{treated.pk}"
            assert r["subject"]["identifier"]["value"] == "F1001"


def test_one_medication_administration_per_infusion(viewer_client, treated):
    given = _of(_everything(viewer_client, "F1001"), "MedicationAdministration")
    assert len(given) == 3
    first = given[0]
    assert first["status"] == "completed"
    assert first["medicationCodeableConcept"]["coding"][0] == {
        "system": "http://www.whocc.no/atc",
        "code": "L01FD01",
        "display": "trastuzumab",
    }
    assert first["dosage"]["dose"] == {
        "value": 480,
        "unit": "mg",
        "system": "http://unitsofmeasure.org",
        "code": "mg",
    }
    assert first["dosage"]["route"]["coding"][0]["code"] == "47625008"  # intravenous
    assert "Loading dose." in first["note"][0]["text"]
    assert [g["dosage"]["dose"]["value"] for g in given] == [480, 360, 360]


@pytest.mark.parametrize(
    "agent, atc, route",
    [
        ("trastuzumab", "L01FD01", "47625008"),
        ("trastuzumab_sc", "L01FD01", "34206005"),
        ("pertuzumab_trastuzumab", "L01FD01", "47625008"),
        ("pertuzumab_trastuzumab_sc", "L01FY01", "34206005"),
        ("trastuzumab_emtansine", "L01FD03", "47625008"),
        ("trastuzumab_deruxtecan", "L01FD04", "47625008"),
    ],
)
def test_each_agent_has_its_atc_code(viewer_client, agent, atc, route):
    patient = PatientFactory(mrn="F2001")
    course = CourseFactory(patient=patient, agent=agent, intent="metastatic")
    InfusionFactory(course=course, date=TODAY - timedelta(days=3), dose_mg=Decimal("600"))
    (given,) = _of(_everything(viewer_client, "F2001"), "MedicationAdministration")
    assert given["medicationCodeableConcept"]["coding"][0]["code"] == atc
    assert given["dosage"]["route"]["coding"][0]["code"] == route
    if agent == "pertuzumab_trastuzumab":
        assert "pertuzumab IV (ATC L01FD02)" in given["note"][0]["text"]


@pytest.mark.parametrize(
    "modality, snomed", [("echo", "40701008"), ("muga", "35621002"), ("cmr", "241620005")]
)
def test_one_observation_per_lvef_with_method(viewer_client, modality, snomed):
    patient = PatientFactory(mrn="F3001")
    m = LvefFactory(patient=patient, value=Decimal("57.5"), modality=modality)
    (obs,) = _of(_everything(viewer_client, "F3001"), "Observation")
    assert obs["status"] == "final"
    assert obs["code"]["coding"][0] == {
        "system": "http://loinc.org",
        "code": "10230-1",
        "display": "Left ventricular Ejection fraction",
    }
    assert obs["valueQuantity"] == {
        "value": 57.5,
        "unit": "%",
        "system": "http://unitsofmeasure.org",
        "code": "%",
    }
    assert obs["method"]["coding"][0] == {
        "system": "http://snomed.info/sct",
        "code": snomed,
        "display": codes.MODALITY_SNOMED[modality][1],
    }
    assert obs["effectiveDateTime"] == m.date.isoformat()
    assert obs["identifier"][0] == {"system": "urn:her2-tracker:lvef", "value": str(m.pk)}
    assert "component" not in obs


def test_gls_is_a_component(viewer_client, treated):
    (obs,) = _of(_everything(viewer_client, "F1001"), "Observation")
    (gls,) = obs["component"]
    assert gls["code"]["coding"][0]["code"] == "gls"
    assert gls["valueQuantity"]["value"] == -20
    assert gls["valueQuantity"]["code"] == "%"


def test_cotreatment_is_a_medication_statement(viewer_client, treated):
    (statement,) = _of(_everything(viewer_client, "F1001"), "MedicationStatement")
    assert statement["status"] == "completed"
    assert statement["medicationCodeableConcept"]["coding"][0]["code"] == "L01DB01"
    assert statement["extension"][0]["url"] == "urn:her2-tracker:cumulative-dose"
    assert statement["extension"][0]["valueQuantity"]["value"] == 240
    assert statement["extension"][0]["valueQuantity"]["code"] == "mg/m2"
    assert statement["note"][0]["text"] == "Cumulative dose 240 mg/m²."


@pytest.mark.parametrize(
    "drug, atc",
    [
        ("doxorubicin", "L01DB01"),
        ("daunorubicin", "L01DB02"),
        ("epirubicin", "L01DB03"),
        ("idarubicin", "L01DB06"),
        ("mitoxantrone", "L01DB07"),
        ("cyclophosphamide", "L01AA01"),
    ],
)
def test_each_drug_has_its_atc_code(viewer_client, drug, atc):
    CoTreatmentFactory(
        patient=PatientFactory(mrn="F4001"), drug=drug, end=None, cumulative_dose_mg_m2=None
    )
    (statement,) = _of(_everything(viewer_client, "F4001"), "MedicationStatement")
    assert statement["medicationCodeableConcept"]["coding"][0]["code"] == atc
    assert statement["status"] == "active"
    assert "extension" not in statement


def test_one_flag_per_active_flag_with_its_sentence(viewer_client, treated):
    bundle = _everything(viewer_client, "F1001")
    status = selectors.patient_exports(Patient.objects.filter(pk=treated.pk), TODAY)[0].status
    assert status.flags  # anthracycline exposure at least
    flags = _of(bundle, "Flag")
    assert [f["code"]["coding"][0]["code"] for f in flags] == list(status.flags)
    for flag, code in zip(flags, status.flags, strict=True):
        assert flag["status"] == "active"
        assert flag["code"]["text"] == status.flag_texts[code]
        assert flag["code"]["coding"][0]["system"] == "urn:her2-tracker:flag"


def test_next_assessment_is_a_service_request(viewer_client, treated):
    bundle = _everything(viewer_client, "F1001")
    status = selectors.patient_exports(Patient.objects.filter(pk=treated.pk), TODAY)[0].status
    (request,) = _of(bundle, "ServiceRequest")
    assert request["occurrenceDateTime"] == status.next_assessment_due.isoformat()
    assert request["status"] == "active" and request["intent"] == "plan"
    expected = "urgent" if status.assessment_status == "overdue" else "routine"
    assert request["priority"] == expected
    assert request["code"]["coding"][0]["code"] == "10230-1"


def test_overdue_assessment_is_urgent(viewer_client):
    """Trastuzumab started 5 months ago with only a baseline: the 3-month LVEF is overdue."""
    patient = PatientFactory(mrn="F5001")
    first = TODAY - timedelta(days=150)
    course = CourseFactory(patient=patient, planned_start=first)
    for days in range(150, 0, -21):
        InfusionFactory(course=course, date=TODAY - timedelta(days=days), loading_dose=False)
    LvefFactory(patient=patient, date=first - timedelta(days=5))
    (request,) = _of(_everything(viewer_client, "F5001"), "ServiceRequest")
    assert request["priority"] == "urgent"
    assert request["note"][0]["text"].startswith("Overdue")


def test_no_service_request_without_a_due_assessment(viewer_client):
    PatientFactory(mrn="F6001")
    assert _of(_everything(viewer_client, "F6001"), "ServiceRequest") == []


def test_entered_in_error_records_are_exported_as_such(viewer_client, treated, oncologist):
    from tracker import services

    measurement = treated.lvef_measurements.get()
    services.mark_entered_in_error(measurement, actor=oncologist, reason="wrong patient")
    (obs,) = _of(_everything(viewer_client, "F1001"), "Observation")
    assert obs["status"] == "entered-in-error"


def test_unknown_or_withdrawn_patient_is_404(viewer_client, treated, oncologist):
    from tracker import services

    response = viewer_client.get("/api/fhir/Patient/NOPE1/$everything")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"
    services.mark_entered_in_error(treated, actor=oncologist, reason="duplicate")
    assert viewer_client.get("/api/fhir/Patient/F1001/$everything").status_code == 404


def test_the_read_is_audited(viewer_client, viewer, treated):
    _everything(viewer_client, "F1001")
    event = AuditEvent.objects.filter(action="patient_view").latest("at")
    assert event.patient == treated and event.user == viewer
    assert event.detail == "FHIR Patient/$everything"


def test_mrn_is_found_by_its_key(viewer_client, treated):
    assert _everything(viewer_client, "f1001")["entry"][0]["resource"]["id"] == str(treated.pk)


@pytest.mark.parametrize("records", [10, 100])
def test_everything_has_bounded_queries(viewer_client, django_assert_max_num_queries, records):
    patient = PatientFactory(mrn="F7001")
    course = CourseFactory(patient=patient, planned_start=TODAY - timedelta(days=records * 7))
    for n in range(records):
        InfusionFactory(course=course, date=TODAY - timedelta(days=records * 7 - n * 7))
        LvefFactory(patient=patient, date=TODAY - timedelta(days=records * 7 - n * 7))
    # Session, user and permissions (4), the audit row, the evaluation and one query per table.
    with django_assert_max_num_queries(24):
        bundle = _everything(viewer_client, "F7001")
    assert len(_of(bundle, "Observation")) == records


# --- manage.py fhir_export ----------------------------------------------------------------------


def _read(folder, kind):
    return [json.loads(line) for line in (folder / f"{kind}.ndjson").read_text().splitlines()]


def test_bulk_export_writes_ndjson_per_type(tmp_path, treated):
    PatientFactory(mrn="F8001")
    call_command("fhir_export", str(tmp_path), "--validate")
    patients = _read(tmp_path, "Patient")
    assert [p["identifier"][0]["value"] for p in patients] == ["F1001", "F8001"]
    assert len(_read(tmp_path, "MedicationAdministration")) == 3
    assert len(_read(tmp_path, "Observation")) == 1
    assert len(_read(tmp_path, "MedicationStatement")) == 1
    for kind in ("Patient", "MedicationAdministration", "Observation", "Flag"):
        for resource in _read(tmp_path, kind):
            assert_valid_r4(resource)
    event = AuditEvent.objects.filter(action="list_view").latest("at")
    assert event.detail.startswith("FHIR bulk export (fhir_export): 2 patients")


@pytest.mark.parametrize("patients", [10, 40])
def test_bulk_export_queries_grow_with_chunks_not_patients(
    tmp_path, monkeypatch, django_assert_max_num_queries, patients
):
    from tracker.management.commands import fhir_export

    monkeypatch.setattr(fhir_export, "EXPORT_CHUNK", 10)
    for n in range(patients):
        LvefFactory(patient=PatientFactory(mrn=f"G{n:04d}"))
    chunks = patients // 10
    with django_assert_max_num_queries(3 + 14 * chunks):
        call_command("fhir_export", str(tmp_path))
    assert len(_read(tmp_path, "Observation")) == patients
