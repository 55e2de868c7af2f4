"""Tests for the mutants that survived the full `make mutate` run of 2 Dec 2026 in the rule
functions ("mostly equivalent, not yet read", docs/testing.md): each test names the rule and the
mutant it decides. The survivors read and found equivalent are listed in docs/testing.md."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from tracker.monitoring import RuleSettings
from tracker.monitoring.flags import URGENCY, by_urgency
from tracker.monitoring.profiles import KADCYLA_EARLY, PERJETA_EARLY, TRASTUZUMAB_EU
from tracker.monitoring.profiles import Test as ProfileTest  # not "Test": pytest would collect it

from .builders import (
    AS_OF,
    BASELINE_DAY,
    F,
    active_record,
    cotreatment,
    course,
    day,
    hold,
    infusion,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)


def test_an_unranked_code_sorts_after_every_ranked_one():
    # flags.by_urgency: the default rank of a code outside URGENCY is "last", not None
    # (x_by_urgency__mutmut_7, _9 made it None: a TypeError beside ranked codes).
    assert by_urgency(["NOT_A_CODE", URGENCY[-1], URGENCY[0]]) == [
        URGENCY[0],
        URGENCY[-1],
        "NOT_A_CODE",
    ]


@pytest.mark.parametrize(
    ("infusion_day", "concurrent"),
    [(AS_OF - timedelta(days=1), True), (AS_OF, True), (AS_OF + timedelta(days=1), False)],
)
def test_c4_counts_a_her2_infusion_given_on_as_of(infusion_day, concurrent):
    # C4: the HER2 exposure starts at the first infusion on or before as_of, and an
    # anthracycline dated that day overlaps it, both ends inclusive (section 0)
    # (cotreatment.x__her2_exposures__mutmut_6: `<= as_of` -> `< as_of`).
    given = course(AS_OF - timedelta(days=30), infusions=(infusion(infusion_day),))
    doxo = cotreatment("doxorubicin", AS_OF, AS_OF, 100)
    flags = run(record([given], [B], [doxo])).flags
    assert ("CONCURRENT_ANTHRACYCLINE" in flags) is concurrent


def test_h4_at_the_limit_says_how_far_the_lvef_fell_from_the_baseline():
    # H4 (US label): three cardiac holds in the episode and L meets H1 with no hold open. The
    # sentence compares L with the baseline B (recommendation.x_recommend__mutmut_29 dropped B:
    # "and there is no baseline").
    three = (
        hold("2026-01-20", "2026-01-25"),
        hold("2026-02-20", "2026-02-25"),
        hold("2026-03-20", "2026-03-25"),
    )
    status = run(active_record(B, lvef("2026-05-20", 45), holds=three))
    assert status.recommendation == "discontinue"
    assert status.recommendation_reason == (
        "Discontinue: LVEF fell 17 points from the baseline of 62% (20 May 2026). US label: "
        "withhold for a fall of 16 points or more. Treatment has already been held for the "
        "heart 3 times in this treatment episode, so this would need a fourth suspension. US "
        "label: discontinue rather than suspend more than 3 times. [H4]"
    )


@pytest.mark.parametrize(
    "rec",
    [
        record([course(infusions=())], [B]),  # no infusion: H5 has nothing to read
        active_record(B, lvef("2026-05-20", 60)),  # infusions, no L met H1, no hold
    ],
    ids=["no infusions", "nothing met and no hold"],
)
def test_h5_dates_are_empty_tuples_when_there_is_nothing_to_report(rec):
    # PatientStatus.hold_not_actioned_dates and infusion_during_hold_dates are tuples of dates
    # for every caller (the report, the screens), never None (recommendation.x_hold_actions
    # __mutmut_5, _6, _34 returned None on H5's two early exits).
    status = run(rec)
    assert status.hold_not_actioned_dates == ()
    assert status.infusion_during_hold_dates == ()


def test_stable_until_reads_the_courses_after_one_entered_in_error():
    # Issue 10 item 5: an infusion dated after as_of makes the status change that day, whatever
    # course entered in error comes before its own in the record (stability.x__record_dates
    # __mutmut_1: `continue` -> `break` stopped at that course).
    later = AS_OF + timedelta(days=3)
    given = course(infusions=(*infusions(), infusion(later)))
    in_error = course("2025-06-01", infusions=(infusion("2025-06-01"),), error=True)
    lvefs = [B, lvef("2026-05-20", 60)]
    assert run(record([given], lvefs)).stable_until == later
    assert run(record([in_error, given], lvefs)).stable_until == later


# The profile's own tables test no LLN in these places today (EU SmPC "not the hold criteria",
# Perjeta's "unless ESC severe", Kadcyla's repeat band), so the mutants that passed None for the
# LLN there survived. The rule-set seam (issue 10 item 4) lets a profile state any bound: each
# Profile method hands the LLN on to its tests.
BELOW_LLN = ProfileTest("below_lln", below_lln=True)
AT_LEAST_LLN = ProfileTest("at_least_lln", at_least_lln=True)
LLN = Decimal(50)


@pytest.mark.parametrize(("value", "expected"), [(Decimal(49), False), (Decimal(50), True)])
def test_profiles_hand_the_lln_to_their_tests(value, expected):
    # H2 (recovered_is_not_hold; profiles.is_recovered__mutmut_3).
    eu = replace(TRASTUZUMAB_EU, hold=(BELOW_LLN,))
    assert eu.is_recovered(value, Decimal(0), LLN) is expected
    # H2 (recovered_unless; is_recovered__mutmut_24).
    unless = replace(PERJETA_EARLY, recovered_unless=(BELOW_LLN,))
    assert unless.is_recovered(value, Decimal(0), LLN) is expected
    # L5 (repeat band; in_repeat_band__mutmut_4).
    band = replace(KADCYLA_EARLY, repeat_band=(AT_LEAST_LLN,))
    assert band.in_repeat_band(value, Decimal(0), LLN) is expected


# --- The 24 survivors of the restricted re-run of 2 Dec 2026 (docs/testing.md) ---------------
# Those that were real gaps; the equivalent ones are classified in docs/testing.md.


def test_stable_until_reads_a_co_treatment_that_starts_later():
    # Issue 10 item 5 and section 5 ("records that start after as_of are ignored"): a valid
    # co-treatment starting after as_of changes the status that day; one entered in error does not
    # (stability.x__record_dates__mutmut_7: `not cotreatment.entered_in_error` negated).
    later = AS_OF + timedelta(days=3)
    lvefs = [B, lvef("2026-05-20", 60)]
    doxo = cotreatment("doxorubicin", later, dose=100)
    assert run(active_record(*lvefs, cotreatments=[doxo])).stable_until == later
    quiet = run(active_record(*lvefs)).stable_until
    in_error = cotreatment("doxorubicin", later, dose=100, error=True)
    assert run(active_record(*lvefs, cotreatments=[in_error])).stable_until == quiet > later


@pytest.mark.parametrize(
    ("baseline", "latest", "grade"),
    [
        ("39.9", "39.9", "none"),  # below 40 without a drop: not CTRCD
        ("40", "39.9", "severe"),  # drop 0.1 (one decimal, section 0) > 0
        ("40.9", "39.9", "severe"),  # drop 1
    ],
)
def test_ctrcd_severe_needs_only_a_drop_above_zero(baseline, latest, grade):
    # CTRCD grade (ESC 2022): severe is L < 40 with drop > 0, any drop (lvef.x_ctrcd_grade
    # __mutmut_11: `drop > 0` -> `drop > 1`).
    status = run(active_record(lvef(BASELINE_DAY, baseline), lvef("2026-05-20", latest)))
    assert status.ctrcd == grade


def test_the_current_course_is_not_passed_over_for_one_that_ended_on_as_of():
    # Section 0: a course has ended when its end date is on or before as_of, so a course that
    # ends on as_of no longer holds the pass-over: the later, not started course is current
    # (definitions.x__current__mutmut_12: `end_date <= as_of` -> `<`).
    given = course(infusions=infusions(), end=AS_OF)
    planned = course(AS_OF + timedelta(days=10))
    status = run(record([given, planned], [B]))
    assert status.course == planned
    assert status.phase == "planned"


def test_a_course_ending_on_as_of_has_ended_that_day():
    # Section 0: E is the current course's end date when it is on or before as_of; P1 then says
    # completed and S4 sets the due date (definitions.x_build_context__mutmut_73: `<= as_of` ->
    # `<`; evaluate.x_evaluate__mutmut_135, _163: PatientStatus.end_date None or left out).
    status = run(record([course(infusions=infusions(), end=AS_OF)], [B]))
    assert status.phase == "completed"
    assert status.end_date == AS_OF
    assert status.schedule_rule == "S4"


def test_a_hold_starting_on_as_of_is_open_that_day():
    # Section 0: holds started on or before as_of count; P1 says held and H2 manages the open
    # cardiac hold (definitions.x_build_context__mutmut_67: `h.start <= as_of` -> `<`;
    # evaluate.x_evaluate__mutmut_136, _164: PatientStatus.open_cardiac_hold None or left out).
    today = hold(AS_OF)
    status = run(active_record(B, lvef("2026-05-20", 45), holds=(today,)))
    assert status.phase == "held"
    assert status.open_cardiac_hold == today
    assert status.hold_age_days == 0


def test_h4_counts_a_hold_of_the_episode_started_on_f():
    # Section 0: "holds of the episode" start on or after F, F included; H4 (US label): exactly 3
    # and H1 met on L with no hold open -> discontinue (definitions.x_build_context__mutmut_96:
    # `first <= h.start` -> `first < h.start`).
    three = (
        hold(F, "2026-01-10"),
        hold("2026-02-20", "2026-02-25"),
        hold("2026-03-20", "2026-03-25"),
    )
    status = run(active_record(B, lvef("2026-05-20", 45), holds=three))
    assert status.recommendation == "discontinue"
    assert "REPEATED_HOLDS" in status.flags


def test_h4_counts_an_open_hold_started_on_as_of():
    # H4: "the open hold counts", also one started on as_of (holds of the episode start on or
    # before as_of): 3 earlier cardiac holds and a fourth from as_of is more than 3 -> discontinue
    # (definitions.x_build_context__mutmut_97: `h.start <= as_of` -> `<` in the episode's holds).
    three = (
        hold("2026-01-20", "2026-01-25"),
        hold("2026-02-20", "2026-02-25"),
        hold("2026-03-20", "2026-03-25"),
    )
    status = run(active_record(B, lvef("2026-05-20", 45), holds=(*three, hold(AS_OF))))
    assert status.recommendation == "discontinue"
    assert "held for the heart 4 times" in status.recommendation_reason


def test_the_episode_is_the_run_of_the_current_course_latest_infusion():
    # Section 0, "Episode": the run that holds the current course's latest infusion, even when an
    # earlier-planned course has infusions in a later run (more than 84 days on); F is that run's
    # first infusion (definitions.x_build_context__mutmut_31: the current course's infusion days
    # read as none, so the "not started" branch took the latest run).
    earlier_planned = course("2024-12-01", infusions=infusions())  # 2026-01-05 .. 2026-04-27
    current = course(
        "2025-01-06",
        infusions=(infusion("2025-01-06"), infusion("2025-01-27")),
        end="2025-03-01",
    )
    status = run(record([earlier_planned, current], [lvef("2024-12-20", 62)]))
    assert status.course == current
    assert status.first_infusion == day("2025-01-06")


def test_the_status_names_the_rule_set_and_no_profile_without_a_course():
    # Section 0 "Rule set" and section 4: the status carries the rule set applied, and "" as the
    # profile without a course (evaluate.x_evaluate__mutmut_139, _167: rule_set None or left
    # out, the default us_label; _188: "XXXX" without a profile).
    eu = RuleSettings(rule_set="eu_smpc")
    assert run(active_record(B), settings=eu).rule_set == "eu_smpc"
    assert run(active_record(B), settings=eu).profile == TRASTUZUMAB_EU.key
    assert run(record([], [B])).profile == ""
