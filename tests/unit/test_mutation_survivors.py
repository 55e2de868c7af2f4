"""Tests for the mutants that survived the full `make mutate` run of 2 Dec 2026 in the rule
functions ("mostly equivalent, not yet read", docs/testing.md): each test names the rule and the
mutant it decides. The survivors read and found equivalent are listed in docs/testing.md."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from tracker.monitoring.flags import URGENCY, by_urgency
from tracker.monitoring.profiles import KADCYLA_EARLY, PERJETA_EARLY, TRASTUZUMAB_EU, Test

from .builders import (
    AS_OF,
    BASELINE_DAY,
    active_record,
    cotreatment,
    course,
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
BELOW_LLN = Test("below_lln", below_lln=True)
AT_LEAST_LLN = Test("at_least_lln", at_least_lln=True)
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
