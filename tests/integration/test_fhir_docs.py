"""The README's FHIR example (issue 15): the Observation it shows is accepted as written."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from tests.factories import PatientFactory
from tracker.models import LvefMeasurement

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.mark.django_db
def test_readme_observation_is_accepted(cardiology_client):
    PatientFactory(mrn="A1001", date_of_birth=date(1960, 1, 1))
    section = README.read_text().split("## FHIR R4", 1)[1].split("\n## ", 1)[0]
    (example,) = re.findall(r"```json\n(.*?)```", section, re.S)
    response = cardiology_client.post(
        "/api/fhir/Observation", example, content_type="application/fhir+json"
    )
    assert response.status_code == 201, response.content
    m = LvefMeasurement.objects.get()
    assert (m.value, m.modality, m.gls, m.source_value) == (55, "echo", -18.5, "ECHO-2026-0042")
    assert json.loads(example)["subject"]["identifier"]["value"] == "A1001"
