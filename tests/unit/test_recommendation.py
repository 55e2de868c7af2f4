"""H2-H5: the recommendation and the hold checks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.monitoring import RuleSettings

from .builders import (
    AS_OF,
    BASELINE_DAY,
    active_record,
    course,
    days_before,
    hold,
    infusion,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)
# Infusions 01-05 .. 03-30, so that holds from April on are after the last one.
UNTIL_MARCH = infusions(count=5)


def open_cardiac_hold(age, r_value=None, *, baseline=B, extra_holds=(), r_after=None):
    """A cardiac hold ``age`` days old at AS_OF; R dated ``r_after`` days after its start (v2 H2:
    R is dated strictly after the start; by default on as_of, so R's date - start = age)."""
    start = days_before(age)
    lvefs = [m for m in (baseline,) if m is not None]
    if r_value is not None:
        lvefs.append(lvef(start + timedelta(days=age if r_after is None else r_after), r_value))
    return active_record(*lvefs, infusions_=UNTIL_MARCH, holds=(*extra_holds, hold(start)))


# --- H2 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "r_value", "recommendation", "flag"),
    [
        pytest.param(27, 55, "hold", None, id="recovered-27-days"),
        pytest.param(28, 55, "may_resume", "RESUME_CRITERIA_MET", id="recovered-28-days"),
        pytest.param(29, 55, "may_resume", "RESUME_CRITERIA_MET", id="recovered-29-days"),
        pytest.param(56, 45, "hold", None, id="not-recovered-56-days"),
        pytest.param(57, 45, "discontinue", "PERSISTENT_DECLINE", id="not-recovered-57-days"),
        pytest.param(100, None, "hold", None, id="no-R-old-hold"),
        pytest.param(20, None, "hold", None, id="no-R-young-hold"),
    ],
)
def test_h2_hold_age(age, r_value, recommendation, flag):
    status = run(open_cardiac_hold(age, r_value))
    assert status.phase == "held"
    assert status.hold_age_days == age
    assert status.recommendation == recommendation
    h2_flags = {"RESUME_CRITERIA_MET", "PERSISTENT_DECLINE"} & set(status.flags)
    assert h2_flags == ({flag} if flag else set())
    assert status.recommendation_reason.endswith("[H2]")


@pytest.mark.parametrize(
    ("age", "r_after", "recommendation"),
    [
        # v2 H2 (US label, persistent): R dated 56 days or more after the start, hold age > 56.
        pytest.param(57, 55, "hold", id="r-55-days-after"),
        pytest.param(57, 56, "discontinue", id="r-56-days-after-age-57"),
        pytest.param(56, 56, "hold", id="r-56-days-after-age-56"),
        pytest.param(80, 2, "hold", id="r-2-days-after-old-hold"),
        pytest.param(80, 0, "hold", id="r-on-the-start-is-no-r"),
    ],
)
def test_h2_persistent_needs_a_repeat_8_weeks_after_the_start(age, r_after, recommendation):
    status = run(open_cardiac_hold(age, 45, r_after=r_after))
    assert status.recommendation == recommendation
    assert ("PERSISTENT_DECLINE" in status.flags) is (recommendation == "discontinue")


@pytest.mark.parametrize(
    ("baseline", "r_value", "lln", "recovered"),
    [
        pytest.param("70", "55.0", "50", True, id="drop-15-recovered"),
        pytest.param("70", "54.9", "50", False, id="drop-15.1-not-recovered"),
        pytest.param("70", "54.1", "50", False, id="drop-15.9-not-recovered"),
        pytest.param("60", "49.9", "50", False, id="below-lln"),
        pytest.param("60", "50.0", "50", True, id="at-lln"),
        pytest.param("60", "54.9", "55", False, id="below-lln-55"),
        pytest.param("60", "55.0", "55", True, id="at-lln-55"),
    ],
)
def test_h2_recovered(baseline, r_value, lln, recovered):
    settings = RuleSettings(lln=Decimal(lln))
    young = run(
        open_cardiac_hold(30, r_value, baseline=lvef(BASELINE_DAY, baseline)), settings=settings
    )
    old = run(
        open_cardiac_hold(57, r_value, baseline=lvef(BASELINE_DAY, baseline)), settings=settings
    )
    assert young.recommendation == ("may_resume" if recovered else "hold")
    assert old.recommendation == ("may_resume" if recovered else "discontinue")


