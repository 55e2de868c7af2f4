"""One nightly job at a time across app servers (issue 16): a PostgreSQL advisory lock, held for
the job's session. On SQLite (one host) there is nothing to share, so the lock is always had."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

# A fixed key for refresh_status ("HER2" in ASCII); other jobs take other keys.
REFRESH_STATUS_LOCK = 0x48455232


@contextmanager
def advisory_lock(key: int, *, wait: bool):
    """Yields True when this session holds the lock (after waiting for it when `wait`), False
    when another session holds it and `wait` is False. Never raises because of the other run."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_lock(%s)", [key])
            held = True
        else:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def analyze(tables) -> None:
    """PostgreSQL: refresh the planner's statistics of these tables after a bulk change (issue
    16: with stale statistics one patient's infusion query became a scan of every infusion).
    Autovacuum must still be on in production; this covers the moment after an import."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
