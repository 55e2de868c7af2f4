"""Staff log in; every page but login needs a logged-in user."""

import pytest

from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "login"),
    [
        ("/", "/accounts/login/?next=/"),
        ("/accounts/password_change/", "/accounts/login/?next=/accounts/password_change/"),
        ("/admin/", "/admin/login/?next=/admin/"),
    ],
)
def test_anonymous_is_sent_to_login(client, url, login):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == login


def test_login_page_is_public(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page and 'name="password"' in page


def test_login_with_password_then_logout_by_post(client):
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    response = client.post(
        "/accounts/login/", {"username": "nora", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    PatientFactory(mrn="A1001")
    assert "A1001" in client.get("/patients/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405  # logout only by POST
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused(client):
    UserFactory(username="nora", password="correct-horse-battery")
    response = client.post("/accounts/login/", {"username": "nora", "password": "guess"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