def test_h2_gap_15_1_to_15_9_neither_holds_nor_resumes_under_h3():
    # No hold open: a drop of 15.5 above the LLN does not meet H1 -> continue.
    status = run(active_record(lvef(BASELINE_DAY, 70), lvef("2026-05-01", "54.5")))
    assert status.recommendation == "continue"
    assert "LVEF_HOLD_CRITERIA" not in status.flags


@pytest.mark.parametrize(
    ("r_value", "age", "recommendation"),
    [
        pytest.param("50", 28, "may_resume", id="no-baseline-at-lln"),
        pytest.param("49.9", 57, "discontinue", id="no-baseline-below-lln"),
    ],
)
def test_h2_without_baseline(r_value, age, recommendation):
    status = run(open_cardiac_hold(age, r_value, baseline=None))
    assert status.baseline is None
    assert status.recommendation == recommendation


def test_h2_r_is_the_latest_since_the_hold_start():
    start = days_before(40)
    rec = active_record(
        B,
        lvef(start, 45),
        lvef(days_before(10), 58),
        infusions_=UNTIL_MARCH,
        holds=(hold(start),),
    )
    assert run(rec).recommendation == "may_resume"


def test_h2_lvef_before_the_hold_is_no_r():
    start = days_before(60)
    rec = active_record(B, lvef(days_before(61), 45), infusions_=UNTIL_MARCH, holds=(hold(start),))
    status = run(rec)
    assert status.recommendation == "hold"
    assert "PERSISTENT_DECLINE" not in status.flags


def test_h2_flags_not_raised_outside_treatment_phases():
    start = "2026-04-01"
    c = course(infusions=UNTIL_MARCH, holds=(hold(start),), end="2026-04-15")
    status = run(record([c], [B, lvef(start, 55)]))
    assert status.phase == "completed"
    assert status.recommendation == "none"
    assert "RESUME_CRITERIA_MET" not in status.flags


def test_h2_other_hold_open_uses_h3():
    rec = active_record(
        B,
        lvef("2026-04-01", 46),
        infusions_=UNTIL_MARCH,
        holds=(hold("2026-04-05", reason="other"),),
    )
    status = run(rec)
    assert status.phase == "held"
    assert status.recommendation == "hold"
    assert status.recommendation_reason.startswith("Hold: LVEF fell 16 points")
    assert status.recommendation_reason.endswith("[H1]")


# --- H3 --------------------------------------------------------------------------------------


def test_h3_no_lvef_continue():
    status = run(active_record())
    assert status.recommendation == "continue"
    assert status.recommendation_reason == (
        "Continue: no LVEF is recorded, so the hold criteria are not met. [H3]"
    )


@pytest.mark.parametrize(
    ("baseline", "latest", "reason"),
    [
        pytest.param(
            "45",
            "39",
            "Hold: LVEF fell 6 points from the baseline of 45% to 39% (20 May 2026). ESC 2022 "
            "Table 3: a new fall of the LVEF to below 40% is severe heart damage; withhold. [H1]",
            id="below-40-cites-esc",
        ),
        pytest.param(
            "62",
            "48.5",
            "Hold: LVEF fell 13.5 points from the baseline of 62% to 48.5% (20 May 2026). US "
            "label: withhold for a fall of 10 points or more to below the lower limit of "
            "normal. [H1]",
            id="below-lln-drop-10",
        ),
        pytest.param(
            "62",
            "61",
            "Continue: LVEF 61% (20 May 2026) does not meet the hold criteria of the US label. "
            "[H3]",
            id="continue",
        ),
    ],
)
def test_h3_reasons(baseline, latest, reason):
    status = run(active_record(lvef(BASELINE_DAY, baseline), lvef("2026-05-20", latest)))
    assert status.recommendation == reason.split(":")[0].lower()
    assert status.recommendation_reason == reason


# --- H4 --------------------------------------------------------------------------------------

# Closed holds between the infusions of worked example 1 (01-05, 01-26, 02-16, 03-09, ...).
CLOSED = (
    hold("2026-01-10", "2026-01-12"),
    hold("2026-01-30", "2026-02-01"),
    hold("2026-02-20", "2026-02-22"),
    hold("2026-03-12", "2026-03-14"),
)
H1_MET = lvef("2026-05-15", 46)  # drop 16, after the last infusion (05-11)
H1_NOT_MET = lvef("2026-05-15", 60)


def holds_record(holds, latest=H1_NOT_MET, **kwargs):
    return active_record(B, latest, holds=tuple(holds), **kwargs)


