"""The quality dashboard's shared copies of its items (issue 14 item 4): one computation serves
every app server and every restart, and a copy is used only while it is current: the patient's
stamp, the evaluation date, the rules' code and the settings all as when it was computed."""

import logging
from datetime import date
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper

from tests.factories import LvefFactory
from tests.integration.test_quality_page import TODAY, clinic, load, patient  # noqa: F401
from tracker.models import Patient, QualityItems
from tracker.monitoring import quality
from tracker.selectors import quality as selector

pytestmark = pytest.mark.django_db

PERIOD = selector.last_complete_quarter(TODAY)


@pytest.fixture(autouse=True)
def _fresh():
    selector.clear_cache()
    yield
    selector.clear_cache()


def view(period=PERIOD, listed="Q7"):
    dashboard = selector.quality_dashboard(period, TODAY, listed)
    figures = [(m.id, m.numerator, m.denominator, m.pending) for m in dashboard.measures]
    trend = [[(m.id, m.numerator, m.denominator) for m in ms] for _, ms in dashboard.trend]
    return figures, trend, dashboard.open_items(listed)


def fresh(period=PERIOD, listed="Q7"):
    """The figures computed from the records alone, with no copy to read."""
    QualityItems.objects.all().delete()
    selector.clear_cache()
    try:
        return view(period, listed)
    finally:
        QualityItems.objects.all().delete()
        selector.clear_cache()


def restart():
    """A new app server, or this one after a restart: nothing kept in the process."""
    selector.clear_cache()


def test_a_restarted_server_reads_the_copies_and_computes_nothing(clinic):  # noqa: F811
    first = view()
    assert selector.loads() == 1
    assert QualityItems.objects.count() == Patient.objects.count() == 3
    restart()
    assert view() == first
    assert selector.loads() == 0  # every patient's items from its copy
    # The drill-down's reasons in words come back from the copy too.
    assert any("overdue" in item.reason for item in first[2])


def test_a_written_patient_is_computed_again_and_the_others_read(clinic):  # noqa: F811
    view()
    LvefFactory(patient=Patient.objects.get(mrn="A1002"), date=date(2026, 2, 1))
    restart()
    with mock.patch.object(selector, "load_records", wraps=selector.load_records) as loaded:
        after = view()
    (patients,), _ = loaded.call_args
    assert [p.mrn for p in patients] == ["A1002"]  # only the patient whose stamp changed
    assert after == fresh()


def test_a_review_makes_the_copy_stale(clinic):  # noqa: F811
    """A review does not change the stored status, but it changes Q5: the stamp follows it."""
    from tracker.models import RecommendationReview

    q5 = selector.quality_dashboard(PERIOD, TODAY).measure("Q5")
    assert (q5.numerator, q5.denominator) == (0, 1)
    RecommendationReview.objects.create(
        patient=Patient.objects.get(mrn="A1001"),
        date=date(2026, 3, 25),
        decision="hold_recorded",
        recommendation="hold",
    )  # 7 days after the decline of 18 Mar 2026: in time
    restart()
    q5 = selector.quality_dashboard(PERIOD, TODAY).measure("Q5")
    assert (q5.numerator, q5.denominator) == (1, 1)
    assert selector.loads() == 1
    restart()
    assert selector.quality_dashboard(PERIOD, TODAY).measure("Q5").numerator == 1
    assert selector.loads() == 0


@pytest.mark.parametrize(
    "change",
    [
        {"stamp": "2001-01-01T00:00:00+00:00"},  # computed from another state of the patient
        {"code": "another-rules-code"},  # another deploy's rules or measures, or settings
        {"as_of": date(2026, 4, 9)},  # another evaluation date
    ],
    ids=["stamp", "code", "as_of"],
)
def test_a_copy_that_is_not_current_is_never_used(clinic, change):  # noqa: F811
    first = view()
    QualityItems.objects.update(**change)
    restart()
    assert view() == first
    assert selector.loads() == 1  # computed again, not read


