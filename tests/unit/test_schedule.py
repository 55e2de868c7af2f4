"""S1-S6: the next assessment's due date and status."""

from datetime import date, timedelta

import pytest

from tracker.monitoring import RuleSettings

from .builders import (
    AS_OF,
    BASELINE_DAY,
    F,
    active_record,
    course,
    day,
    hold,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)


# --- S1: planned -----------------------------------------------------------------------------


def test_s1_baseline_plus_3_months():
    status = run(record([course("2026-07-01")], [lvef("2026-04-15", 60)]))
    assert (status.next_assessment_due, status.schedule_rule) == (date(2026, 7, 15), "S1")


def test_s1_month_end():
    status = run(record([course("2026-01-05")], [lvef("2025-11-30", 60)]), "2026-01-01")
    assert status.next_assessment_due == date(2026, 2, 28)


def test_s1_without_baseline_planned_start():
    status = run(record([course("2026-07-01")]))
    assert status.next_assessment_due == date(2026, 7, 1)


# --- S2: active, or held for an other reason -------------------------------------------------


def test_s2_latest_plus_3_months():
    status = run(active_record(B, lvef("2026-03-18", 60)))
    assert (status.next_assessment_due, status.schedule_rule) == (date(2026, 6, 18), "S2")


@pytest.mark.parametrize(
    ("when", "due"),
    [
        pytest.param("2025-10-04", F, id="only-lvef-before-window-due-F"),
        pytest.param("2025-10-05", date(2026, 1, 5), id="lvef-at-window-start-plus-3-months"),
    ],
)
def test_s2_window(when, due):
    assert run(active_record(lvef(when, 62))).next_assessment_due == due


def test_s2_no_lvef_due_f_overdue():
    status = run(active_record())
    assert status.next_assessment_due == F
    assert status.assessment_status == "overdue"


def test_s2_held_for_other_reason():
    status = run(
        active_record(B, lvef("2026-04-01", 60), holds=(hold("2026-05-20", reason="other"),))
    )
    assert status.phase == "held"
    assert (status.next_assessment_due, status.schedule_rule) == (date(2026, 7, 1), "S2")


# --- S3: held for a cardiac reason -----------------------------------------------------------


def test_s3_latest_plus_28_days():
    status = run(active_record(B, lvef("2026-05-10", 45), holds=(hold("2026-05-12"),)))
    assert (status.next_assessment_due, status.schedule_rule) == (date(2026, 6, 7), "S3")
    assert status.assessment_status == "due_soon"


def test_s3_latest_before_the_hold_may_already_be_overdue():
    status = run(active_record(B, lvef("2026-03-18", 46), holds=(hold("2026-05-20"),)))
    assert status.next_assessment_due == date(2026, 4, 15)
    assert status.assessment_status == "overdue"


def test_s3_no_lvef_due_f():
    status = run(active_record(holds=(hold("2026-05-20"),)))
    assert status.next_assessment_due == F


# --- S4: completion assessment ---------------------------------------------------------------

E = date(2026, 3, 1)


@pytest.mark.parametrize("end_reason", ["completed", "discontinued"])
@pytest.mark.parametrize(
    ("when", "due", "rule"),
    [
        pytest.param("2026-01-31", date(2026, 3, 29), "S4", id="E-minus-29-days-not-satisfied"),
        pytest.param("2026-02-01", date(2026, 8, 1), "S5", id="E-minus-28-days-satisfied"),
        pytest.param("2026-03-10", date(2026, 9, 10), "S5", id="after-E-satisfied"),
    ],
)
def test_s4_completion_assessment(when, due, rule, end_reason):
    c = course(infusions=infusions(count=3), end=E, end_reason=end_reason)
    status = run(record([c], [B, lvef(when, 60)]))
    assert (status.next_assessment_due, status.schedule_rule) == (due, rule)
    assert status.phase == end_reason


# --- S5: follow-up ---------------------------------------------------------------------------