@pytest.mark.parametrize(
    ("holds", "latest", "recommendation", "repeated"),
    [
        pytest.param(CLOSED[:3], H1_NOT_MET, "continue", False, id="three-closed-h1-not-met"),
        pytest.param(CLOSED[:3], H1_MET, "discontinue", True, id="three-closed-h1-met"),
        pytest.param(CLOSED[:2], H1_MET, "hold", False, id="two-closed-h1-met"),
        pytest.param(CLOSED, H1_NOT_MET, "discontinue", True, id="four-closed"),
        pytest.param(
            (*CLOSED[:3], hold("2026-05-20", reason="other")),
            H1_MET,
            "discontinue",
            True,
            id="three-cardiac-plus-other-open-h1-met",
        ),
        pytest.param(
            (
                *CLOSED[:2],
                hold("2026-03-12", "2026-03-14", "other"),
                hold("2026-03-31", "2026-04-02", "other"),
            ),
            H1_MET,
            "hold",
            False,
            id="two-cardiac-two-other-h1-met",
        ),
        pytest.param(
            (*CLOSED[:3], hold("2026-03-15", "2026-03-16", error=True)),
            H1_NOT_MET,
            "continue",
            False,
            id="fourth-entered-in-error",
        ),
        pytest.param(
            (*CLOSED[:3], hold("2026-06-02")),
            H1_NOT_MET,
            "continue",
            False,
            id="fourth-after-as_of",
        ),
    ],
)
def test_h4_repeated_holds(holds, latest, recommendation, repeated):
    status = run(holds_record(holds, latest))
    assert status.recommendation == recommendation
    assert ("REPEATED_HOLDS" in status.flags) is repeated
    if repeated:
        assert status.recommendation_reason.startswith("Discontinue: ")
        assert status.recommendation_reason.endswith("[H4]")
        text = status.flag_texts["REPEATED_HOLDS"]
        # v2 H4: two texts, one per trigger.
        if len([h for h in holds if h.reason == "cardiac" and not h.entered_in_error]) > 3:
            assert "more than 3 times" in text
        else:
            assert "would need a fourth suspension" in text


def test_h4_three_with_one_open_is_h2():
    # The open hold counts (3), but H1 met "while no cardiac hold is open" does not apply.
    start = days_before(30)
    holds = (*CLOSED[:2], hold(start))
    status = run(holds_record(holds, lvef(start, 46)))
    assert status.phase == "held"
    assert status.recommendation == "hold"
    assert "REPEATED_HOLDS" not in status.flags


def test_h4_overrides_h2_and_its_flags():
    start = days_before(40)
    holds = (*CLOSED[:3], hold(start))  # the fourth is open, recovered and old enough
    status = run(holds_record(holds, lvef(start, 60)))
    assert status.phase == "held"
    assert status.recommendation == "discontinue"
    assert "REPEATED_HOLDS" in status.flags
    assert "RESUME_CRITERIA_MET" not in status.flags


def test_h4_overrides_h2_persistent_decline():
    start = days_before(60)
    holds = (*CLOSED[:3], hold(start))
    status = run(holds_record(holds, lvef(start, 45)))
    assert status.recommendation == "discontinue"
    assert "PERSISTENT_DECLINE" not in status.flags
    assert {"REPEATED_HOLDS", "LVEF_HOLD_CRITERIA"} <= set(status.flags)


def test_h4_not_raised_outside_treatment_phases():
    status = run(holds_record(CLOSED, H1_MET, end="2026-05-11"))
    assert status.phase == "completed"
    assert status.recommendation == "none"
    assert "REPEATED_HOLDS" not in status.flags


@pytest.mark.parametrize(
    ("rec", "phase"),
    [
        pytest.param(record(lvefs=[lvef("2026-05-01", 30)]), "no_course", id="no_course"),
        pytest.param(
            record([course("2026-07-01")], [lvef("2026-05-01", 30)]), "planned", id="planned"
        ),
        pytest.param(
            holds_record((), lvef("2026-05-15", 30), end="2026-05-11"), "completed", id="completed"
        ),
        pytest.param(
            holds_record((), lvef("2026-05-15", 30), end="2026-05-11", end_reason="discontinued"),
            "discontinued",
            id="discontinued",
        ),
        pytest.param(
            holds_record((), lvef("2026-05-15", 30), end="2026-05-11", intent="metastatic"),
            "surveillance_complete",
            id="surveillance_complete",
        ),
    ],
)
def test_recommendation_none_outside_active_and_held(rec, phase):
    status = run(rec)
    assert status.phase == phase
    assert status.recommendation == "none"
    assert status.recommendation_reason.startswith("No recommendation: ")


