"""The app when its database is busy, gone, or handed a NUL (issue 9, findings 4 and 11): a
clear page with 503 (busy: try again; unavailable: logged once per outage) or 400, never a bare
500 or a 400 from a session that could not be saved; page views need no write lock."""

import logging
import sqlite3
import time

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connection

from tests.factories import LvefFactory, PatientFactory, UserFactory
from tracker import db_middleware, selectors

BUSY = "The tracker is busy, please try again in a moment"
UNAVAILABLE = "The tracker's database is unavailable"


@pytest.fixture
def nurse_client(client, db):
    client.force_login(UserFactory(username="nurse", roles=["nurse"]))
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/patients/A%001/",
        "/patients/A1/lvef/new/?date=%00",
        "/patients/?q=%00",
        "/?format=csv&q=A%00",
        "/admin/tracker/patient/?q=%00",
        "/admin/tracker/patient/%00/change/",
    ],
)
def test_a_nul_in_the_address_is_refused_with_a_message(admin_client, url):
    PatientFactory(mrn="A1")
    response = admin_client.get(url)
    assert response.status_code == 400
    assert "contains a NUL character (%00), which is never valid here" in (
        response.content.decode()
    )


def test_a_nul_in_the_session_cookie_is_refused(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00"
    response = client.get("/")
    assert response.status_code == 400
    assert "The cookie of this request contains a NUL character" in response.content.decode()


@pytest.fixture
def database_gone(monkeypatch):
    """Every new query fails to reach the database, as when its server has stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection failed: connection to server at "db", port 5432 failed')

    monkeypatch.setattr(connection, "ensure_connection", refuse)
    yield monkeypatch
    monkeypatch.undo()
    db_middleware.outage.down = False


def test_database_outage_answers_503_and_is_logged_once(nurse_client, database_gone, caplog):
    caplog.set_level(logging.INFO)
    for url in ("/", "/patients/", "/patients/A1/", "/accounts/login/"):
        response = nurse_client.get(url)
        assert response.status_code == 503, url
        assert UNAVAILABLE in response.content.decode()
        assert response["Retry-After"] == "60"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["tracker.database"]  # once, from us, not per request
    assert "The database is unavailable" in errors[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no tracebacks
    database_gone.undo()
    assert nurse_client.get("/flags/").status_code == 200
    assert "The database is available again." in caplog.text


def test_busy_database_in_a_view_answers_the_busy_page(nurse_client, monkeypatch):
    LvefFactory(patient=PatientFactory(mrn="A1001"))

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(selectors, "patient_timeline", locked)
    response = nurse_client.get("/patients/A1001/")
    assert response.status_code == 503
    assert BUSY in response.content.decode()
    assert response["Retry-After"] == str(db_middleware.RETRY_AFTER_SECONDS)


@pytest.mark.parametrize(
    ("sqlstate", "message", "busy"),
    [
        ("40P01", "deadlock detected", True),
        ("55P03", "canceling statement due to lock timeout", True),
        ("40001", "could not serialize access", True),
        ("57P01", "terminating connection due to administrator command", False),
        (None, "database is locked", True),
        (None, "database table is locked: tracker_patient", True),
        (None, "unable to open database file", False),
    ],
)
def test_busy_or_unavailable(sqlstate, message, busy):
    cause = Exception(message)
    cause.sqlstate = sqlstate  # as psycopg's errors carry it
    exc = OperationalError(message)
    exc.__cause__ = cause
    assert db_middleware.is_busy(exc) is busy


@pytest.mark.django_db(transaction=True)
def test_during_a_held_write_lock_pages_show_and_writes_get_the_busy_page(client, monkeypatch):
    PatientFactory(mrn="A1001")
    client.force_login(UserFactory(username="nurse", roles=["nurse"]))
    assert client.get("/flags/").status_code == 200  # stamps the session's activity
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single write lock")
    # A second connection holds the write lock with an import half written.
    lock = sqlite3.connect(
        connection.settings_dict["NAME"], uri=True, isolation_level=None, check_same_thread=False
    )
    lock.execute("BEGIN IMMEDIATE")
    lock.execute("UPDATE tracker_lvefmeasurement SET notes = notes")
    try:
        # A page that writes nothing needs no lock: no session save on every request.
        response = client.get("/flags/")
        assert response.status_code == 200
        # A page that must write (the access log) or read what the import is writing: busy.
        started = time.monotonic()
        response = client.get("/patients/A1001/")
        assert response.status_code == 503
        assert BUSY in response.content.decode()
        assert response["Retry-After"] == str(db_middleware.RETRY_AFTER_SECONDS)
        assert time.monotonic() - started < 5
        # An activity stamp due while the lock is held is skipped, not a failed request.
        monkeypatch.setattr(db_middleware, "SESSION_ACTIVITY_SECONDS", -1)
        assert client.get("/flags/").status_code == 200
    finally:
        lock.execute("ROLLBACK")
        lock.close()


@pytest.mark.django_db
def test_the_session_is_saved_at_most_once_a_minute(client, monkeypatch):
    client.force_login(UserFactory(username="nurse", roles=["nurse"]))
    client.get("/flags/")
    first = Session.objects.get().expire_date
    client.get("/flags/")
    assert Session.objects.get().expire_date == first  # no write for a page view
    clock = time.time() + db_middleware.SESSION_ACTIVITY_SECONDS + 1
    monkeypatch.setattr(db_middleware.time, "time", lambda: clock)
    client.get("/flags/")
    assert Session.objects.get().expire_date > first  # a minute on: the expiry moves


def test_a_value_the_database_cannot_store_is_a_400_not_a_500(nurse_client, monkeypatch):
    from django.db import DataError

    PatientFactory(mrn="A1001")

    def refuse(*args, **kwargs):
        raise DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")

    monkeypatch.setattr(selectors, "patient_timeline", refuse)
    response = nurse_client.get("/patients/A1001/")
    assert response.status_code == 400
    assert "a value the database cannot store" in response.content.decode()
