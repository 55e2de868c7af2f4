"""The FHIR endpoints take the REST API's tokens (issue 15 item 1: one authentication for every
API): an echo system posts its LVEF Observations with a token and no CSRF; the audit names the
token's user; a revoked token is refused and never falls back to a session."""

import json
from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import PatientFactory
from tests.fhir_helpers import observation
from tracker.models import ApiToken, AuditEvent, LvefMeasurement

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(db):
    return PatientFactory(mrn="A1001", date_of_birth=date(1960, 1, 1))


def _headers(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_a_token_posts_an_observation_without_csrf(cardiology, patient):
    _, secret = ApiToken.issue(user=cardiology, name="echo system")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/fhir/Observation",
        json.dumps(observation()),
        content_type="application/fhir+json",
        **_headers(secret),
    )
    assert response.status_code == 201, response.content
    lvef = LvefMeasurement.objects.get()
    assert lvef.created_by == cardiology


def test_a_token_reads_everything_and_the_audit_names_its_user(viewer, patient):
    _, secret = ApiToken.issue(user=viewer, name="registry")
    response = Client().get("/api/fhir/Patient/A1001/$everything", **_headers(secret))
    assert response.status_code == 200
    assert response.json()["resourceType"] == "Bundle"
    event = AuditEvent.objects.filter(action="patient_view").latest("at")
    assert event.username == viewer.username


def test_a_viewers_token_may_not_post(viewer, patient):
    _, secret = ApiToken.issue(user=viewer, name="registry")
    response = Client().post(
        "/api/fhir/Observation",
        json.dumps(observation()),
        content_type="application/fhir+json",
        **_headers(secret),
    )
    assert response.status_code == 403
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not LvefMeasurement.objects.exists()


def test_a_revoked_token_is_refused_even_with_a_session(cardiology_client, cardiology, patient):
    row, secret = ApiToken.issue(user=cardiology, name="echo system")
    ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
    response = cardiology_client.get("/api/fhir/Patient/A1001/$everything", **_headers(secret))
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
