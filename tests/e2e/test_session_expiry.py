"""Issue 13 item 3 in the browser: a warning a minute before the idle limit (a script from
static/, no inline script under the CSP), "Stay signed in" moves the limit, and after expiry the
log-in page says why and brings the user back to the page they were on."""

import re

from playwright.sync_api import expect

from .conftest import log_in

IDLE_MS = 30 * 60 * 1000


def _idle_on_the_server(page, live_server):
    """What 30 idle minutes did on the server: the session expired, the last signed-in request
    was 30 minutes ago (the browser's clock is fake, the server's is not)."""
    import time
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.core import signing
    from django.utils import timezone

    from tracker.middleware import LAST_SEEN_COOKIE, LAST_SEEN_SALT

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    signer = signing.get_cookie_signer(salt=LAST_SEEN_COOKIE + LAST_SEEN_SALT)
    value = signer.sign(str(int(time.time()) - IDLE_MS // 1000 - 2))
    page.context.add_cookies([{"name": LAST_SEEN_COOKIE, "value": value, "url": live_server.url}])


def test_warning_a_minute_before_expiry_and_stay_signed_in(page, live_server, nurse):
    page.clock.install()
    log_in(page, live_server, nurse.username)
    page.wait_for_url(f"{live_server.url}/")
    warning = page.locator("#session-expiry-warning")
    expect(warning).to_be_hidden()
    page.clock.run_for(IDLE_MS - 61_000)
    expect(warning).to_be_hidden()
    page.clock.run_for(2_000)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Your session will end in 1 minute without activity.")
    with page.expect_response(re.compile(r"/accounts/session/keepalive/$")) as kept:
        warning.get_by_role("button", name="Stay signed in").click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()
    # The count starts again from the keep-alive.
    page.clock.run_for(IDLE_MS - 61_000)
    expect(warning).to_be_hidden()


def test_after_expiry_the_login_page_says_why_and_returns_to_the_form(
    page, live_server, nurse, transactional_db
):
    from tests.factories import PatientFactory

    PatientFactory(mrn="C1001")
    page.clock.install()
    log_in(page, live_server, nurse.username)
    page.wait_for_url(f"{live_server.url}/")
    form_url = f"{live_server.url}/patients/C1001/lvef/new/"
    page.goto(form_url)
    page.fill("#id_value", "61")
    page.clock.run_for(IDLE_MS + 1_000)
    warning = page.locator("#session-expiry-warning")
    expect(warning).to_contain_text("Your session has ended.")
    expect(warning.get_by_role("link", name="Sign in again")).to_have_attribute(
        "href", "/accounts/login/?next=%2Fpatients%2FC1001%2Flvef%2Fnew%2F"
    )
    _idle_on_the_server(page, live_server)
    page.get_by_role("button", name=re.compile("^(Save|Record)")).first.click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator("#session-ended")).to_have_text(
        "Your session ended after 30 minutes without activity; please sign in again."
    )
    page.fill("#id_username", nurse.username)
    page.fill("#id_password", "correct-horse-battery")
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_url(form_url)


def test_signing_out_says_so(page, live_server, nurse):
    log_in(page, live_server, nurse.username)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.locator(".alert")).to_have_text("You have signed out.")
