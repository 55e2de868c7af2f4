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
    ["trastuzumab_sc", "pertuzumab_trastuzumab", "trastuzumab_emtansine", "trastuzumab_deruxtecan"],
)
def test_d1_only_iv_trastuzumab(agent):
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
