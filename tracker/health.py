"""Health and readiness for operators and load balancers (issue 16): no login, no patient data.

`/healthz` answers 200 while the database answers and every migration is applied, and reports the
age of the oldest stored status, so that a missed nightly `refresh_status` shows; `/readyz` answers
200 only when the app can serve (database reachable, no unapplied migration), else 503.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _unapplied_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def health_report() -> dict:
    from tracker.models import MonitoringStatus

    report: dict = {"database": "ok", "migrations": "ok", "status_refresh": "ok"}
    try:
        pending = _unapplied_migrations()
        oldest = MonitoringStatus.objects.aggregate(oldest=Min("evaluated_for"))["oldest"]
    except DatabaseError:
        return {"database": "unavailable", "migrations": "unknown", "status_refresh": "unknown"}
    if pending:
        report["migrations"] = f"{pending} unapplied"
    today = timezone.localdate()
    report["oldest_status_evaluated_for"] = oldest.isoformat() if oldest else None
    age = (today - oldest).days if oldest else 0
    report["oldest_status_age_days"] = age
    # A nightly run keeps every status at most a day old; older means the timer was missed.
    if age > getattr(settings, "STATUS_REFRESH_MAX_AGE_DAYS", 1):
        report["status_refresh"] = "missed"
    return report


@login_not_required
@never_cache
@require_GET
def healthz(request):
    report = health_report()
    healthy = report["database"] == "ok" and report["migrations"] == "ok"
    report["status"] = "ok" if healthy and report["status_refresh"] == "ok" else "degraded"
    if not healthy:
        report["status"] = "failing"
    return JsonResponse(report, status=200 if healthy else 503)


@login_not_required
@never_cache
@require_GET
def readyz(request):
    report = health_report()
    ready = report["database"] == "ok" and report["migrations"] == "ok"
    return JsonResponse({"ready": ready}, status=200 if ready else 503)
