"""Lock-out after repeated failures, idle expiry, strong passwords, Argon2."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def login(client, password):
    return client.post("/accounts/login/", {"username": "nora", "password": password})


def test_five_failures_lock_the_account_for_15_minutes(client, axes_on):
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    for _ in range(4):
        assert login(client, "wrong").status_code == 200
    # The fifth failure locks; then even the right password is refused.
    assert login(client, "wrong").status_code == 429
    response = login(client, "correct-horse-battery")
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()
    assert client.get("/").status_code == 302  # not logged in


def test_four_failures_do_not_lock(client, axes_on):
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    for _ in range(4):
        login(client, "wrong")
    assert login(client, "correct-horse-battery").status_code == 302


def test_lock_out_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME


def test_idle_session_expires_after_30_minutes(client):
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    response = login(client, "correct-horse-battery")
    # A browser-session cookie (gone when the browser closes); the server enforces the 30 minutes.
    assert response.cookies["sessionid"]["max-age"] == ""
    assert client.get("/flags/").status_code == 200
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    # Each request moves the expiry: 30 minutes from the last request, not from log-in.
    session = Session.objects.get()
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)
    # Idle for longer than that: the session is gone.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/flags/").status_code == 302


@pytest.mark.parametrize("password", ["short1A!", "password1234", "123456789012", "nora-navigator"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="nora", first_name="Nora", last_name="Navigator")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_strong_password_is_accepted():
    validate_password("mauve-otter-cardio-7431", UserFactory.build(username="nora"))


def test_argon2_is_the_hasher_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
