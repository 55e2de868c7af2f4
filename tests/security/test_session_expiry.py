"""Issue 13 item 3: after the idle limit the log-in page says why the user was signed out and
brings them back to the page they were on; signing out says so; the keep-alive behind the
expiry warning moves the limit."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import signing
from django.utils import timezone

from tests.factories import PatientFactory, UserFactory
from tracker.middleware import LAST_SEEN_COOKIE, LAST_SEEN_SALT
from tracker.models import LvefMeasurement

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"
IDLE_MESSAGE = "Your session ended after 30 minutes without activity; please sign in again."


@pytest.fixture
def signed_in(client):
    UserFactory(username="nora", password=PASSWORD, roles=["nurse"])
    client.post("/accounts/login/", {"username": "nora", "password": PASSWORD})
    PatientFactory(mrn="C1001")
    assert client.get("/patients/C1001/").status_code == 200
    return client


def _idle_for(client, seconds):
    """The server-side session has expired; the browser last used it `seconds` ago."""
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    last_seen = signing.get_cookie_signer(salt=LAST_SEEN_COOKIE + LAST_SEEN_SALT).sign(
        str(int(time.time()) - seconds)
    )
    client.cookies[LAST_SEEN_COOKIE] = last_seen


def test_a_form_posted_after_the_idle_limit_says_why_and_returns_to_the_page(signed_in):
    client = signed_in
    form_url = "/patients/C1001/lvef/new/"
    _idle_for(client, 30 * 60 + 2)
    response = client.post(form_url, {"date": "2026-01-10", "value": "61", "modality": "echo"})
    assert not LvefMeasurement.objects.exists()
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={form_url}"
    login_page = client.get(response["Location"])
    html = login_page.content.decode()
    assert IDLE_MESSAGE in html
    assert f'name="next" value="{form_url}"' in html
    # The reason is said once: the cookie that carried it is gone.
    assert login_page.cookies[LAST_SEEN_COOKIE].value == ""
    back = client.post(
        "/accounts/login/", {"username": "nora", "password": PASSWORD, "next": form_url}
    )
    assert back["Location"] == form_url


def test_the_minutes_come_from_the_setting(signed_in, settings):
    settings.SESSION_COOKIE_AGE = 10 * 60
    _idle_for(signed_in, 10 * 60 + 2)
    html = signed_in.get("/accounts/login/?next=/").content.decode()
    assert "Your session ended after 10 minutes without activity" in html


def test_a_session_ended_early_is_not_called_idle(signed_in):
    _idle_for(signed_in, 60)  # e.g. an administrator ended it
    html = signed_in.get("/accounts/login/").content.decode()
    assert "Your session has ended; please sign in again." in html
    assert "without activity" not in html


def test_a_forged_last_seen_cookie_says_nothing(client):
    client.cookies[LAST_SEEN_COOKIE] = "0"
    html = client.get("/accounts/login/").content.decode()
    assert "session" not in html.lower()


def test_a_first_visit_gives_no_reason(client):
    assert "Your session" not in client.get("/accounts/login/").content.decode()


def test_signing_out_says_so_and_not_that_the_session_expired(signed_in):
    response = signed_in.post("/accounts/logout/", follow=True)
    html = response.content.decode()
    assert "You have signed out." in html
    assert "Your session" not in html
    assert signed_in.get("/patients/").status_code == 302


def test_the_keepalive_moves_the_idle_limit(signed_in):
    Session.objects.update(expire_date=timezone.now() + timedelta(seconds=30))
    assert signed_in.post("/accounts/session/keepalive/").status_code == 204
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_the_keepalive_revives_no_expired_session(signed_in):
    _idle_for(signed_in, 30 * 60 + 2)
    response = signed_in.post("/accounts/session/keepalive/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_pages_carry_the_idle_limit_for_the_warning_script(signed_in):
    html = signed_in.get("/patients/").content.decode()
    assert 'data-session-idle-seconds="1800"' in html
    assert '<script src="/static/tracker/session-expiry.js" defer>' in html
    assert 'id="session-expiry-warning"' in html
