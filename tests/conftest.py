"""Personas shared by the integration and security tests. Imports stay inside the fixtures:
tests/unit runs without Django (`pytest tests/unit -p no:django`)."""

import pytest


def _user(**kwargs):
    from tests.factories import UserFactory

    return UserFactory(**kwargs)


@pytest.fixture
def nurse(db):
    return _user(username="nurse", first_name="Nora", last_name="Navigator", roles=["nurse"])


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def oncologist(db):
    return _user(
        username="oncologist", first_name="Olu", last_name="Oncologist", roles=["oncologist"]
    )


@pytest.fixture
def oncologist_client(client, oncologist):
    client.force_login(oncologist)
    return client


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
