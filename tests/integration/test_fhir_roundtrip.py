"""Issue 15 item 5, the round trip: every demo patient exported as FHIR R4 (manage.py
fhir_export), every resource validated with fhir.resources, the Observations re-imported
through POST /api/fhir/ into an empty database (the patients created first by the interchange
importer), and the LVEF values come back identical."""

import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from devdata.demo import demo_document
from tests.fhir_helpers import assert_valid_r4
from tests.fhir_helpers import transaction as bundle_of
from tracker.interchange import import_document
from tracker.models import LvefMeasurement, Patient
from tracker.services import import_actor

pytestmark = pytest.mark.django_db

TYPES = ("Patient", "MedicationAdministration", "Observation", "MedicationStatement", "Flag")


class _Rollback(Exception):
    pass


def _lvef_rows():
    rows = LvefMeasurement.objects.filter(entered_in_error=False).values_list(
        "patient__mrn", "date", "value", "modality", "gls"
    )
    return sorted(rows)


def test_demo_patients_round_trip(tmp_path, cardiology_client):
    today = timezone.localdate()
    document = demo_document(today)
    # Export from a database holding the demo clinic, then roll it back: the database is
    # empty again (records are never deleted, and the audit trail refuses deletes).
    try:
        with transaction.atomic():
            import_document(document, actor=import_actor())
            exported = _lvef_rows()
            call_command("fhir_export", str(tmp_path), "--as-of", today.isoformat())
            raise _Rollback
    except _Rollback:
        pass
    assert not Patient.objects.exists() and not LvefMeasurement.objects.exists()
    assert len(exported) > 20

    resources = {
        kind: [json.loads(line) for line in (tmp_path / f"{kind}.ndjson").read_text().splitlines()]
        for kind in (*TYPES, "ServiceRequest")
    }
    for found in resources.values():
        for resource in found:
            assert_valid_r4(resource)
    assert len(resources["Patient"]) == len(document["patients"])
    assert {kind for kind, found in resources.items() if found} >= set(TYPES)

    # The patients alone, through the interchange importer, then the Observations by FHIR.
    patients_only = {
        **document,
        "patients": [
            {
                key: value
                for key, value in p.items()
                if key not in ("courses", "lvef", "cotreatments")
            }
            for p in document["patients"]
        ],
    }
    import_document(patients_only, actor=import_actor())
    observations = [o for o in resources["Observation"] if o["status"] == "final"]
    assert len(observations) == len(exported)
    response = cardiology_client.post(
        "/api/fhir/", json.dumps(bundle_of(*observations)), content_type="application/fhir+json"
    )
    assert response.status_code == 200, response.content[:2000]
    assert _lvef_rows() == exported