def test_other_rule_settings_have_their_own_copies(clinic, settings):  # noqa: F811
    view()
    settings.RULE_SET = "eu_smpc"
    restart()
    view()
    assert selector.loads() == 1
    assert QualityItems.objects.values("code").distinct().count() == 2


def test_another_quarter_adds_its_days_to_the_copies(clinic):  # noqa: F811
    view()
    older = selector.previous_quarter(selector.previous_quarter(PERIOD))
    with_older = view(older)
    days = {selector.quality.q7_day(q.end, TODAY) for q in selector.trend_quarters(older)}
    assert all(
        {d.isoformat() for d in days} <= row.keys()
        for row in QualityItems.objects.values_list("items__q7", flat=True)
    )
    restart()
    assert view(older) == with_older
    assert selector.loads() == 0
    assert with_older == fresh(older)


def test_a_refused_write_still_serves_the_page(clinic, caplog):  # noqa: F811
    def refuse(self, sql, params):
        if "tracker_qualityitems" in sql:
            raise OperationalError("database is locked")
        return original(self, sql, params)

    original = CursorWrapper.executemany
    with (
        mock.patch.object(CursorWrapper, "executemany", refuse),
        caplog.at_level(logging.WARNING, logger="tracker.selectors.quality"),
    ):
        refused = view()
    assert "not stored" in caplog.text
    assert QualityItems.objects.count() == 0
    assert refused == fresh()


def test_the_nightly_refresh_computes_the_default_page_for_every_server(clinic, monkeypatch):  # noqa: F811
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: TODAY)
    call_command("refresh_status", stdout=mock.Mock())
    assert QualityItems.objects.filter(as_of=TODAY).count() == 3
    restart()
    view()
    assert selector.loads() == 0


def test_the_nightly_refresh_can_leave_the_dashboard_alone(clinic):  # noqa: F811
    call_command("refresh_status", "--no-quality", stdout=mock.Mock())
    assert QualityItems.objects.count() == 0


@pytest.mark.parametrize(
    ("as_of", "code", "kept"),
    [
        (date(2026, 4, 7), "current", False),  # 3 days before: deleted
        (date(2026, 4, 8), "current", True),  # 2 days before: kept (SHARED_DAYS_KEPT)
        (TODAY, "current", True),
        (TODAY, "old", False),  # another deploy's code
    ],
)
def test_old_copies_are_deleted_at_night(clinic, as_of, code, kept):  # noqa: F811
    view()
    current = selector._code(selector.rule_settings())
    QualityItems.objects.update(as_of=as_of, code=current if code == "current" else "old")
    selector.forget_old_shared(TODAY)
    assert QualityItems.objects.exists() is kept


@pytest.mark.parametrize(
    ("items", "stored"),
    [
        ([], 0),
        ([quality.Item("Q7", "A1", quality.MET, TODAY)], 1),
        (
            [quality.Item("Q7", "A1", quality.NOT_MET, TODAY, "3 days overdue", 3)],
            [[], [["Q7", quality.NOT_MET, TODAY.isoformat(), "3 days overdue", 3]]],
        ),
        (
            [quality.Item("Q7", "A1", quality.PENDING, TODAY, "pending")],
            [[], [["Q7", quality.PENDING, TODAY.isoformat(), "pending", None]]],
        ),
    ],
    ids=["none", "met", "not met", "pending"],
)
def test_q7_is_stored_small_and_read_back_whole(items, stored):
    assert selector._q7_pack(items) == stored
    store = quality.ItemStore()
    packs = selector._q7_full([(TODAY, stored)])
    met, others = quality.unpack("A1", packs)
    if stored == 1:
        met["Q7", TODAY] += 1
    store.put("owner", met, others)
    assert store.measures(TODAY, TODAY, TODAY) == quality.ItemStore(items).measures(
        TODAY, TODAY, TODAY
    )
