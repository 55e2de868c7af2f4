"""One refresh_status at a time across hosts (issue 16): a second run waits, or skips with
--skip-if-running, and never fails."""

import io

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import PatientFactory
from tracker.ops.locks import REFRESH_STATUS_LOCK

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's"),
]


@pytest.fixture
def other_host():
    """A second session holding the refresh lock, as a run on another app server would."""
    params = connection.get_connection_params()
    with psycopg.connect(**params) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [REFRESH_STATUS_LOCK])
        yield other
        other.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_STATUS_LOCK])


def test_a_second_run_skips_when_asked(other_host):
    PatientFactory()
    out = io.StringIO()
    call_command("refresh_status", "--skip-if-running", stdout=out)
    assert "Another refresh_status is running; this one did nothing." in out.getvalue()


def test_a_run_takes_and_releases_the_lock():
    PatientFactory()
    out = io.StringIO()
    call_command("refresh_status", stdout=out)
    assert "Refreshed the status of 1 patients" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [REFRESH_STATUS_LOCK])
        assert cursor.fetchone()[0] is True
        cursor.execute("SELECT pg_advisory_unlock(%s)", [REFRESH_STATUS_LOCK])


def test_an_import_refreshes_the_planner_statistics():
    from django.utils import timezone

    from devdata.synthetic import synthetic_document
    from tracker import interchange, services

    interchange.import_document(
        synthetic_document(5, timezone.localdate()), actor=services.import_actor()
    )
    assert analysed("tracker_infusion", "tracker_monitoringstatus")


def test_the_nightly_refresh_analyses_the_workflow_tables_too():
    # Issue 16: never-analysed workflow tables made PostgreSQL compile the worklist's counts.
    from io import StringIO

    from django.core.management import call_command

    call_command("refresh_status", "--no-quality", stdout=StringIO())
    assert analysed("tracker_scanrequest", "tracker_recommendationreview")


def analysed(*tables) -> bool:
    """Whether PostgreSQL has statistics from an ANALYZE of each of these tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE last_analyze IS NOT NULL AND relname = ANY(%s)",
            [list(tables)],
        )
        return {row[0] for row in cursor.fetchall()} == set(tables)
