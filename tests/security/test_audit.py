"""Who saw and changed what: history per record, and an append-only audit event table."""

import io
import json
from datetime import date

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction

from tests.factories import LvefFactory, PatientFactory, UserFactory
from tracker import services
from tracker.models import AuditEvent, LvefMeasurement

pytestmark = pytest.mark.django_db


def actions():
    """Everything but the writes (the factories' records are audited writes too)."""
    events = AuditEvent.objects.exclude(action__in=["record_created", "record_changed"])
    return list(events.order_by("id").values_list("action", "username", "patient__mrn"))


def test_login_failed_login_and_logout_are_recorded(client):
    UserFactory(username="nora", password="correct-horse-battery", roles=["nurse"])
    client.post(
        "/accounts/login/", {"username": "nora", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post("/accounts/login/", {"username": "nora", "password": "correct-horse-battery"})
    client.post("/accounts/logout/")
    assert actions() == [
        ("login_failed", "nora", None),
        ("login", "nora", None),
        ("logout", "nora", None),
    ]
    assert AuditEvent.objects.order_by("id").first().ip_address == "10.1.2.3"


def test_timeline_view_and_csv_download_are_recorded(viewer_client):
    PatientFactory(mrn="A1001")
    client = viewer_client  # username "vic"
    client.get("/patients/A1001/")
    client.get("/", {"format": "csv", "q": "A1"})
    assert actions() == [
        ("login", "vic", None),
        ("patient_view", "vic", "A1001"),
        ("csv_download", "vic", None),
    ]
    # that a search was made, not what was searched for (issue 9, finding 5)
    # A1001 has no course yet: Check the record (issue 12 item 5).
    assert AuditEvent.objects.get(action="csv_download").detail == (
        "worklist CSV: 1 row(s), search made"
    )


def test_views_are_listed_on_the_change_history_page(viewer_client, administrator_client):
    PatientFactory(mrn="A1001")
    viewer_client.get("/patients/A1001/")
    # Who opened the record, with addresses: administrators only (issue 13 item 9).
    page = administrator_client.get("/patients/A1001/history/").content.decode()
    assert "Who opened this record" in page and '<td data-label="Who">Vic Viewer</td>' in page


def test_import_is_recorded_with_the_import_actor(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(
        json.dumps(
            {
                "patients": [
                    {
                        "mrn": "I1",
                        "given_name": "A",
                        "family_name": "B",
                        "date_of_birth": "1970-01-01",
                    }
                ]
            }
        )
    )
    call_command("import_patients", str(path), stdout=io.StringIO())
    event = AuditEvent.objects.get()
    assert (event.action, event.username) == ("import", "import")
    assert "1 patients" in event.detail


def test_failed_and_dry_run_imports_write_nothing_at_all(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"patients": [{"mrn": ""}]}')
    with pytest.raises(CommandError):
        call_command("import_patients", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    path.write_text(json.dumps({"patients": []}))
    call_command("import_patients", str(path), "--dry-run", stdout=io.StringIO())
    assert AuditEvent.objects.count() == 0


def test_audit_events_cannot_be_changed_or_deleted_through_the_model():
    event = services.audit_event_record("login", username="x")
    event.detail = "tampered"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_audit_events_cannot_be_updated_even_in_sql():
    event = services.audit_event_record("login", username="x")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(detail="tampered")
    event.refresh_from_db()
    assert event.detail == ""


def test_audit_events_cannot_be_deleted_in_sql():
    """Both databases since issue 9, finding 6 (SQLite refused updates only before)."""
    event = services.audit_event_record("login", username="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_cannot_add_change_or_delete_audit_events(rf, administrator):
    model_admin = admin.site._registry[AuditEvent]
    request = rf.get("/")
    request.user = administrator
    event = services.audit_event_record("login", username="x")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


def test_change_history_shows_who_changed_what(nurse_client, nurse):
    lvef = LvefFactory(patient=PatientFactory(mrn="A1001"), date=date(2026, 1, 1))
    services.record_update(lvef, actor=nurse, value=lvef.value - 5)
    services.mark_entered_in_error(lvef, actor=nurse, reason="wrong patient")
    client = nurse_client
    page = client.get("/patients/A1001/history/").content.decode()
    assert "Nora Navigator" in page
    assert "LVEF (%): 62 → 57" in page  # labels, not raw values (issue 13 item 9)
    assert "entered in error" in page and "wrong patient" in page


def test_clinical_records_have_no_delete_anywhere(administrator_client):
    lvef = LvefFactory()
    client = administrator_client
    client.post(f"/admin/tracker/lvefmeasurement/{lvef.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/tracker/lvefmeasurement/",
        {"action": "delete_selected", "_selected_action": [lvef.pk], "post": "yes"},
    )
    assert LvefMeasurement.objects.filter(pk=lvef.pk).exists()
