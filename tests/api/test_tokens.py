"""API tokens (issue 15 item 1): stored as a digest only, shown once in the admin, refused with
a JSON 401 when revoked or when the account may not sign in, and their last use recorded."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.api.auth import LAST_USED_SECONDS
from tracker.models import ApiToken

PATIENTS = "/api/v1/patients/"
TOKEN_RE = re.compile(r"trk_[0-9a-f]{8}_[A-Za-z0-9_-]+")


def _get(client, token):
    return client.get(PATIENTS, HTTP_AUTHORIZATION=f"Bearer {token}")


def _secret(token):
    # the secret itself may hold "_" (URL-safe base64): it is everything after trk_<prefix>_
    return token.split("_", 2)[2]


def _row_values(row):
    return [str(v) for v in ApiToken.objects.filter(pk=row.pk).values().get().values()]


@pytest.mark.django_db
def test_the_secret_is_stored_only_as_a_digest(nurse):
    row, token = ApiToken.issue(user=nurse, name="echo system")
    secret = _secret(token)
    assert len(secret) >= 40
    values = _row_values(row)
    assert not any(secret in v for v in values)
    assert not any(token in v for v in values)
    assert row.digest != token and len(row.digest) == 64
    assert row.matches(token) and not row.matches(token + "x")


@pytest.mark.django_db
def test_the_admin_shows_the_token_once(admin_client, nurse, client):
    response = admin_client.post(
        "/admin/tracker/apitoken/add/", {"user": nurse.pk, "name": "echo system"}, follow=True
    )
    assert response.status_code == 200
    shown = TOKEN_RE.findall(response.content.decode())
    assert len(shown) == 1, "the add message shows the token"
    token = shown[0]
    row = ApiToken.objects.get(name="echo system")
    assert row.user == nurse and row.matches(token)
    assert not any(_secret(token) in v for v in _row_values(row))
    change = admin_client.get(f"/admin/tracker/apitoken/{row.pk}/change/").content.decode()
    assert token not in change
    assert _secret(token) not in change
    assert f"trk_{row.prefix}_" in change  # only the prefix, to tell tokens apart
    # and it works
    assert _get(client, token).status_code == 200


@pytest.mark.django_db
def test_tokens_cannot_be_deleted_in_the_admin(admin_client, nurse):
    row, _ = ApiToken.issue(user=nurse, name="echo")
    response = admin_client.get(f"/admin/tracker/apitoken/{row.pk}/delete/")
    assert response.status_code in (302, 403)
    assert ApiToken.objects.filter(pk=row.pk).exists()


def _assert_json_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == 401
    assert "token" in body["detail"].lower() or "credentials" in body["detail"].lower()
    assert "WWW-Authenticate" in response


@pytest.mark.django_db
def test_a_revoked_token_is_refused(nurse, administrator, client):
    row, token = ApiToken.issue(user=nurse, name="echo")
    assert _get(client, token).status_code == 200
    row.revoke(by=administrator)
    _assert_json_401(_get(client, token))


@pytest.mark.django_db
def test_the_admin_revoke_action_revokes(admin_client, nurse, administrator, client):
    row, token = ApiToken.issue(user=nurse, name="echo")
    admin_client.post(
        "/admin/tracker/apitoken/",
        {"action": "revoke", "_selected_action": [row.pk]},
        follow=True,
    )
    row.refresh_from_db()
    assert row.revoked_at is not None and row.revoked_by == administrator
    _assert_json_401(_get(client, token))


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"is_active": False}, {"is_staff": False}])
def test_tokens_of_accounts_that_may_not_sign_in_are_refused(nurse, client, change):
    _, token = ApiToken.issue(user=nurse, name="echo")
    for name, value in change.items():
        setattr(nurse, name, value)
    nurse.save()
    _assert_json_401(_get(client, token))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [
        "Bearer ",
        "Bearer trk_",
        "Bearer nonsense",
        "Bearer trk_00000000_secret",
        "Token trk_00000000_secret",
        "Bearer " + "x" * 500,
    ],
)
def test_unknown_or_malformed_tokens_are_refused(client, nurse, header):
    ApiToken.issue(user=nurse, name="echo")
    _assert_json_401(client.get(PATIENTS, HTTP_AUTHORIZATION=header))


@pytest.mark.django_db
def test_a_wrong_secret_with_a_real_prefix_is_refused(client, nurse):
    row, token = ApiToken.issue(user=nurse, name="echo")
    _assert_json_401(_get(client, f"trk_{row.prefix}_not-the-secret"))


@pytest.mark.django_db
def test_no_credentials_is_a_json_401(client):
    response = client.get(PATIENTS)
    assert response.status_code == 401
    assert response.json()["status"] == 401


@pytest.mark.django_db
def test_the_token_scheme_works_too(client, nurse):
    from tests.factories import PatientFactory

    PatientFactory(mrn="A0001")
    _, token = ApiToken.issue(user=nurse, name="echo")
    response = client.get(PATIENTS, HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert [row["mrn"] for row in response.json()["results"]] == ["A0001"]
    # The scheme word is not a way around the secret.
    _assert_json_401(client.get(PATIENTS, HTTP_AUTHORIZATION=f"Token {token}x"))


@pytest.mark.django_db
def test_last_used_is_recorded_at_most_once_a_minute(client, nurse):
    row, token = ApiToken.issue(user=nurse, name="echo")
    assert row.last_used_at is None
    assert _get(client, token).status_code == 200
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=30)
    _get(client, token)
    row.refresh_from_db()
    assert row.last_used_at == first  # no write on every read
    stale = timezone.now() - timedelta(seconds=LAST_USED_SECONDS + 1)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=stale)
    _get(client, token)
    row.refresh_from_db()
    assert row.last_used_at > stale


@pytest.mark.django_db
def test_the_browser_session_works_and_its_writes_need_csrf(nurse):
    from django.test import Client

    from tests.factories import PatientFactory

    PatientFactory(mrn="A0001")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nurse)
    assert browser.get(PATIENTS).status_code == 200
    body = '{"date": "2026-03-01", "value": 55, "modality": "echo"}'
    url = "/api/v1/patients/A0001/lvef/"
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    browser.get("/")  # a page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201, accepted.json()


@pytest.mark.django_db
def test_a_token_request_needs_no_csrf(nurse):
    from django.test import Client

    from tests.factories import PatientFactory

    PatientFactory(mrn="A0001")
    _, token = ApiToken.issue(user=nurse, name="echo")
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/patients/A0001/lvef/",
        '{"date": "2026-03-01", "value": 55, "modality": "echo"}',
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.json()
    from tracker.models import LvefMeasurement

    created = LvefMeasurement.objects.get()
    assert (created.patient.mrn, created.value, created.created_by) == ("A0001", 55, nurse)
    assert response.json()["id"] == created.pk
