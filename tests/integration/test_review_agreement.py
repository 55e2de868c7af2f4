"""needs_review and a review's currency exist twice (issue 12 item 2): as SQL on the stored
statuses (selectors.workflow.needs_review / review_current: the worklist's Review section) and
as Python on a fresh evaluation (services.workflow.needs_review, selectors.workflow.is_current:
the timeline, the infusion warning, the chair list's CHECK). For every demo patient (every
recommendation, HOLD_NOT_ACTIONED) and one whose flag outlived a recovered LVEF, with each kind
of review, the two must agree."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from devdata.demo import demo_document
from tests.factories import LvefFactory, ReviewFactory
from tests.integration.test_views import active_patient, days_ago
from tracker import interchange, monitoring, selectors, services
from tracker.models import MonitoringStatus, Patient
from tracker.selectors import workflow as wf
from tracker.services.status import status_refresh
from tracker.services.workflow import needs_review

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _same(status):
    latest = status.latest
    return {
        "recommendation": status.recommendation,
        "lvef_date": latest.date if latest else None,
        "lvef_value": latest.value if latest else None,
    }


def _other_recommendation(status):
    return "continue" if status.recommendation != "continue" else "hold"


# kind -> the review's fields from the fresh status (None: no review).
REVIEWS = {
    "no review": None,
    "current": _same,
    "stale: a new LVEF since": lambda s: {
        **_same(s),
        "lvef_date": s.latest.date - timedelta(days=30) if s.latest else None,
    },
    "stale: another LVEF value that day": lambda s: {
        **_same(s),
        "lvef_value": s.latest.value - Decimal("1") if s.latest else None,
    },
    "stale: the recommendation changed": lambda s: {
        **_same(s),
        "recommendation": _other_recommendation(s),
    },
    "entered in error": lambda s: {
        **_same(s),
        "entered_in_error": True,
        "entered_in_error_reason": "wrong patient",
        "entered_in_error_at": timezone.now(),
    },
}


@pytest.fixture
def demo(db):
    interchange.import_document(demo_document(TODAY), actor=services.import_actor())
    # HOLD_NOT_ACTIONED once the LVEF has recovered: an LVEF of 45 (H1 met) 50 days ago, two
    # infusions given after it with no hold, 60 now: the rules say continue, the flag stays.
    patient, _ = active_patient("NA-CONT", latest=Decimal("60"))
    LvefFactory(patient=patient, date=days_ago(50), value=Decimal("45"))
    status_refresh([patient.pk], today=TODAY)
    records = selectors.load_records(Patient.objects.all())
    rules = selectors.rule_settings()
    return {pk: monitoring.evaluate(record, TODAY, rules) for pk, record in records.items()}


def _sql(pk, condition) -> bool:
    return MonitoringStatus.objects.filter(patient_id=pk).filter(condition).exists()


@pytest.mark.parametrize("kind", list(REVIEWS))
def test_sql_and_python_agree_for_every_patient(demo, kind):
    seen, disagree = [], []
    for pk, status in demo.items():
        stored = MonitoringStatus.objects.get(patient_id=pk)
        assert stored.evaluated_for == TODAY and stored.recommendation == status.recommendation
        review = None
        if REVIEWS[kind] is not None:
            review = ReviewFactory(patient_id=pk, date=TODAY, **REVIEWS[kind](status))
        python = {
            "needs_review": needs_review(status),
            "current": review is not None and wf.is_current(review, status),
        }
        python["pending"] = python["needs_review"] and not python["current"]
        sql = {
            "needs_review": _sql(pk, wf.needs_review()),
            "current": _sql(pk, wf.review_current()),
            "pending": _sql(pk, wf.needs_review() & ~wf.review_current()),
        }
        if python != sql:
            disagree.append((status.recommendation, sorted(status.flags), kind, python, sql))
        seen.append((status.recommendation, "HOLD_NOT_ACTIONED" in status.flags, python))
    assert not disagree, disagree
    # The demo covers every case, so that none of them passes by being absent.
    recommendations = {r for r, _, _ in seen}
    assert {"hold", "discontinue", "may_resume", "continue"} <= recommendations, recommendations
    not_actioned = {r for r, flag, _ in seen if flag}
    assert "continue" in not_actioned and not_actioned - {"continue"}, not_actioned
    reviewed = [p for _, _, p in seen if p["needs_review"]]
    assert reviewed and any(not p["needs_review"] for _, _, p in seen)
    # Only a current review ends the wait; every stale one (or none) leaves it pending.
    expected_pending = kind != "current"
    assert {p["pending"] for p in reviewed} == {expected_pending}, kind
