"""Section 0 v2: treatment episodes across courses (the 84/85-day cut), F, the current-course
pass-over, and what follows the episode (B1, S1-S3, H4, H5); B3's low-normal baseline."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from .builders import active_record, course, hold, infusion, infusions, lvef, record, run

IV_LAST = date(2025, 10, 22)
IV = course(
    "2025-10-01", infusions=(infusion("2025-10-01"), infusion(IV_LAST)), end=IV_LAST
)  # completed
LVEFS = [lvef("2025-09-20", 60), lvef("2026-01-10", 52)]


@pytest.mark.parametrize(
    ("gap", "first", "baseline"),
    [
        pytest.param(83, date(2025, 10, 1), 60, id="83-days-same-episode"),
        pytest.param(84, date(2025, 10, 1), 60, id="84-days-same-episode"),
        pytest.param(85, IV_LAST + timedelta(days=85), 52, id="85-days-new-episode"),
    ],
)
def test_episode_cut_across_courses(gap, first, baseline):
    restart = IV_LAST + timedelta(days=gap)
    sc = course("2026-01-01", agent="trastuzumab_sc", infusions=(infusion(restart),))
    status = run(record([IV, sc], LVEFS), as_of=restart + timedelta(days=1))
    assert status.course == sc
    assert status.first_infusion == first  # F
    assert status.baseline.value == baseline


@pytest.mark.parametrize(("gap", "new_episode"), [(84, False), (85, True)])
def test_episode_cut_within_one_course(gap, new_episode):
    days = (infusion("2025-10-01"), infusion(IV_LAST), infusion(IV_LAST + timedelta(days=gap)))
    status = run(record([course("2025-10-01", infusions=days)], LVEFS), as_of="2026-02-01")
    assert status.first_infusion == (
        IV_LAST + timedelta(days=gap) if new_episode else date(2025, 10, 1)
    )


@pytest.mark.parametrize(("gap", "continues"), [(84, True), (85, False), (-10, True)])
def test_not_started_course_continues_the_latest_run(gap, continues):
    # Section 0: when the current course has not started, the episode is the latest run if its
    # planned start is at most 84 days after the run's last infusion (earlier starts included).
    planned = IV_LAST + timedelta(days=gap)
    sc = course(planned, agent="trastuzumab_sc")
    status = run(record([IV, sc], [lvef("2025-09-20", 60)]), as_of="2025-11-01")
    assert status.course == sc
    assert status.phase == "planned"
    if continues:
        assert status.first_infusion == date(2025, 10, 1)
        assert status.baseline.value == 60
        # S1 continuing an episode: as S2, L + 3 months.
        assert status.next_assessment_due == date(2025, 12, 20)
        assert status.schedule_rule == "S1"
    else:
        assert status.first_infusion is None
        # B1 without F: from planned start - 3 months; 2025-09-20 is before it.
        assert status.baseline is None
        assert "BASELINE_MISSING" in status.flags
        assert status.next_assessment_due == planned  # S1 without B


def test_planned_continuing_an_episode_uses_s3_for_a_hold_level_lvef():
    sc = course(IV_LAST + timedelta(days=30), agent="trastuzumab_sc")
    status = run(record([IV, sc], [lvef("2025-09-20", 60), lvef("2025-10-25", 44)]), "2025-11-01")
    assert status.phase == "planned"
    assert status.schedule_rule == "S3"
    assert status.next_assessment_due == date(2025, 11, 22)  # L + 28
    assert "LVEF_HOLD_CRITERIA" in status.flags
    assert status.recommendation == "none"


# --- current course pass-over ---------------------------------------------------------------


def test_a_planned_switch_does_not_hide_the_running_course():
    running = course(infusions=infusions(count=7))  # 01-05 .. 05-11, not ended
    switch = course("2026-07-01", agent="trastuzumab_sc")
    status = run(record([running, switch], [lvef("2025-12-20", 62)]))
    assert status.course == running
    assert status.phase == "active"
    assert status.recommendation == "continue"


def test_the_switch_becomes_current_once_it_has_started():
    running = course(infusions=infusions(count=7))
    switch = course("2026-05-20", agent="trastuzumab_sc", infusions=(infusion("2026-05-25"),))
    assert run(record([running, switch], [lvef("2025-12-20", 62)])).course == switch


def test_the_latest_of_several_running_earlier_courses_is_current():
    a = course("2026-01-05", infusions=infusions(count=3))
    b = course("2026-02-01", infusions=(infusion("2026-02-02"),), agent="trastuzumab_sc")
    c = course("2026-08-01")
    assert run(record([a, b, c], [lvef("2025-12-20", 62)])).course == b


def test_an_ended_course_is_not_kept_current():
    ended = course(infusions=infusions(count=7), end="2026-05-11")
    later = course("2026-07-01", agent="trastuzumab_sc")
    status = run(record([ended, later], [lvef("2025-12-20", 62)]))
    assert status.course == later
    assert status.phase == "planned"


# --- the episode carries H4 and H5 across courses -------------------------------------------


def test_h4_counts_the_cardiac_holds_of_the_episode_across_courses():
    iv = course(
        infusions=infusions(count=4),
        holds=(hold("2026-01-10", "2026-01-12"), hold("2026-01-30", "2026-02-01")),
        end="2026-03-09",
    )
    sc = course(
        "2026-03-20",
        agent="trastuzumab_sc",
        infusions=(infusion("2026-03-30"), infusion("2026-04-20"), infusion("2026-05-11")),
        holds=(hold("2026-04-01", "2026-04-03"), hold("2026-04-22", "2026-04-24")),
    )
    status = run(record([iv, sc], [lvef("2025-12-20", 62), lvef("2026-05-15", 60)]))
    assert status.course == sc
    assert status.recommendation == "discontinue"
    assert "REPEATED_HOLDS" in status.flags


def test_h4_does_not_count_holds_before_the_episode():
    old = course(
        "2024-01-01",
        infusions=infusions("2024-01-01", 3),
        holds=tuple(hold(f"2024-0{m}-01", f"2024-0{m}-02") for m in (2, 3, 4, 5)),
        end="2024-06-01",
    )
    status = run(record([old, course(infusions=infusions(count=7))], [lvef("2025-12-20", 62)]))
    assert "REPEATED_HOLDS" not in status.flags


def test_h5_sees_the_previous_course_of_the_episode():
    iv = course(infusions=infusions(count=4), end="2026-03-09")  # last 03-09
    sc = course("2026-03-20", agent="trastuzumab_sc", infusions=(infusion("2026-03-30"),))
    status = run(record([iv, sc], [lvef("2025-12-20", 62), lvef("2026-02-01", 45)]))
    assert status.hold_not_actioned_dates == (
        date(2026, 2, 16),
        date(2026, 3, 9),
        date(2026, 3, 30),
    )


# --- B3 low-normal baseline -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "flag"),
    [
        ("49.9", "BASELINE_BELOW_LLN"),
        ("50", "BASELINE_LOW_NORMAL"),
        ("54.9", "BASELINE_LOW_NORMAL"),
        ("55", None),
        ("55.1", None),
    ],
)
def test_b3_low_normal(value, flag):
    status = run(active_record(lvef("2025-12-20", value)))
    b3 = {"BASELINE_BELOW_LLN", "BASELINE_LOW_NORMAL"} & set(status.flags)
    assert b3 == ({flag} if flag else set())


# --- S3 v2 -------------------------------------------------------------------------------------


def test_s3_after_a_hold_level_decline_with_no_hold_recorded():
    status = run(active_record(lvef("2025-12-20", 62), lvef("2026-05-20", 45)))
    assert status.schedule_rule == "S3"
    assert status.next_assessment_due == date(2026, 6, 17)


def test_s3_with_a_cardiac_hold_and_no_lvef_is_due_at_f():
    status = run(active_record(infusions_=infusions(count=3), holds=(hold("2026-03-01"),)))
    assert status.schedule_rule == "S3"
    assert status.next_assessment_due == date(2026, 1, 5)


def test_s3_during_an_other_hold_with_a_hold_level_lvef():
    rec = active_record(
        lvef("2025-12-20", 62),
        lvef("2026-05-01", 45),
        infusions_=infusions(count=5),
        holds=(hold("2026-04-01", reason="other"),),
    )
    status = run(rec)
    assert status.phase == "held"
    assert (status.schedule_rule, status.next_assessment_due) == ("S3", date(2026, 5, 29))
