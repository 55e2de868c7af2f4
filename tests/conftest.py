"""Personas shared by the integration and security tests: one user and one logged-in client per
role (tracker/roles.py), so that no test logs in by hand. `<role>` is the user, `<role>_client`
a test client logged in as that user; each client is its own `Client`, so a test may use two
personas side by side. Tests of the login flow itself (test_auth.py, test_sessions.py, the
lock-out tests) log in through the login page instead.

Imports stay inside the fixtures: tests/unit runs without Django (`pytest tests/unit -p no:django`).
"""

import pytest


def _user(**kwargs):
    from tests.factories import UserFactory

    return UserFactory(**kwargs)


def _client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def oncologist(db):
    return _user(
        username="oncologist", first_name="Olu", last_name="Oncologist", roles=["oncologist"]
    )


@pytest.fixture
def oncologist_client(oncologist):
    return _client_for(oncologist)


@pytest.fixture
def nurse(db):
    return _user(username="nurse", first_name="Nora", last_name="Navigator", roles=["nurse"])


@pytest.fixture
def nurse_client(nurse):
    return _client_for(nurse)


@pytest.fixture
def cardiology(db):
    return _user(
        username="cardiology", first_name="Cara", last_name="Cardiologist", roles=["cardiology"]
    )


@pytest.fixture
def cardiology_client(cardiology):
    return _client_for(cardiology)


@pytest.fixture
def viewer(db):
    return _user(username="vic", first_name="Vic", last_name="Viewer", roles=["viewer"])


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def administrator(admin_user):
    """A superuser: the admin panel, and every permission (pytest-django's `admin_user`)."""
    return admin_user


@pytest.fixture
def administrator_client(administrator):
    return _client_for(administrator)


# pytest-django's names for the administrator, overridden so that they are the persona above
# (`admin_client` is pytest-django's shared `client`, logged in).
@pytest.fixture
def admin_user(db):
    return _user(username="admin", is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True, scope="session")
def _audit_guard_lifted_for_test_flushes():
    """Audit events cannot be deleted or truncated (issue 9, finding 6), but the test runner
    empties every table after a transactional test (`flush`: DELETE on SQLite, TRUNCATE on
    PostgreSQL). Only around that flush, as the owner, the guard is lifted and put back."""
    from django.core.management.commands import flush
    from django.db import connections

    from tests.audit_guard import lifted

    original = flush.Command.handle

    def handle(self, **options):
        with lifted(connections[options["database"]]):
            return original(self, **options)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _chair_list_kept_per_test():
    """The chair list is kept per process (selectors.chair): each test starts without one, so
    that no test reads another's (a test may write without the services' version change). Not
    loaded, nothing is kept: the rules' own tests run without Django."""
    import sys

    chair = sys.modules.get("tracker.selectors.chair")
    if chair is not None:
        chair.clear_cache()
    yield
    chair = sys.modules.get("tracker.selectors.chair")
    if chair is not None:
        chair.clear_cache()
