"""Issue 9, finding 5: migration 0006 turns each old audit row's MRN text into the key of the
patient who had that MRN when the event happened (a renamed patient keeps its log; a later
patient given the old MRN does not inherit it)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("tracker", "0005_monitoring_status")]
AFTER = [("tracker", "0006_audit_patient_key")]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(days):
    return T0 + timedelta(days=days)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_old_mrn_text_becomes_the_key_of_the_patient_of_that_time():
    apps = migrate(BEFORE)
    Patient = apps.get_model("tracker", "Patient")
    History = apps.get_model("tracker", "HistoricalPatient")
    fields = {"given_name": "A", "family_name": "B", "date_of_birth": date(1960, 1, 1)}

    def patient(mrn, created, versions):
        p = Patient.objects.create(mrn=mrn, **fields)
        Patient.objects.filter(pk=p.pk).update(created_at=created)
        for when, version_mrn in versions:
            History.objects.create(
                id=p.pk,
                mrn=version_mrn,
                created_at=created,
                updated_at=when,
                history_date=when,
                history_type="~",
                sex="unknown",
                **fields,
            )
        return p.pk

    # "R" was D1 on day 0, renamed D1X on day 2; "N" was given D1 on day 3; "Q" has no history.
    renamed = patient("D1X", at(0), [(at(0), "D1"), (at(2), "D1X")])
    newcomer = patient("D1", at(3), [(at(3), "D1")])
    quiet = patient("Q1", at(0), [])
    rows = [(at(1), "D1"), (at(4), "D1"), (at(5), "Q1"), (at(5), "GONE"), (at(5), "")]
    with connection.cursor() as cursor:
        for when, mrn in rows:
            cursor.execute(
                "INSERT INTO tracker_auditevent (at, username, action, patient_mrn, detail)"
                " VALUES (%s, 'vic', 'patient_view', %s, '')",
                [when, mrn],
            )

    apps = migrate(AFTER)
    AuditEvent = apps.get_model("tracker", "AuditEvent")
    got = list(AuditEvent.objects.order_by("id").values_list("patient_id", "detail"))
    assert got == [
        (renamed, ""),
        (newcomer, ""),
        (quiet, ""),
        (None, "[MRN at the time: GONE; no patient matched]"),
        (None, ""),
    ]
    # and the guard is back on the rebuilt table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM tracker_auditevent")
