import pytest

from tests.factories import UserFactory


@pytest.fixture
def nurse(db):
    return UserFactory(username="nurse", first_name="Nora", last_name="Navigator", roles=["nurse"])


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@pytest.fixture
def oncologist(db):
    return UserFactory(
        username="oncologist", first_name="Olu", last_name="Oncologist", roles=["oncologist"]
    )


@pytest.fixture
def oncologist_client(client, oncologist):
    client.force_login(oncologist)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_superuser=True)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
