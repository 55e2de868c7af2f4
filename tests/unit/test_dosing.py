"""D1: a loading dose after a missed dose (IV trastuzumab, phase active)."""

from datetime import timedelta

import pytest

from .builders import AS_OF, BASELINE_DAY, active_record, hold, infusion, lvef, run

B = lvef(BASELINE_DAY, 62)


def last_infusion_days_ago(days, **kwargs):
    return active_record(B, infusions_=(infusion(AS_OF - timedelta(days=days)),), **kwargs)


@pytest.mark.parametrize(
    ("schedule", "days", "due"),
    [
        pytest.param("weekly", 14, False, id="weekly-14-days"),
        pytest.param("weekly", 15, True, id="weekly-15-days"),
        pytest.param("every_3_weeks", 28, False, id="3-weekly-28-days"),
        pytest.param("every_3_weeks", 29, True, id="3-weekly-29-days"),
    ],
)
def test_d1_interval_plus_7(schedule, days, due):
    status = run(last_infusion_days_ago(days, schedule=schedule))
    assert status.phase == "active"
    assert ("RELOAD_DOSE_DUE" in status.flags) is due


@pytest.mark.parametrize(
    "agent",
    ["trastuzumab_sc", "trastuzumab_emtansine", "trastuzumab_deruxtecan"],
)
def test_d1_no_reload_rule_for_other_agents(agent):
    # v2 D1: trastuzumab and pertuzumab_trastuzumab (interval + 7), Phesgo (42 days); others none.
    status = run(last_infusion_days_ago(60, agent=agent))
    assert "RELOAD_DOSE_DUE" not in status.flags


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"holds": (hold("2026-05-01"),)}, id="held"),
        pytest.param({"end": "2026-04-01"}, id="completed"),
        pytest.param({"end": "2026-04-01", "end_reason": "discontinued"}, id="discontinued"),
    ],
)
def test_d1_only_in_phase_active(kwargs):
    status = run(last_infusion_days_ago(60, **kwargs))
    assert status.phase != "active"
    assert "RELOAD_DOSE_DUE" not in status.flags


def test_d1_uses_the_last_infusion():
    inf = (infusion("2026-01-05"), infusion("2026-05-20"))
    assert "RELOAD_DOSE_DUE" not in run(active_record(B, infusions_=inf)).flags


@pytest.mark.parametrize(
    ("agent", "schedule", "days", "due"),
    [
        ("pertuzumab_trastuzumab", "every_3_weeks", 28, False),
        ("pertuzumab_trastuzumab", "every_3_weeks", 29, True),
        ("pertuzumab_trastuzumab", "weekly", 14, False),
        ("pertuzumab_trastuzumab", "weekly", 15, True),
        # Phesgo label: 6 weeks (42 days) or more, whatever the schedule.
        ("pertuzumab_trastuzumab_sc", "every_3_weeks", 41, False),
        ("pertuzumab_trastuzumab_sc", "every_3_weeks", 42, True),
        ("pertuzumab_trastuzumab_sc", "every_3_weeks", 43, True),
        ("pertuzumab_trastuzumab_sc", "weekly", 41, False),
        ("pertuzumab_trastuzumab_sc", "weekly", 42, True),
    ],
)
def test_d1_per_agent(agent, schedule, days, due):
    status = run(last_infusion_days_ago(days, agent=agent, schedule=schedule))
    assert status.phase == "active"
    assert ("RELOAD_DOSE_DUE" in status.flags) is due


def test_d1_gap_follows_the_episode_across_courses():
    # v2 D1: the gap is from the episode's last infusion, whichever course it belongs to.
    from .builders import course, record

    iv = course("2026-01-05", infusions=(infusion("2026-04-20"),))
    sc = course("2026-05-01", agent="trastuzumab", infusions=(infusion("2026-05-10"),))
    status = run(record([iv, sc], [B]))
    assert "RELOAD_DOSE_DUE" not in status.flags  # 22 days since 05-10


def test_d1_unknown_schedule_has_no_reload():
    status = run(last_infusion_days_ago(60, schedule="fortnightly"))
    assert "RELOAD_DOSE_DUE" not in status.flags
    assert "D1" in {e.rule for e in run(last_infusion_days_ago(60)).explanations}
