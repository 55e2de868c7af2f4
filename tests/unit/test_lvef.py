"""L1-L4, H1 (as the LVEF_HOLD_CRITERIA flag and H3) and the CTRCD grade."""

from decimal import Decimal

import pytest

from tracker.monitoring import RuleSettings

from .builders import (
    BASELINE_DAY,
    active_record,
    course,
    infusions,
    lvef,
    record,
    run,
)

LATER = "2026-04-20"


def latest_after_baseline(baseline, latest, *, baseline_gls=None, latest_gls=None, modality="echo"):
    return active_record(
        lvef(BASELINE_DAY, baseline, gls=baseline_gls),
        lvef(LATER, latest, modality, gls=latest_gls),
    )


# --- L1, L2 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lln", "flagged"),
    [
        pytest.param("49.9", "50", True, id="49.9"),
        pytest.param("50.0", "50", False, id="50.0"),
        pytest.param("50.1", "50", False, id="50.1"),
        pytest.param("54.9", "55", True, id="54.9-lln-55"),
        pytest.param("55.0", "55", False, id="55.0-lln-55"),
        pytest.param("55.1", "55", False, id="55.1-lln-55"),
    ],
)
def test_l1_below_lln(value, lln, flagged):
    status = run(latest_after_baseline(55, value), settings=RuleSettings(lln=Decimal(lln)))
    assert ("LVEF_BELOW_LLN" in status.flags) is flagged


@pytest.mark.parametrize(
    ("value", "flagged"),
    [
        pytest.param("39.9", True, id="39.9"),
        pytest.param("40.0", False, id="40.0"),
        pytest.param("40.1", False, id="40.1"),
    ],
)
def test_l2_severe(value, flagged):
    assert ("LVEF_SEVERE" in run(latest_after_baseline(45, value)).flags) is flagged


def test_l1_l2_need_only_l():
    status = run(record(lvefs=[lvef("2026-05-01", "39.9")]))
    assert {"LVEF_BELOW_LLN", "LVEF_SEVERE"} <= set(status.flags)
    # v2 section 4: a patient without a course has no profile, so H1 does not apply.
    assert "LVEF_HOLD_CRITERIA" not in status.flags


# --- L3 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modality", "flagged"),
    [
        pytest.param("muga", True, id="echo-then-muga"),
        pytest.param("cmr", True, id="echo-then-cmr"),
        pytest.param("echo", False, id="same-modality"),
    ],
)
def test_l3_modality_mismatch(modality, flagged):
    status = run(latest_after_baseline(62, 60, modality=modality))
    assert ("MODALITY_MISMATCH" in status.flags) is flagged


def test_l3_latest_is_the_baseline():
    status = run(active_record(lvef(BASELINE_DAY, 62, "muga")))
    assert "MODALITY_MISMATCH" not in status.flags


# --- L4 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gls_b", "gls_l", "flagged"),
    [
        pytest.param("-20.0", "-17.0", False, id="15.0-percent"),
        pytest.param("-20.0", "-16.98", True, id="15.1-percent"),
        pytest.param("-20.0", "-17.02", False, id="14.9-percent"),
        pytest.param("-20.0", "-16.9", True, id="15.5-percent"),
        pytest.param("-18.0", "-21.0", False, id="strain-improved"),
        pytest.param("0", "-5.0", False, id="gls-b-zero-no-decline"),
        pytest.param(None, "-10.0", False, id="no-gls-on-b"),
        pytest.param("-20.0", None, False, id="no-gls-on-l"),
    ],
)
def test_l4_gls_decline(gls_b, gls_l, flagged):
    status = run(latest_after_baseline(62, 60, baseline_gls=gls_b, latest_gls=gls_l))
    assert ("GLS_DECLINE" in status.flags) is flagged


def test_l4_relative_decline_value():
    status = run(latest_after_baseline(62, 60, baseline_gls="-20.0", latest_gls="-16.98"))
    assert status.gls_relative_decline == Decimal("15.1")


