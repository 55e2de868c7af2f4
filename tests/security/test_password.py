"""Issue 9 finding 7 (no public password reset) and finding 11 (a password like the user name
is refused; old-password guesses on the change form count towards the lock-out)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from tests.factories import UserFactory
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ],
)
def test_password_reset_pages_do_not_exist(client, url, mailoutbox):
    assert client.get(url).status_code == 404
    response = client.post(url, {"email": "a@example.org"})
    assert response.status_code == 404
    assert mailoutbox == []


def test_password_reset_pages_are_gone_for_signed_in_staff_too(client):
    client.force_login(UserFactory(username="n", roles=["nurse"]))
    assert client.get("/accounts/password_reset/").status_code == 404


def test_login_page_says_to_ask_an_administrator(client):
    html = client.get("/accounts/login/").content.decode()
    assert "Forgot your password? Ask an administrator." in html
    assert "password_reset" not in html


def test_a_password_repeating_the_user_name_is_refused():
    user = UserFactory.build(username="lockme2", first_name="", last_name="")
    with pytest.raises(ValidationError) as refused:
        validate_password("lockme2lockme2", user)
    assert "too similar to the username" in " ".join(refused.value.messages)
    validate_password("granite-lantern-otter", user)  # an unrelated password still passes


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


def _guess(client, old):
    return client.post(
        "/accounts/password_change/",
        {
            "old_password": old,
            "new_password1": "granite-lantern-otter",
            "new_password2": "granite-lantern-otter",
        },
    )


def test_old_password_guesses_count_towards_the_lock_out(client, axes_on):
    user = UserFactory(username="nora", password=PASSWORD, roles=["nurse"])
    client.force_login(user)
    for _ in range(4):
        response = _guess(client, "wrong-guess-123")
        assert response.status_code == 200
        assert "Your old password was entered incorrectly" in response.content.decode()
    assert AuditEvent.objects.filter(action="login_failed", username="nora").count() == 4
    # The fifth wrong guess locks the account and ends the guesser's session ...
    locked = _guess(client, "wrong-guess-123")
    assert "locked" in locked.content.decode().lower()
    assert client.get("/flags/").status_code == 302
    # ... and even the right password no longer logs in.
    response = client.post("/accounts/login/", {"username": "nora", "password": PASSWORD})
    assert "locked" in response.content.decode().lower()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_right_old_password_still_changes_it(client, axes_on):
    user = UserFactory(username="nora", password=PASSWORD, roles=["nurse"])
    client.force_login(user)
    response = _guess(client, PASSWORD)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("granite-lantern-otter")


def test_the_admin_password_change_counts_guesses_too(client, axes_on):
    admin = UserFactory(username="boss", password=PASSWORD, is_superuser=True)
    client.force_login(admin)
    for _ in range(5):
        response = client.post(
            "/admin/password_change/",
            {"old_password": "wrong", "new_password1": "x", "new_password2": "x"},
        )
    assert AuditEvent.objects.filter(action="login_failed", username="boss").count() == 5
    assert "locked" in response.content.decode().lower()
