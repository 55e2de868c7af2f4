"""The FHIR API's doors (issue 15 items 2, 3): no login → 401 OperationOutcome (never a
redirect to the log-in page), a role without the permission → 403, a non-staff account → 403,
and a session POST still passes Django's CSRF check."""

import json
from datetime import date

import pytest
from django.test import Client

from tests.factories import PatientFactory, UserFactory
from tests.fhir_helpers import observation
from tracker.models import LvefMeasurement

pytestmark = pytest.mark.django_db

EVERYTHING = "/api/fhir/Patient/A1001/$everything"
POSTS = ("/api/fhir/Observation", "/api/fhir/")


@pytest.fixture
def patient(db):
    return PatientFactory(mrn="A1001", date_of_birth=date(1960, 1, 1))


def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/fhir+json", **extra)


def _body_for(url):
    if url.endswith("Observation"):
        return observation()
    from tests.fhir_helpers import transaction

    return transaction(observation())


def _assert_outcome(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"] == "application/fhir+json"
    assert "Location" not in response
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == code


def test_logged_out_get_is_401_not_a_redirect(client, patient):
    _assert_outcome(client.get(EVERYTHING), 401, "login")


@pytest.mark.parametrize("url", POSTS)
def test_logged_out_post_is_401_and_writes_nothing(client, patient, url):
    _assert_outcome(_post(client, url, _body_for(url)), 401, "login")
    assert LvefMeasurement.objects.count() == 0


@pytest.mark.parametrize("role", ["viewer_client", "cardiology_client", "nurse_client"])
def test_every_role_reads(request, patient, role):
    response = request.getfixturevalue(role).get(EVERYTHING)
    assert response.status_code == 200
    assert response.json()["entry"][0]["resource"]["identifier"][0]["value"] == "A1001"


@pytest.mark.parametrize("url", POSTS)
def test_viewer_cannot_post(viewer_client, patient, url):
    _assert_outcome(_post(viewer_client, url, _body_for(url)), 403, "forbidden")
    assert LvefMeasurement.objects.count() == 0


@pytest.mark.parametrize("role", ["cardiology_client", "nurse_client", "oncologist_client"])
def test_roles_that_record_lvef_may_post(request, patient, role):
    response = _post(request.getfixturevalue(role), POSTS[0], observation())
    assert response.status_code == 201, response.content
    assert LvefMeasurement.objects.get().value == 55


def test_non_staff_account_gets_403(client, patient):
    client.force_login(UserFactory(username="outsider", is_staff=False, roles=["oncologist"]))
    _assert_outcome(client.get(EVERYTHING), 403, "forbidden")
    _assert_outcome(_post(client, POSTS[0], observation()), 403, "forbidden")


def test_session_post_needs_the_csrf_token(cardiology, patient):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cardiology)
    refused = _post(client, POSTS[0], observation())
    _assert_outcome(refused, 403, "security")
    assert "CSRF" in refused.json()["issue"][0]["diagnostics"]
    assert LvefMeasurement.objects.count() == 0
    client.get("/")  # the page sets the CSRF cookie, as a browser session would have it
    token = client.cookies["csrftoken"].value
    accepted = _post(client, POSTS[0], observation(), HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201, accepted.content


def test_the_token_hook_is_one_function():
    """The integrator's hook for API tokens (tracker.api.auth): views.authenticate."""
    from tracker.fhir import views

    assert callable(views.authenticate)
    assert "authenticate_api_token" in views.authenticate.__doc__
