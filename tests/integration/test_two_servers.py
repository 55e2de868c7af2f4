"""Several app servers on one PostgreSQL (issue 16 item 3): two gunicorn servers on two ports
against the test database, clinicians writing through both at once through the forms while
refresh_status runs beside them; then nothing is lost, the stored statuses are the fresh
evaluation, and both servers serve the same statuses and counts (the worklist's cache is keyed
by the shared WorklistVersion row, never kept per process)."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory, UserFactory
from tests.http_client import Session
from tests.integration.test_stored_status import assert_stored_equals_fresh
from tracker import selectors
from tracker.models import LvefMeasurement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="several app servers need PostgreSQL"
    ),
]
ROOT = Path(__file__).resolve().parents[2]
TODAY = timezone.localdate()
PASSWORD = "two-servers-pw-1"  # noqa: S105 - a test account of the test database
PATIENTS, CLIENTS, WRITES = 8, 4, 8  # each client writes WRITES LVEFs through its server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env() -> dict:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,  # the live test database: the test's rows are committed
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOG_LEVEL": "ERROR",
    }


@pytest.fixture
def servers():
    """Two gunicorn servers (gthread, as deploy/gunicorn.conf.py) on two free ports."""
    started = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(  # noqa: S603 - our own gunicorn, loopback only
                [sys.executable, "-m", "gunicorn", "config.wsgi", "-k", "gthread", "-w", "1",
                 "--threads", "4", "-b", f"127.0.0.1:{port}", "--timeout", "60"],
                cwd=ROOT, env=server_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            started.append((process, f"http://127.0.0.1:{port}"))
        for process, base in started:
            for _ in range(150):
                try:
                    if Session(base).get("/readyz", timeout=5).status_code == 200:
                        break
                except OSError:  # not listening yet, or a read timeout: wait on
                    pass
                assert process.poll() is None, process.stderr.read().decode()
                time.sleep(0.2)
            else:
                pytest.fail(f"{base} did not become ready")
        yield [base for _, base in started]
    finally:
        for process, _ in started:
            process.terminate()
        for process, _ in started:
            process.wait(timeout=30)


def login(base: str, username: str) -> Session:
    session = Session(base)
    assert session.login(username, PASSWORD).status_code == 302
    return session


def record_lvef(session, mrn, day, value) -> int:
    url = f"/patients/{mrn}/lvef/new/"
    token = session.get(url).csrf()
    data = {"csrfmiddlewaretoken": token, "date": day.isoformat(), "value": str(value),
            "modality": "echo"}  # fmt: skip
    return session.post(url, data).status_code


def counts_served(session) -> dict:
    """What a server says: each section's count on the worklist and in the patient list."""
    page = session.get("/").text
    worklist = dict(re.findall(r'data-count="(\w+)">(\d+)<', page))
    listed = {}
    for key, *_ in selectors.WORKLIST_SECTIONS:
        text = session.get("/patients/", {"section": key}).text
        listed[key] = int(re.search(r"(\d+) patients?\b", text).group(1))
    return {"worklist": worklist, "list": listed}


def test_two_servers_writing_at_once_beside_refresh_status(servers):
    users = [UserFactory(username=f"nurse{i}", roles=["nurse"]) for i in range(CLIENTS)]
    for user in users:
        user.set_password(PASSWORD)
        user.save()
    for i in range(PATIENTS):
        course = CourseFactory(
            patient=PatientFactory(mrn=f"TS{i:02d}"), planned_start=TODAY - timedelta(days=200)
        )
        LvefFactory(patient=course.patient, date=TODAY - timedelta(days=210), value=64)
        for ago in range(200, 0, -21):
            InfusionFactory(course=course, date=TODAY - timedelta(days=ago))
    from tracker import services

    services.status_refresh()
    sessions = [login(servers[i % 2], u.username) for i, u in enumerate(users)]
    before = [counts_served(s) for s in sessions[:2]]  # each server's cache warm
    assert before[0] == before[1]

    statuses, errors = [], []

    def clinician(index, session):
        try:
            for n in range(WRITES):
                # Declines on some patients: the hold section's counts change as they land.
                mrn = f"TS{(index + n) % PATIENTS:02d}"
                value = 40 + n if n % 2 else 60 + n
                day = TODAY - timedelta(days=1 + index * WRITES + n)
                statuses.append(record_lvef(session, mrn, day, value))
        except Exception as exc:  # noqa: BLE001 - every failure is the test's finding
            errors.append(repr(exc))

    threads = [threading.Thread(target=clinician, args=(i, s)) for i, s in enumerate(sessions)]
    refresh = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "refresh_status"], cwd=ROOT, env=server_env(),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert refresh.wait(timeout=120) == 0, refresh.stderr.read().decode()

    assert errors == []
    assert statuses == [302] * (CLIENTS * WRITES)  # every save landed
    assert LvefMeasurement.objects.count() == PATIENTS + CLIENTS * WRITES
    assert_stored_equals_fresh()
    after = [counts_served(s) for s in sessions[:2]]
    assert after[0] == after[1]  # both servers, same stored statuses and counts
    _, expected = selectors.worklist(TODAY)
    assert after[0]["list"] == {key: expected[key] for key in after[0]["list"]}
    if after[0]["worklist"]:  # the worklist's own markup (helper "loop" may change it)
        assert {k: int(v) for k, v in after[0]["worklist"].items()} == {
            k: expected[k] for k in after[0]["worklist"]
        }
    assert after != before  # the writes changed what both serve
    csvs = [s.get("/patients/", {"format": "csv"}).text for s in sessions[:2]]
    assert csvs[0] == csvs[1] and csvs[0].count("\n") == PATIENTS + 1
