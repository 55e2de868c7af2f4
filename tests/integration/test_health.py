"""/healthz and /readyz: no login, no patient data, a missed nightly refresh shows (issue 16)."""

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.utils import timezone

from tests.factories import PatientFactory
from tracker import services
from tracker.models import MonitoringStatus

pytestmark = pytest.mark.django_db


def test_healthz_needs_no_login_and_shows_no_patient_data(client):
    patient = PatientFactory(family_name="Unlikelyname")
    services.status_refresh()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["migrations"] == "ok"
    assert body["oldest_status_age_days"] == 0
    text = response.content.decode()
    assert patient.mrn not in text and "Unlikelyname" not in text
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("age", "state"), [(0, "ok"), (1, "ok"), (2, "missed")])
def test_healthz_reports_a_missed_nightly_refresh(client, age, state):
    PatientFactory()
    services.status_refresh()
    MonitoringStatus.objects.update(evaluated_for=timezone.localdate() - timedelta(days=age))
    body = client.get("/healthz").json()
    assert body["oldest_status_age_days"] == age
    assert body["status_refresh"] == state
    assert body["status"] == ("ok" if state == "ok" else "degraded")


def test_readyz_is_200_when_ready(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"ready": True}


def test_a_database_failure_is_503_with_no_traceback(client, monkeypatch):
    def fail():
        raise DatabaseError("connection refused")

    monkeypatch.setattr("tracker.health._unapplied_migrations", fail)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"ready": False}
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json()["database"] == "unavailable"
