"""Issue 13 item 13: migration 0009 gives existing patients, and their history rows, the key
the search compares (without it, every patient stored before it would be unfindable)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracker", "0008_rules_v2")]
AFTER = [("tracker", "0009_patient_search_key")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_existing_patients_and_history_get_their_search_key():
    apps = migrate(BEFORE)
    Patient = apps.get_model("tracker", "Patient")
    History = apps.get_model("tracker", "HistoricalPatient")
    p = Patient.objects.create(
        mrn="K1001",
        mrn_key="k1001",
        given_name="Zoë",
        family_name="O'Connor",
        date_of_birth=date(1960, 1, 1),
    )
    History.objects.create(
        id=p.pk,
        mrn="K1001",
        mrn_key="k1001",
        given_name="Zoe",
        family_name="Connor",
        date_of_birth=date(1960, 1, 1),
        history_date=datetime(2026, 1, 1, tzinfo=UTC),
        history_type="+",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    apps = migrate(AFTER)
    Patient = apps.get_model("tracker", "Patient")
    History = apps.get_model("tracker", "HistoricalPatient")
    assert Patient.objects.get().search_key == "k1001 zoe oconnor"
    assert History.objects.get().search_key == "k1001 zoe connor"