# --- H5 --------------------------------------------------------------------------------------

DROP_16 = lvef("2026-03-18", 46)


@pytest.mark.parametrize(
    ("holds", "not_actioned"),
    [
        pytest.param((), ("2026-03-30", "2026-04-20", "2026-05-11"), id="no-hold"),
        pytest.param((hold("2026-03-18", "2026-03-25"),), (), id="cardiac-hold-on-lvef-date"),
        pytest.param(
            (hold("2026-04-20", "2026-04-21"),), ("2026-03-30",), id="hold-on-infusion-date"
        ),
        pytest.param(
            (hold("2026-04-21", "2026-04-22"),),
            ("2026-03-30", "2026-04-20"),
            id="hold-day-after-infusion",
        ),
        pytest.param(
            (hold("2026-03-17", "2026-03-18"),),
            ("2026-03-30", "2026-04-20", "2026-05-11"),
            id="hold-day-before-lvef",
        ),
        pytest.param(
            (hold("2026-03-18", "2026-03-25", "other"),),
            ("2026-03-30", "2026-04-20", "2026-05-11"),
            id="other-reason-hold-does-not-action",
        ),
        pytest.param(
            (hold("2026-03-18", "2026-03-25", error=True),),
            ("2026-03-30", "2026-04-20", "2026-05-11"),
            id="hold-entered-in-error",
        ),
    ],
)
def test_h5_hold_not_actioned(holds, not_actioned):
    status = run(active_record(B, DROP_16, holds=holds))
    assert status.hold_not_actioned_dates == tuple(date.fromisoformat(d) for d in not_actioned)
    assert ("HOLD_NOT_ACTIONED" in status.flags) is bool(not_actioned)


def test_h5_infusion_on_the_lvef_date():
    status = run(active_record(B, lvef("2026-04-20", 46)))
    assert status.hold_not_actioned_dates == (date(2026, 4, 20), date(2026, 5, 11))


def test_h5_a_newer_lvef_not_meeting_h1_stops_it():
    status = run(active_record(B, DROP_16, lvef("2026-04-10", 60)))
    assert status.hold_not_actioned_dates == (date(2026, 3, 30),)


def test_h5_without_baseline_below_40():
    status = run(active_record(lvef("2026-04-10", 39)))
    assert status.hold_not_actioned_dates == (date(2026, 4, 20), date(2026, 5, 11))


def test_h5_only_the_current_course():
    # The old course ended and its episode is over (more than 84 days before the planned start).
    old = course("2025-01-06", infusions=infusions("2025-01-06", 5), end="2025-04-07")
    current = course("2026-07-01")
    status = run(record([old, current], [lvef("2025-02-01", 30)]))
    assert "HOLD_NOT_ACTIONED" not in status.flags


def test_h5_raised_after_the_course_ended():
    status = run(active_record(B, DROP_16, end="2026-05-11"))
    assert status.phase == "completed"
    assert "HOLD_NOT_ACTIONED" in status.flags


@pytest.mark.parametrize(
    ("hold_", "during"),
    [
        pytest.param(hold("2026-04-20", "2026-04-25"), ("2026-04-20",), id="on-hold-start"),
        pytest.param(hold("2026-04-15", "2026-04-20"), (), id="on-hold-end"),
        pytest.param(hold("2026-04-15", "2026-04-21"), ("2026-04-20",), id="day-before-end"),
        pytest.param(hold("2026-04-21", "2026-04-25"), (), id="day-before-start"),
        pytest.param(hold("2026-04-15", None), ("2026-04-20", "2026-05-11"), id="open-hold"),
        pytest.param(hold("2026-04-15", "2026-04-21", "other"), ("2026-04-20",), id="other-reason"),
        pytest.param(hold("2026-04-15", "2026-04-21", error=True), (), id="entered-in-error"),
    ],
)
def test_h5_infusion_during_hold(hold_, during):
    status = run(active_record(B, holds=(hold_,)))
    assert status.infusion_during_hold_dates == tuple(date.fromisoformat(d) for d in during)
    assert ("INFUSION_DURING_HOLD" in status.flags) is bool(during)


def test_h5_hold_ignores_infusions_after_as_of():
    inf = (*UNTIL_MARCH, infusion("2026-06-10"))
    status = run(active_record(B, infusions_=inf, holds=(hold("2026-05-01"),)))
    assert status.infusion_during_hold_dates == ()
    assert date(2026, 6, 10) > AS_OF