@pytest.mark.parametrize("intent", ["adjuvant", "neoadjuvant"])
def test_s5_early_stage_every_6_months(intent):
    c = course("2023-01-09", intent=intent, infusions=infusions("2023-01-09", 17), end="2024-01-31")
    checks = [
        ("2024-01-20", "2024-02-15", date(2024, 7, 20)),
        ("2024-07-31", "2024-08-01", date(2025, 1, 31)),
        ("2025-01-31", "2025-03-01", date(2025, 7, 31)),
        ("2025-08-31", "2025-09-01", date(2026, 2, 28)),  # clamped
    ]
    for when, as_of, due in checks:
        status = run(record([c], [lvef(when, 60)]), as_of)
        assert status.phase == "completed"
        assert (status.next_assessment_due, status.schedule_rule) == (due, "S5")


@pytest.mark.parametrize(
    ("end", "when", "due"),
    [
        # E + 24 months - 28 days: 2024-01-10 -> 2026-01-10 -> 2025-12-13.
        pytest.param(
            "2024-01-10", "2025-12-12", date(2026, 6, 12), id="day-before-end-of-follow-up"
        ),
        pytest.param("2024-01-10", "2025-12-13", None, id="on-end-of-follow-up"),
        # Months first (2026-02-28), then days: 2026-01-31.
        pytest.param("2024-02-29", "2026-01-30", date(2026, 7, 30), id="leap-day-before"),
        pytest.param("2024-02-29", "2026-01-31", None, id="leap-on"),
    ],
)
def test_s5_end_of_early_stage_follow_up(end, when, due):
    c = course("2023-03-06", infusions=infusions("2023-03-06", 17), end=end)
    status = run(record([c], [lvef(when, 60)]), "2026-03-01")
    assert status.next_assessment_due == due
    if due is None:
        assert status.phase == "surveillance_complete"
        assert status.assessment_status == "not_required"
        assert status.schedule_rule == ""
    else:
        assert (status.phase, status.schedule_rule) == ("completed", "S5")


@pytest.mark.parametrize(
    ("intent", "phase", "due"),
    [
        pytest.param("metastatic", "surveillance_complete", None, id="metastatic-over"),
        pytest.param("adjuvant", "completed", date(2026, 9, 20), id="adjuvant-goes-on"),
    ],
)
def test_s5_metastatic_over_once_completion_satisfied(intent, phase, due):
    c = course(intent=intent, infusions=infusions(count=3), end=E)
    status = run(record([c], [lvef("2026-03-20", 60)]))
    assert (status.phase, status.next_assessment_due) == (phase, due)


def test_s5_metastatic_without_completion_assessment_is_completed():
    c = course(intent="metastatic", infusions=infusions(count=3), end=E)
    status = run(record([c], [B]))
    assert status.phase == "completed"
    # v2 S4: the earlier of E + 28 days (03-29) and S2's date (B + 3 months, 03-20).
    assert status.next_assessment_due == date(2026, 3, 20)


# --- S6: assessment status -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_until_due", "expected", "flag"),
    [
        pytest.param(15, "ok", None, id="15-days-ok"),
        pytest.param(14, "due_soon", "ASSESSMENT_DUE_SOON", id="14-days-due-soon"),
        pytest.param(0, "due_soon", "ASSESSMENT_DUE_SOON", id="on-due-date-due-soon"),
        pytest.param(-1, "overdue", "ASSESSMENT_OVERDUE", id="day-after-overdue"),
    ],
)
def test_s6_status(days_until_due, expected, flag):
    # Planned without baseline: due on the planned start (S1).
    rec = record([course(AS_OF + timedelta(days=days_until_due))])
    status = run(rec)
    assert status.assessment_status == expected
    assert status.days_until_due == days_until_due
    status_flags = {"ASSESSMENT_DUE_SOON", "ASSESSMENT_OVERDUE"} & set(status.flags)
    assert status_flags == ({flag} if flag else set())


@pytest.mark.parametrize(
    ("days_until_due", "expected"),
    [
        pytest.param(8, "ok", id="8-days-ok"),
        pytest.param(7, "due_soon", id="7-days-due-soon"),
    ],
)
def test_s6_due_soon_window_is_configurable(days_until_due, expected):
    rec = record([course(AS_OF + timedelta(days=days_until_due))])
    assert run(rec, settings=RuleSettings(due_soon_days=7)).assessment_status == expected


def test_s6_not_required_without_due_date():
    status = run(record(lvefs=[B]))
    assert (status.assessment_status, status.days_until_due) == ("not_required", None)


def test_s6_overdue_counts_days():
    status = run(active_record(B))
    assert status.days_until_due == (date(2026, 3, 20) - day(AS_OF)).days == -73
