"""FHIR LVEF import (issue 15 item 3): POST /api/fhir/Observation and a transaction Bundle.
Each refusal is an OperationOutcome whose expression names the problem's place; nothing is
written; a repeated Observation (same identifier) returns the record it created."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import PatientFactory
from tests.fhir_helpers import assert_valid_r4, observation, transaction
from tracker.fhir import codes
from tracker.models import AuditEvent, LvefMeasurement, MonitoringStatus

pytestmark = pytest.mark.django_db

URL = "/api/fhir/Observation"


@pytest.fixture
def patient(db):
    return PatientFactory(mrn="A1001", date_of_birth=date(1960, 1, 1))


def _post(client, body, url=URL):
    return client.post(url, json.dumps(body), content_type="application/fhir+json")


def _refused(response, status, expression, words=""):
    assert response.status_code == status, response.content
    body = response.json()
    assert_valid_r4(body)
    assert body["resourceType"] == "OperationOutcome"
    found = {e for issue in body["issue"] for e in issue["expression"]}
    assert expression in found, body
    if words:
        text = " ".join(i["diagnostics"] for i in body["issue"] if expression in i["expression"])
        assert words in text, text
    assert LvefMeasurement.objects.count() == 0
    return body


def test_creates_the_lvef_through_the_service(cardiology_client, cardiology, patient):
    response = _post(cardiology_client, observation())
    assert response.status_code == 201, response.content
    m = LvefMeasurement.objects.get()
    assert (m.patient, m.date, m.value, m.modality, m.gls) == (
        patient,
        date(2026, 2, 1),
        Decimal("55"),
        "echo",
        Decimal("-18.5"),
    )
    assert (m.source_system, m.source_value) == ("urn:example:echo-reports", "E1")
    assert m.created_by == cardiology
    assert AuditEvent.objects.filter(action="record_created", patient=patient).exists()
    assert MonitoringStatus.objects.filter(patient=patient).exists()  # status recomputed
    body = response.json()
    assert_valid_r4(body)
    assert response["Location"] == f"/api/fhir/Observation/lvef-{m.pk}"
    assert {"system": "urn:example:echo-reports", "value": "E1"} in body["identifier"]


def test_repeated_post_returns_the_existing_record(cardiology_client, patient):
    first = _post(cardiology_client, observation())
    again = _post(cardiology_client, observation(valueQuantity={"value": 40, "unit": "%"}))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert LvefMeasurement.objects.get().value == 55  # no silent change either


def test_an_identifier_of_another_patients_lvef_is_refused(cardiology_client, patient):
    PatientFactory(mrn="B2002", date_of_birth=date(1960, 1, 1))
    assert _post(cardiology_client, observation()).status_code == 201
    response = _post(cardiology_client, observation(mrn="B2002"))
    assert response.status_code == 422
    assert response.json()["issue"][0]["expression"] == ["Observation.identifier"]
    assert LvefMeasurement.objects.count() == 1


@pytest.mark.parametrize(
    "mrn_subject",
    [
        {"reference": f"Patient?identifier={codes.mrn_system()}|A1001"},
        {"reference": "Patient?identifier=A1001"},
        {"identifier": {"value": "a1001"}},
    ],
)
def test_subject_by_mrn(cardiology_client, patient, mrn_subject):
    response = _post(cardiology_client, observation(subject=mrn_subject))
    assert response.status_code == 201, response.content
    assert LvefMeasurement.objects.get().patient == patient


ECHO = {"coding": [{"system": codes.SNOMED, "code": "40701008"}]}
MUGA = {"coding": [{"system": codes.SNOMED, "code": "35621002"}]}
CMR = {"coding": [{"system": codes.SNOMED, "code": "241620005"}]}


# Every accepted LOINC code with each method: the modality the method names, or a refusal
# when a method-specific code says another one (codes.ACCEPTED_LOINC gives each code's source).
@pytest.mark.parametrize(
    "code, method, modality",
    [
        ("10230-1", ECHO, "echo"),
        ("10230-1", MUGA, "muga"),
        ("10230-1", CMR, "cmr"),
        ("18043-0", ECHO, "echo"),
        ("18043-0", MUGA, None),
        ("18043-0", CMR, None),
        ("8806-2", ECHO, "echo"),
        ("8806-2", MUGA, None),
        ("8806-2", CMR, None),
        ("8811-2", CMR, "cmr"),
        ("8811-2", ECHO, None),
        ("8811-2", MUGA, None),
    ],
)
def test_each_accepted_loinc_code_and_method(cardiology_client, patient, code, method, modality):
    body = observation(code={"coding": [{"system": codes.LOINC, "code": code}]}, method=method)
    response = _post(cardiology_client, body)
    if modality is None:
        _refused(response, 422, "Observation.method", "but the LOINC code is an LVEF by")
    else:
        assert response.status_code == 201, response.content
        assert LvefMeasurement.objects.get().modality == modality


def test_the_accepted_codes_are_the_tested_ones():
    assert set(codes.ACCEPTED_LOINC) == {"10230-1", "18043-0", "8806-2", "8811-2"}


@pytest.mark.parametrize(
    "method, modality",
    [
        ({"coding": [{"system": codes.SNOMED, "code": "35621002"}]}, "muga"),
        ({"coding": [{"system": codes.SNOMED, "code": "241620005"}]}, "cmr"),
        ({"coding": [{"system": "urn:her2-tracker:lvef-modality", "code": "cmr"}]}, "cmr"),
    ],
)
def test_modality_from_the_method(cardiology_client, patient, method, modality):
    assert _post(cardiology_client, observation(method=method)).status_code == 201
    assert LvefMeasurement.objects.get().modality == modality


def test_without_gls_component(cardiology_client, patient):
    assert _post(cardiology_client, observation(component=None)).status_code == 201
    assert LvefMeasurement.objects.get().gls is None


# --- refusals, each naming its place --------------------------------------------------------


def test_unknown_loinc(cardiology_client, patient):
    body = observation(code={"coding": [{"system": codes.LOINC, "code": "8867-4"}]})
    _refused(_post(cardiology_client, body), 422, "Observation.code", "not a left ventricular")


@pytest.mark.parametrize(
    "code, words",
    [
        ("8808-8", "an LVEF by angiography"),
        ("8810-4", "an LVEF by CT"),
        ("18044-8", "not a left ventricular ejection fraction"),
    ],
)
def test_refused_loinc_with_its_reason(cardiology_client, patient, code, words):
    body = observation(code={"coding": [{"system": codes.LOINC, "code": code}]})
    _refused(_post(cardiology_client, body), 422, "Observation.code", f"LOINC {code} is {words}")


def test_code_without_loinc(cardiology_client, patient):
    body = observation(code={"text": "LVEF"})
    _refused(_post(cardiology_client, body), 422, "Observation.code", "needs a LOINC coding")


def test_missing_method_is_an_error_not_a_guess(cardiology_client, patient):
    _refused(
        _post(cardiology_client, observation(method=None)),
        422,
        "Observation.method",
        "does not guess",
    )


def test_unknown_method(cardiology_client, patient):
    body = observation(method={"coding": [{"system": codes.SNOMED, "code": "77477000"}]})
    _refused(_post(cardiology_client, body), 422, "Observation.method", "not a method")


def test_method_contradicting_the_code(cardiology_client, patient):
    body = observation(
        code={"coding": [{"system": codes.LOINC, "code": "18043-0"}]},
        method={"coding": [{"system": codes.SNOMED, "code": "241620005"}]},
    )
    _refused(_post(cardiology_client, body), 422, "Observation.method", "LVEF by Echocardiogram")


def test_unknown_patient(cardiology_client, patient):
    _refused(
        _post(cardiology_client, observation(mrn="ZZ999")),
        422,
        "Observation.subject",
        "no patient",
    )


def test_another_identifier_system_for_the_patient(cardiology_client, patient):
    body = observation(subject={"identifier": {"system": "urn:other", "value": "A1001"}})
    _refused(_post(cardiology_client, body), 422, "Observation.subject", "not this hospital")


def test_subject_by_reference_only(cardiology_client, patient):
    body = observation(subject={"reference": "Patient/1"})
    _refused(_post(cardiology_client, body), 422, "Observation.subject", "by MRN")


@pytest.mark.parametrize("value", [0, 99.5, 150])
def test_value_out_of_range(cardiology_client, patient, value):
    body = observation(valueQuantity={"value": value, "unit": "%"})
    _refused(_post(cardiology_client, body), 422, "Observation.valueQuantity.value")


def test_value_at_the_limits_is_accepted(cardiology_client, patient):
    assert _post(cardiology_client, observation(valueQuantity={"value": 99, "unit": "%"}))
    assert LvefMeasurement.objects.get().value == 99


def test_gls_out_of_range(cardiology_client, patient):
    body = observation()
    body["component"][0]["valueQuantity"]["value"] = 5
    _refused(_post(cardiology_client, body), 422, "Observation.component[0].valueQuantity.value")


def test_wrong_unit(cardiology_client, patient):
    body = observation(valueQuantity={"value": 0.55, "unit": "1", "code": "1"})
    _refused(_post(cardiology_client, body), 422, "Observation.valueQuantity.code", "in %")


def test_missing_value(cardiology_client, patient):
    _refused(
        _post(cardiology_client, observation(valueQuantity=None)),
        422,
        "Observation.valueQuantity.value",
        "required",
    )


def test_date_in_the_future(cardiology_client, patient):
    body = observation(effectiveDateTime="2099-01-01")
    _refused(_post(cardiology_client, body), 422, "Observation.effectiveDateTime")


def test_partial_date(cardiology_client, patient):
    body = observation(effectiveDateTime="2026-02")
    _refused(_post(cardiology_client, body), 422, "Observation.effectiveDateTime", "full date")


def test_date_and_time_is_the_local_date(cardiology_client, patient):
    body = observation(effectiveDateTime="2026-02-01T23:30:00Z")  # London: still 1 Feb
    assert _post(cardiology_client, body).status_code == 201
    assert LvefMeasurement.objects.get().date == date(2026, 2, 1)


def test_missing_identifier(cardiology_client, patient):
    _refused(
        _post(cardiology_client, observation(identifier=None)),
        422,
        "Observation.identifier",
        "repeated send",
    )


@pytest.mark.parametrize("status", ["preliminary", "entered-in-error", "cancelled"])
def test_not_a_result(cardiology_client, patient, status):
    _refused(_post(cardiology_client, observation(status=status)), 422, "Observation.status")


def test_not_r4_is_400_with_the_path(cardiology_client, patient):
    body = observation(valueQuantity={"value": "fifty", "unit": "%"})
    _refused(_post(cardiology_client, body), 400, "Observation.valueQuantity.value")
    _refused(_post(cardiology_client, observation(colour="red")), 400, "Observation.colour")


def test_other_resource_type(cardiology_client, patient):
    body = {"resourceType": "Patient"}
    _refused(_post(cardiology_client, body), 422, "Observation.resourceType", "must be Obs")


def test_not_json(cardiology_client, patient):
    response = cardiology_client.post(URL, "{oops", content_type="application/fhir+json")
    _refused(response, 400, "$", "not JSON")


def test_body_too_large(cardiology_client, patient, settings):
    settings.FHIR_MAX_BODY_BYTES = 100
    _refused(_post(cardiology_client, observation()), 413, "$", "larger than")


def test_several_problems_are_all_named(cardiology_client, patient):
    body = observation(method=None, identifier=None, mrn="ZZ999")
    found = _refused(_post(cardiology_client, body), 422, "Observation.method")
    expressions = {e for issue in found["issue"] for e in issue["expression"]}
    assert {"Observation.identifier", "Observation.subject"} <= expressions


# --- transaction Bundles --------------------------------------------------------------------


def _entry(n, value=55, **changes):
    return observation(
        identifier=[{"system": "urn:example:echo-reports", "value": f"E{n}"}],
        effectiveDateTime=f"2026-02-{n:02d}",
        valueQuantity={"value": value, "unit": "%"},
        **changes,
    )


@pytest.mark.parametrize("url", [URL, "/api/fhir/"])
def test_transaction_creates_every_entry(cardiology_client, patient, url):
    response = _post(cardiology_client, transaction(_entry(1), _entry(2, 50), _entry(3, 45)), url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert_valid_r4(body)
    assert body["type"] == "transaction-response"
    assert [e["response"]["status"] for e in body["entry"]] == ["201 Created"] * 3
    values = LvefMeasurement.objects.order_by("date").values_list("value", flat=True)
    assert list(values) == [55, 50, 45]


def test_transaction_is_all_or_nothing(cardiology_client, patient):
    bundle = transaction(_entry(1), _entry(2), _entry(3, 150))
    _refused(_post(cardiology_client, bundle), 422, "Bundle.entry[2].resource.valueQuantity.value")


def test_transaction_names_every_bad_entry(cardiology_client, patient):
    bundle = transaction(_entry(1, method=None), _entry(2), _entry(3, mrn="ZZ999"))
    body = _refused(_post(cardiology_client, bundle), 422, "Bundle.entry[0].resource.method")
    expressions = {e for issue in body["issue"] for e in issue["expression"]}
    assert "Bundle.entry[2].resource.subject" in expressions


def test_transaction_repeated_is_idempotent(cardiology_client, patient):
    bundle = transaction(_entry(1), _entry(2))
    assert _post(cardiology_client, bundle).status_code == 200
    again = _post(cardiology_client, bundle).json()
    assert [e["response"]["status"] for e in again["entry"]] == ["200 OK"] * 2
    assert LvefMeasurement.objects.count() == 2


def test_transaction_entry_must_post_observation(cardiology_client, patient):
    bundle = transaction(_entry(1))
    bundle["entry"][0]["request"] = {"method": "PUT", "url": "Observation/1"}
    _refused(_post(cardiology_client, bundle), 422, "Bundle.entry[0].request", "POST")


def test_bundle_of_another_type(cardiology_client, patient):
    bundle = transaction(_entry(1))
    bundle["type"] = "batch"
    _refused(_post(cardiology_client, bundle), 422, "Bundle.type", "transaction")


def test_empty_transaction(cardiology_client, patient):
    _refused(_post(cardiology_client, transaction()), 422, "Bundle.entry", "empty")


# --- hostile input: 4xx, never a 500 ----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        '{"resourceType": "Observation", "status": "final\\u0000"}',
        '{"resourceType": "Observation", "valueQuantity": {"value": 1e400}}',
        "[" * 5000 + "]" * 5000,
        "[]",
        '"Observation"',
        '{"resourceType": "Bundle", "type": "transaction", "entry": [1, "x", null]}',
        '{"resourceType": "Bundle", "type": "transaction", "entry": [{"resource": []}]}',
    ],
)
def test_hostile_bodies_are_refused_with_an_outcome(cardiology_client, patient, body):
    response = cardiology_client.post(URL, body, content_type="application/fhir+json")
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["resourceType"] == "OperationOutcome"
    assert LvefMeasurement.objects.count() == 0


@pytest.mark.parametrize("value", ["1e400", "NaN", "55.55", "-0"])
def test_odd_numbers(cardiology_client, patient, value):
    body = json.dumps(observation()).replace('"value": 55,', f'"value": {value},')
    response = cardiology_client.post(URL, body, content_type="application/fhir+json")
    assert 400 <= response.status_code < 500, response.content
    assert LvefMeasurement.objects.count() == 0
