"""Security headers in every settings module; production refuses to start unsafe."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("url", ["/accounts/login/", "/"])
def test_security_headers_on_every_response(nurse_client, url):
    client = nurse_client
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_have_no_inline_script(nurse_client):
    client = nurse_client
    for url in ("/", "/patients/", "/flags/", "/accounts/login/"):
        html = client.get(url).content.decode()
        # Only scripts served from static/ (Bootstrap's collapse for the navbar, the error
        # summary's focus, the session-expiry warning), nothing inline.
        scripts = re.findall(r"<script[^>]*>", html)
        assert all(re.fullmatch(r'<script src="/static/[\w/.-]+\.js" defer>', s) for s in scripts)


def test_csrf_is_enforced_on_forms(oncologist):
    csrf_client = Client(enforce_csrf_checks=True)
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    assert (
        csrf_client.post(
            "/accounts/login/", {"username": "nora", "password": "correct-horse-battery"}
        ).status_code
        == 403
    )
    csrf_client.force_login(oncologist)  # the persona, on a client that enforces CSRF
    response = csrf_client.post("/patients/new/", {"mrn": "X"})
    assert response.status_code == 403


def _production(env):
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **env,
        },
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _production({"DJANGO_ALLOWED_HOSTS": "tracker.example.org"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _production(
        {
            "DJANGO_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-value-0123456789",
            "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS > 0, s.X_FRAME_OPTIONS, s.SESSION_COOKIE_HTTPONLY)"
)


def test_production_settings_values():
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "k" * 60,
            "DJANGO_ALLOWED_HOSTS": "a.example",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["False", "True", "True", "True", "True", "DENY", "True"], (
        result.stderr
    )