# --- H1 (M = L): LVEF_HOLD_CRITERIA and H3 ---------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "lln", "met"),
    [
        # Drop >= 16 above the LLN.
        pytest.param("70", "54.1", "50", False, id="drop-15.9"),
        pytest.param("70", "54.0", "50", True, id="drop-16.0"),
        pytest.param("70", "53.9", "50", True, id="drop-16.1"),
        # Drop 15.1-15.9 above the LLN: not met (the label's gap).
        pytest.param("70", "54.9", "50", False, id="drop-15.1-gap"),
        # Below the LLN, drop >= 10.
        pytest.param("59", "49.1", "50", False, id="below-lln-drop-9.9"),
        pytest.param("59", "49.0", "50", True, id="below-lln-drop-10.0"),
        pytest.param("59", "48.9", "50", True, id="below-lln-drop-10.1"),
        pytest.param("60", "50.0", "50", False, id="at-lln-drop-10"),
        pytest.param("64", "54.0", "55", True, id="below-lln-55-drop-10"),
        pytest.param("65", "55.0", "55", False, id="at-lln-55-drop-10"),
        # Below 40, with or without a drop.
        pytest.param("45", "39.9", "50", True, id="39.9"),
        pytest.param("45", "40.0", "50", False, id="40.0-drop-5"),
        pytest.param("45", "40.1", "50", False, id="40.1"),
    ],
)
def test_h1_hold_criteria(baseline, latest, lln, met):
    status = run(latest_after_baseline(baseline, latest), settings=RuleSettings(lln=Decimal(lln)))
    assert ("LVEF_HOLD_CRITERIA" in status.flags) is met
    assert status.recommendation == ("hold" if met else "continue")  # H3


@pytest.mark.parametrize(
    ("value", "met"),
    [pytest.param("39.9", True, id="39.9"), pytest.param("40.0", False, id="40.0")],
)
def test_h1_without_baseline_only_below_40(value, met):
    rec = record([course(infusions=infusions())], [lvef("2026-04-20", value)])
    status = run(rec)
    assert status.baseline is None
    assert ("LVEF_HOLD_CRITERIA" in status.flags) is met
    assert status.recommendation == ("hold" if met else "continue")


def test_h1_flag_raised_outside_treatment_phases():
    rec = record(
        [course(infusions=infusions(), end="2026-05-11")],
        [lvef(BASELINE_DAY, 62), lvef("2026-05-20", 46)],
    )
    status = run(rec)
    assert status.phase == "completed"
    assert status.recommendation == "none"
    assert "LVEF_HOLD_CRITERIA" in status.flags


# --- CTRCD (ESC 2022 Table 3; 40 and 50 fixed) -----------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "latest", "gls", "grade"),
    [
        pytest.param("45", "39.9", None, "severe", id="severe-below-40-drop"),
        pytest.param("39.9", "39.9", None, "none", id="below-40-no-drop"),
        pytest.param("38", "39", None, "none", id="below-40-improved"),
        pytest.param("50", "40.0", None, "moderate", id="moderate-40-drop-10"),
        pytest.param("59.9", "49.9", None, "moderate", id="moderate-49.9-drop-10"),
        pytest.param("59.8", "49.9", None, "none", id="49.9-drop-9.9"),
        pytest.param("50", "49.9", ("-20.0", "-16.9"), "moderate", id="moderate-drop-0.1-gls"),
        pytest.param("49.9", "49.9", ("-20.0", "-16.9"), "none", id="below-50-gls-no-drop"),
        pytest.param("65", "50.0", None, "none", id="50-drop-15-none"),
        pytest.param("65", "50.0", ("-20.0", "-16.9"), "mild", id="mild-50-gls"),
        pytest.param("55", "58", ("-20.0", "-16.9"), "mild", id="mild-without-drop"),
        pytest.param("62", "60", ("-20.0", "-17.0"), "none", id="gls-15-percent-none"),
    ],
)
def test_ctrcd_grade(baseline, latest, gls, grade):
    gls_b, gls_l = gls if gls else (None, None)
    rec = latest_after_baseline(baseline, latest, baseline_gls=gls_b, latest_gls=gls_l)
    assert run(rec).ctrcd == grade


def test_ctrcd_unknown_without_baseline():
    assert run(record(lvefs=[lvef("2026-05-01", 30)])).ctrcd == "unknown"


def test_ctrcd_thresholds_are_fixed_not_the_lln():
    status = run(latest_after_baseline(62, 52), settings=RuleSettings(lln=Decimal(55)))
    assert status.ctrcd == "none"
    assert "LVEF_BELOW_LLN" in status.flags
    assert status.recommendation == "hold"  # H1: below LLN 55 with a drop of 10


def test_lvef_drop_value():
    assert run(latest_after_baseline("62.5", "46.4")).lvef_drop == Decimal("16.1")
