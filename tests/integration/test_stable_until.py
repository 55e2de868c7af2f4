"""Statuses that stay true by themselves (issue 10 item 5): with the clock moved forward and no
refresh_status run, the worklist, its CSV and the patient list equal a fresh evaluation."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from devdata.demo import demo_document
from tracker import interchange, selectors, services
from tracker.labels import PHASE_LABELS, RECOMMENDATION_LABELS, STATUS_LABELS
from tracker.models import MonitoringStatus
from tracker.monitoring import RULES_VERSION
from tracker.monitoring.flags import FLAGS

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def demo(db):
    interchange.import_document(demo_document(TODAY), actor=services.import_actor())


def _fresh(day):
    return {e.mrn: e.status for e in selectors.evaluate_patients(selectors.active_patients(), day)}


def _shown(status):
    return (
        status.phase,
        status.recommendation,
        status.assessment_status,
        status.next_assessment_due,
        tuple(sorted(status.flags)),
    )


@pytest.mark.parametrize("days", [1, 28, 57, 365])
def test_pages_equal_a_fresh_evaluation_without_refresh_status(
    demo, viewer_client, monkeypatch, days
):
    day = TODAY + timedelta(days=days)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    response = viewer_client.get("/", {"format": "csv"})
    assert response.status_code == 200
    fresh = _fresh(day)

    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows
    assert len({row["MRN"] for row in rows}) == len(rows)  # one row per patient
    for row in rows:  # the labels people read (issue 13 item 17)
        status = fresh[row["MRN"]]
        assert row["Recommendation"] == RECOMMENDATION_LABELS[status.recommendation][0]
        assert row["Assessment"] == STATUS_LABELS[status.assessment_status][0], row["MRN"]
        assert row["Phase"] == PHASE_LABELS[status.phase], row["MRN"]
        titles = sorted(FLAGS[code].title for code in status.flags)
        assert sorted(filter(None, row["Flags"].split("; "))) == titles, row["MRN"]
    # Every patient the rules put overdue is in the CSV (in Book a scan, Chase or Booked).
    overdue = {r["MRN"] for r in rows if r["Assessment"] == "Overdue"}
    assert overdue == {mrn for mrn, s in fresh.items() if s.assessment_status == "overdue"}

    # The stored statuses the patient list reads were brought up to date by the read.
    page = viewer_client.get("/patients/").content.decode()
    assert f"{len(fresh)} patients" in page
    stored = selectors.stored_rows(selectors.stored_statuses(day), day)
    assert {r.mrn: _shown(r.status) for r in stored} == {m: _shown(s) for m, s in fresh.items()}


def test_a_new_rules_version_is_re_evaluated_on_read(demo, viewer_client, monkeypatch):
    MonitoringStatus.objects.update(rules_version="1.0", recommendation="continue")
    monkeypatch.setattr(services.status, "_current_rules", set())
    viewer_client.get("/")
    assert not MonitoringStatus.objects.exclude(rules_version=RULES_VERSION).exists()
    fresh = _fresh(TODAY)
    for row in selectors.stored_rows(selectors.stored_statuses(TODAY), TODAY):
        assert row.status.recommendation == fresh[row.mrn].recommendation, row.mrn


def test_nothing_is_re_evaluated_while_statuses_are_stable(demo, monkeypatch):
    services.status_refresh()
    assert services.status.status_refresh_stale(TODAY) == 0
    # Each stored row says until when it holds; none has passed yet.
    assert not MonitoringStatus.objects.filter(stable_until__lte=TODAY).exists()


def test_a_change_of_rule_set_is_re_evaluated_on_read(demo, viewer_client, settings):
    settings.RULE_SET = "eu_smpc"
    viewer_client.get("/")
    assert set(MonitoringStatus.objects.values_list("rule_set", flat=True)) == {"eu_smpc"}
    profiles = set(MonitoringStatus.objects.values_list("profile", flat=True))
    assert "trastuzumab_eu_smpc" in profiles and "trastuzumab_us_label" not in profiles
