"""Issue 9 findings 8 and 9, issue 13 item 4: no patient page stays in a shared PC's browser
cache; Permissions-Policy on every response; X-Forwarded-Proto trusted only behind a proxy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import LvefFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def patient():
    patient = PatientFactory(mrn="C1001")
    LvefFactory(patient=patient)
    return patient


def _no_store(response):
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    [
        "/",  # worklist
        "/?format=csv",  # worklist CSV
        "/patients/",  # patient list
        "/patients/C1001/",  # timeline
        "/patients/C1001/history/",  # change history
        "/patients/C1001/lvef/new/",  # a form
        "/flags/",
        "/accounts/password_change/",
        "/admin/",
        "/admin/tracker/patient/",
        "/patients/C1001/edit",  # redirect (APPEND_SLASH)
        "/patients/NOSUCH/",  # 404
    ],
)
def test_every_response_to_a_signed_in_user_is_no_store(client, patient, url):
    client.force_login(UserFactory(username="boss", is_superuser=True))
    response = client.get(url)
    assert response.status_code in (200, 301, 302, 404)
    assert _no_store(response), (url, response.get("Cache-Control"))
    assert "private" in response["Cache-Control"]


def test_a_patient_page_after_a_post_redirect_and_a_403_are_no_store(client, patient):
    client.force_login(UserFactory(username="n", roles=["nurse"]))
    # A redirect after a write, and a role refused a page: neither may be cached.
    response = client.post(
        "/patients/C1001/lvef/new/",
        {"date": "2026-01-10", "value": "61", "modality": "echo"},
    )
    assert response.status_code in (200, 302)
    assert _no_store(response)
    client.force_login(UserFactory(username="reader", roles=[]))
    forbidden = client.get("/patients/new/")
    assert forbidden.status_code == 403 and _no_store(forbidden)


def test_anonymous_redirect_to_login_and_logout_are_no_store(client):
    assert _no_store(client.get("/patients/"))
    client.force_login(UserFactory(username="n", roles=["nurse"]))
    assert _no_store(client.post("/accounts/logout/"))


@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/static/tracker/tracker.css"])
def test_permissions_policy_on_every_response(client, url):
    response = client.get(url)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


PRINT_PROXY = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_PROXY_SSL_HEADER)"
)


def _production_value(extra_env):
    result = subprocess.run(
        [sys.executable, "-c", PRINT_PROXY],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "a.example",
            **extra_env,
        },
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forwarded_proto_is_trusted_only_behind_a_declared_proxy():
    assert _production_value({}) == "None"
    assert (
        _production_value({"DJANGO_BEHIND_PROXY": "true"}) == "('HTTP_X_FORWARDED_PROTO', 'https')"
    )
