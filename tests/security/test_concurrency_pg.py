"""Concurrent writers for one patient serialise and all succeed, and the nightly refresh runs
beside the web app and beside itself (issue 9, finding 1). Real transactions on separate
connections (threads), so PostgreSQL only: SQLite lets one writer in at a time anyway."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone

from tests.factories import CourseFactory, PatientFactory, UserFactory
from tests.integration.test_stored_status import assert_stored_equals_fresh
from tracker import services
from tracker.models import Infusion, LvefMeasurement, MonitoringStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs concurrent transactions (PostgreSQL)"
    ),
]
TODAY = timezone.localdate()
THREADS = 25  # each on its own connection; the server allows 100 for every test run


def run_together(jobs):
    """Run the jobs on THREADS threads that start at the same moment; return the errors."""
    barrier = threading.Barrier(min(THREADS, len(jobs)))
    errors = []

    def run(job, first):
        try:
            if first:
                barrier.wait(timeout=30)
            job()
        except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        futures = [pool.submit(run, job, i < THREADS) for i, job in enumerate(jobs)]
        for future in futures:
            future.result()
    return errors


def test_50_concurrent_writes_for_one_patient_all_land():
    nurse = UserFactory(username="nurse", roles=["nurse"])
    course = CourseFactory(planned_start=TODAY - timedelta(days=400))
    patient = course.patient

    def lvef(i):
        return lambda: services.lvef_create(
            actor=nurse,
            patient=patient,
            date=TODAY - timedelta(days=i),
            value=Decimal(40 + i % 30),
            modality="echo",
        )

    def infusion(i):
        return lambda: services.infusion_create(
            actor=nurse,
            course=course,
            date=TODAY - timedelta(days=380 - 7 * i),
            dose_mg=Decimal("480"),
            weight_kg=Decimal("60"),
        )

    jobs = [job for i in range(25) for job in (lvef(i), infusion(i))]
    errors = run_together(jobs)

    assert errors == []
    assert LvefMeasurement.objects.filter(patient=patient).count() == 25
    assert Infusion.objects.filter(course=course).count() == 25
    # The last writer saw every record the others committed.
    assert_stored_equals_fresh()
    assert MonitoringStatus.objects.get(patient=patient).latest_date == TODAY


def test_two_refresh_runs_beside_clinicians_saves(monkeypatch):
    monkeypatch.setattr(services.status, "STATUS_CHUNK", 4)  # many chunks, many commits
    nurse = UserFactory(username="nurse", roles=["nurse"])
    patients = [PatientFactory() for _ in range(20)]
    MonitoringStatus.objects.all().delete()  # as after a restore: every status to be written

    def refresh():
        call_command("refresh_status", stdout=open("/dev/null", "w"))  # noqa: SIM115, PTH123

    def lvef(patient, i):
        return lambda: services.lvef_create(
            actor=nurse,
            patient=patient,
            date=TODAY - timedelta(days=i),
            value=Decimal("55"),
            modality="echo",
        )

    jobs = [refresh, refresh]
    jobs += [lvef(patients[i % 5], i) for i in range(20)]  # five patients, four saves each
    jobs += [refresh]
    errors = run_together(jobs)

    assert errors == []
    assert LvefMeasurement.objects.count() == 20
    assert MonitoringStatus.objects.count() == 20
    assert_stored_equals_fresh()
