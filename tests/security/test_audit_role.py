"""Issue 9, finding 6: run as the role `manage.py audit_role` sets up, the application cannot
remove or change audit events by any route the table's owner has (DELETE, UPDATE, TRUNCATE,
DISABLE TRIGGER, session_replication_role = replica), and can still write them and the rest."""

import io

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import PatientFactory
from tracker import services
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = {
    "delete": "DELETE FROM tracker_auditevent",
    "update": "UPDATE tracker_auditevent SET detail = 'tampered'",
    "truncate": "TRUNCATE tracker_auditevent",
    "truncate by cascade": "TRUNCATE tracker_patient CASCADE",
    "disable trigger": "ALTER TABLE tracker_auditevent DISABLE TRIGGER USER",
    "drop trigger": "DROP TRIGGER tracker_auditevent_no_change ON tracker_auditevent",
    "replica": "SET session_replication_role = replica",
    "drop table": "DROP TABLE tracker_auditevent",
    "new trigger owner": "ALTER TABLE tracker_auditevent OWNER TO CURRENT_USER",
}


@pytest.fixture
def app_role():
    if connection.vendor != "postgresql":
        pytest.skip("database roles are PostgreSQL's")
    role = f"{connection.settings_dict['NAME']}_app"[:63]
    yield role
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role):
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=role,
        autocommit=True,
    )


def test_the_app_role_cannot_remove_audit_events(app_role):
    patient = PatientFactory()
    event = services.audit_event_record("patient_view", username="vic", patient=patient)
    before = AuditEvent.objects.count()
    call_command("audit_role", app_role, stdout=io.StringIO())
    with connect_as(app_role) as app:
        for what, statement in REFUSED.items():
            with pytest.raises(psycopg.Error):
                app.execute(statement)
                pytest.fail(f"{what} was allowed")
        app.execute(
            "INSERT INTO tracker_auditevent (at, username, action, detail, patient_id)"
            " VALUES (now(), 'app', 'patient_view', '', %s)",
            [patient.pk],
        )
        # ordinary rights elsewhere: the application still works
        app.execute("UPDATE tracker_patient SET notes = 'seen' WHERE id = %s", [patient.pk])
        app.execute("DELETE FROM django_session")
        count = app.execute("SELECT count(*) FROM tracker_auditevent").fetchone()[0]
    assert count == before + 1
    event.refresh_from_db()
    assert event.detail == ""


def test_the_command_refuses_a_role_that_could_remove_audit_events(app_role):
    with pytest.raises(CommandError, match="owns the tables"):
        call_command("audit_role", connection.settings_dict["USER"], stdout=io.StringIO())
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{app_role}" LOGIN SUPERUSER')
    with pytest.raises(CommandError, match="superuser"):
        call_command("audit_role", app_role, stdout=io.StringIO())
