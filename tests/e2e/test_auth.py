"""Logging in and out through the real forms."""

import re

from playwright.sync_api import expect

from .conftest import log_in


def test_wrong_password_shows_the_error_and_stays_on_the_login_page(page, live_server, nurse):
    log_in(page, live_server, nurse.username, "not-the-password")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.locator(".alert-danger")).to_contain_text(
        "Please enter a correct username and password."
    )
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_log_out_returns_to_the_login_page_and_the_worklist_then_needs_a_login(
    page, live_server, nurse
):
    log_in(page, live_server, nurse.username)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.locator("nav.navbar")).to_contain_text("Nora Navigator")

    page.get_by_role("button", name="Log out").click()

    page.wait_for_url(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.locator("nav.navbar")).not_to_contain_text("Nora Navigator")
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.locator("#id_username")).to_be_visible()
