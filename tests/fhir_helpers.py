"""Shared by the FHIR tests: a valid LVEF Observation to vary, and the R4 check."""

from __future__ import annotations

import copy

from tracker.fhir import codes
from tracker.fhir.validation import problems

# Statuses of the resources the export writes (required bindings fhir.resources does not check).
STATUSES = {
    "MedicationAdministration": {
        "in-progress", "not-done", "on-hold", "completed", "entered-in-error", "stopped",
        "unknown",
    },
    "Observation": {
        "registered", "preliminary", "final", "amended", "corrected", "cancelled",
        "entered-in-error", "unknown",
    },
    "MedicationStatement": {
        "active", "completed", "entered-in-error", "intended", "stopped", "on-hold", "unknown",
        "not-taken",
    },
    "Flag": {"active", "inactive", "entered-in-error"},
    "ServiceRequest": {
        "draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown",
    },
}  # fmt: skip


def assert_valid_r4(resource):
    """Fails on any validation error of fhir.resources' R4 models, or a status outside its
    required value set."""
    found = problems(resource)
    assert found == [], f"{resource.get('resourceType')}/{resource.get('id')}: {found}"
    kind = resource["resourceType"]
    if kind in STATUSES:
        assert resource["status"] in STATUSES[kind], resource
    if kind == "Bundle":
        for entry in resource.get("entry", []):
            assert_valid_r4(entry["resource"])


def observation(mrn="A1001", **changes):
    """An echo LVEF of 55% with GLS -18.5% on 1 Feb 2026, identifier echo-system|E1."""
    resource = {
        "resourceType": "Observation",
        "identifier": [{"system": "urn:example:echo-reports", "value": "E1"}],
        "status": "final",
        "code": {"coding": [{"system": codes.LOINC, "code": "10230-1"}]},
        "subject": {"identifier": {"system": codes.mrn_system(), "value": mrn}},
        "effectiveDateTime": "2026-02-01",
        "valueQuantity": {"value": 55, "unit": "%", "system": codes.UCUM, "code": "%"},
        "method": {"coding": [{"system": codes.SNOMED, "code": "40701008"}]},
        "component": [
            {
                "code": {"coding": [{"system": codes.local_system("observation"), "code": "gls"}]},
                "valueQuantity": {"value": -18.5, "unit": "%", "system": codes.UCUM, "code": "%"},
            }
        ],
    }
    resource = copy.deepcopy(resource)
    for key, value in changes.items():
        if value is None:
            resource.pop(key, None)
        else:
            resource[key] = value
    return resource


def transaction(*resources):
    return {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {"resource": r, "request": {"method": "POST", "url": "Observation"}} for r in resources
        ],
    }
