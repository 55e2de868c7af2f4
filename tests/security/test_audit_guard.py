"""Issue 9, finding 6: audit rows cannot be removed by the application, on either database:
not with QuerySet.delete(), not with SQL DELETE, and on PostgreSQL not with TRUNCATE (also when
it cascades from another table). What a database owner can still do: SECURITY.md."""

import pytest
from django.db import DatabaseError, connection, transaction

from tests.factories import PatientFactory
from tracker import services
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return services.audit_event_record("login", username="x")


def refused(sql, params=()):
    """Refused by the guard itself (its message), not by some other rule."""
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        if connection.vendor == "postgresql":
            # run the deferred key checks of this test's inserts now: PostgreSQL refuses a
            # TRUNCATE with pending trigger events for that reason alone
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql, params)


def test_queryset_delete_is_refused(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sql_delete_is_refused(event):
    refused("DELETE FROM tracker_auditevent WHERE id = %s", [event.pk])
    refused("DELETE FROM tracker_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_sql_update_is_refused(event):
    refused("UPDATE tracker_auditevent SET detail = 'tampered'")
    event.refresh_from_db()
    assert event.detail == ""


def test_truncate_is_refused_on_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    refused("TRUNCATE tracker_auditevent")
    PatientFactory()  # the patient table is referenced by the audit rows
    refused("TRUNCATE tracker_patient CASCADE")
    refused("TRUNCATE tracker_user CASCADE")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
