"""Section 4, rule profiles: every threshold of every profile, just below, at and just above,
for both rule sets; then each profile's recheck interval, minimum hold and discontinue condition
through evaluate()."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tracker.monitoring import RuleSettings, profile_for
from tracker.monitoring import profiles as p
from tracker.monitoring.vocabulary import Agent, Intent, RuleSet

from .builders import AS_OF, BASELINE_DAY, active_record, days_before, hold, infusions, lvef, run

LLN = Decimal(50)
US = RuleSettings(rule_set="us_label")
EU = RuleSettings(rule_set="eu_smpc")
N = None  # no baseline


def d(value):
    return None if value is None else Decimal(str(value))


# (profile, M, drop, met)
HOLD_TABLE = [
    # trastuzumab, US label: drop >= 16; M < LLN and drop >= 10; ESC severe
    (p.TRASTUZUMAB_US, 60, 15.9, False),
    (p.TRASTUZUMAB_US, 60, 16, True),
    (p.TRASTUZUMAB_US, 60, 16.1, True),
    (p.TRASTUZUMAB_US, 49.9, 9.9, False),
    (p.TRASTUZUMAB_US, 49.9, 10, True),
    (p.TRASTUZUMAB_US, 49.9, 10.1, True),
    (p.TRASTUZUMAB_US, 50, 10, False),
    (p.TRASTUZUMAB_US, 50.1, 15, False),
    (p.TRASTUZUMAB_US, 39.9, 0.1, True),
    (p.TRASTUZUMAB_US, 39.9, 0, False),  # not a *new* fall (v2)
    (p.TRASTUZUMAB_US, 39.9, -1, False),
    (p.TRASTUZUMAB_US, 40, 0.1, False),
    (p.TRASTUZUMAB_US, 39.9, N, True),
    (p.TRASTUZUMAB_US, 40, N, False),
    (p.TRASTUZUMAB_US, 45, N, False),
    # trastuzumab, EU SmPC: M < 50 and drop >= 10; ESC severe
    (p.TRASTUZUMAB_EU, 49.9, 9.9, False),
    (p.TRASTUZUMAB_EU, 49.9, 10, True),
    (p.TRASTUZUMAB_EU, 49.9, 10.1, True),
    (p.TRASTUZUMAB_EU, 50, 10, False),
    (p.TRASTUZUMAB_EU, 50.1, 20, False),
    (p.TRASTUZUMAB_EU, 55, 16, False),  # no 16-point criterion in the SmPC
    (p.TRASTUZUMAB_EU, 39.9, 0.1, True),
    (p.TRASTUZUMAB_EU, 39.9, 0, False),
    (p.TRASTUZUMAB_EU, 39.9, N, True),
    (p.TRASTUZUMAB_EU, 40, N, False),
    # pertuzumab with trastuzumab, early-stage
    (p.PERJETA_EARLY, 49.9, 9.9, False),
    (p.PERJETA_EARLY, 49.9, 10, True),
    (p.PERJETA_EARLY, 50, 10, False),
    (p.PERJETA_EARLY, 39.9, 0.1, True),
    (p.PERJETA_EARLY, 39.9, 0, False),
    (p.PERJETA_EARLY, 39.9, N, True),
    (p.PERJETA_EARLY, 40, N, False),
    # pertuzumab with trastuzumab, metastatic: M < 40 (the label's own), or M <= 45 and drop >= 10
    (p.PERJETA_METASTATIC, 39.9, -1, True),
    (p.PERJETA_METASTATIC, 39.9, N, True),
    (p.PERJETA_METASTATIC, 40, N, False),
    (p.PERJETA_METASTATIC, 40, 9.9, False),
    (p.PERJETA_METASTATIC, 44.9, 10, True),
    (p.PERJETA_METASTATIC, 45, 10, True),
    (p.PERJETA_METASTATIC, 45.1, 10, False),
    (p.PERJETA_METASTATIC, 45, 9.9, False),
    (p.PERJETA_METASTATIC, 45, 10.1, True),
    # Kadcyla, early-stage: M < 45; or M < 50 and drop >= 10
    (p.KADCYLA_EARLY, 44.9, N, True),
    (p.KADCYLA_EARLY, 45, N, False),
    (p.KADCYLA_EARLY, 44.9, -5, True),
    (p.KADCYLA_EARLY, 45, 0, False),
    (p.KADCYLA_EARLY, 45.1, 0, False),
    (p.KADCYLA_EARLY, 49.9, 9.9, False),
    (p.KADCYLA_EARLY, 49.9, 10, True),
    (p.KADCYLA_EARLY, 49.9, 10.1, True),
    (p.KADCYLA_EARLY, 50, 10, False),
    # Kadcyla, metastatic: M < 40; or M <= 45 and drop >= 10
    (p.KADCYLA_METASTATIC, 39.9, N, True),
    (p.KADCYLA_METASTATIC, 40, N, False),
    (p.KADCYLA_METASTATIC, 40.1, 0, False),
    (p.KADCYLA_METASTATIC, 45, 9.9, False),
    (p.KADCYLA_METASTATIC, 45, 10, True),
    (p.KADCYLA_METASTATIC, 45, 10.1, True),
    (p.KADCYLA_METASTATIC, 45.1, 10, False),
    (p.KADCYLA_METASTATIC, 48, 12, False),
    # Enhertu: M < 40; or drop > 20; or M <= 45 and drop >= 10
    (p.ENHERTU_PROFILE, 39.9, N, True),
    (p.ENHERTU_PROFILE, 40, N, False),
    (p.ENHERTU_PROFILE, 40.1, 0, False),
    (p.ENHERTU_PROFILE, 60, 19.9, False),
    (p.ENHERTU_PROFILE, 60, 20, False),
    (p.ENHERTU_PROFILE, 60, 20.1, True),
    (p.ENHERTU_PROFILE, 45, 9.9, False),
    (p.ENHERTU_PROFILE, 45, 10, True),
    (p.ENHERTU_PROFILE, 45.1, 10, False),
    (p.ENHERTU_PROFILE, 48, 12, False),
]


@pytest.mark.parametrize(("profile", "value", "drop", "met"), HOLD_TABLE)
def test_hold_criteria(profile, value, drop, met):
    assert (profile.hold_met(d(value), d(drop), LLN) is not None) is met


RECOVERED_TABLE = [
    # US: R >= LLN and drop <= 15 (without B: R >= LLN)
    (p.TRASTUZUMAB_US, 50, 15, True),
    (p.TRASTUZUMAB_US, 50, 15.1, False),
    (p.TRASTUZUMAB_US, 49.9, 0, False),
    (p.TRASTUZUMAB_US, 50.1, 14.9, True),
    (p.TRASTUZUMAB_US, 50, N, True),
    (p.TRASTUZUMAB_US, 49.9, N, False),
    # EU: not meeting the hold criteria
    (p.TRASTUZUMAB_EU, 49.9, 10, False),
    (p.TRASTUZUMAB_EU, 49.9, 9.9, True),
    (p.TRASTUZUMAB_EU, 50, 10, True),
    (p.TRASTUZUMAB_EU, 39.9, 0.1, False),
    (p.TRASTUZUMAB_EU, 39.9, N, False),
    (p.TRASTUZUMAB_EU, 40, N, True),
    # Perjeta early: R >= 50 or drop < 10, and not ESC severe (without B: R >= 40)
    (p.PERJETA_EARLY, 50, 20, True),
    (p.PERJETA_EARLY, 49.9, 10, False),
    (p.PERJETA_EARLY, 49.9, 9.9, True),
    (p.PERJETA_EARLY, 39.9, 5, False),
    (p.PERJETA_EARLY, 39.9, 0, True),
    (p.PERJETA_EARLY, 40, N, True),
    (p.PERJETA_EARLY, 39.9, N, False),
    # Perjeta metastatic: R > 45, or R >= 40 and drop < 10 (without B: R > 45)
    (p.PERJETA_METASTATIC, 45.1, 30, True),
    (p.PERJETA_METASTATIC, 45, 10, False),
    (p.PERJETA_METASTATIC, 40, 9.9, True),
    (p.PERJETA_METASTATIC, 39.9, 0, False),
    (p.PERJETA_METASTATIC, 45.1, N, True),
    (p.PERJETA_METASTATIC, 45, N, False),
    # Kadcyla early: R >= 45, and (R >= 50 or drop < 10) (without B: R >= 45)
    (p.KADCYLA_EARLY, 50, 20, True),
    (p.KADCYLA_EARLY, 49.9, 10, False),
    (p.KADCYLA_EARLY, 49.9, 9.9, True),
    (p.KADCYLA_EARLY, 45, 9.9, True),
    (p.KADCYLA_EARLY, 44.9, 0, False),
    (p.KADCYLA_EARLY, 45, N, True),
    (p.KADCYLA_EARLY, 44.9, N, False),
    # Kadcyla metastatic and Enhertu: R >= 40 and drop < 10 (without B: R > 45)
    (p.KADCYLA_METASTATIC, 40, 9.9, True),
    (p.KADCYLA_METASTATIC, 40, 10, False),
    (p.KADCYLA_METASTATIC, 39.9, 0, False),
    (p.KADCYLA_METASTATIC, 48, 12, False),  # the spec's note: stricter than the first table
    (p.KADCYLA_METASTATIC, 45.1, N, True),
    (p.KADCYLA_METASTATIC, 45, N, False),
    (p.ENHERTU_PROFILE, 40, 9.9, True),
    (p.ENHERTU_PROFILE, 40, 10, False),
    (p.ENHERTU_PROFILE, 39.9, 0, False),
    (p.ENHERTU_PROFILE, 48, 12, False),
    (p.ENHERTU_PROFILE, 45.1, N, True),
    (p.ENHERTU_PROFILE, 45, N, False),
]


@pytest.mark.parametrize(("profile", "value", "drop", "recovered"), RECOVERED_TABLE)
def test_recovered(profile, value, drop, recovered):
    assert profile.is_recovered(d(value), d(drop), LLN) is recovered


BAND_TABLE = [
    (p.KADCYLA_EARLY, 44.9, 0, False),
    (p.KADCYLA_EARLY, 45, 9.9, True),
    (p.KADCYLA_EARLY, 49.9, 9.9, True),
    (p.KADCYLA_EARLY, 50, 0, False),
    (p.KADCYLA_EARLY, 47, 10, False),
    (p.KADCYLA_EARLY, 47, N, True),
    (p.KADCYLA_METASTATIC, 39.9, 0, False),
    (p.KADCYLA_METASTATIC, 40, 9.9, True),
    (p.KADCYLA_METASTATIC, 45, 9.9, True),
    (p.KADCYLA_METASTATIC, 45.1, 0, False),
    (p.KADCYLA_METASTATIC, 42, 10, False),
    (p.KADCYLA_METASTATIC, 42, N, True),
    (p.ENHERTU_PROFILE, 40, 9.9, True),
    (p.ENHERTU_PROFILE, 45.1, 0, False),
    (p.ENHERTU_PROFILE, 42, N, True),
    (p.TRASTUZUMAB_US, 47, 5, False),
    (p.TRASTUZUMAB_EU, 47, 5, False),
    (p.PERJETA_EARLY, 47, 5, False),
    (p.PERJETA_METASTATIC, 42, 5, False),
]


@pytest.mark.parametrize(("profile", "value", "drop", "in_band"), BAND_TABLE)
def test_repeat_band(profile, value, drop, in_band):
    assert profile.in_repeat_band(d(value), d(drop), LLN) is in_band


# --- selection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("agent", "intent", "rule_set", "profile"),
    [
        ("trastuzumab", "adjuvant", "us_label", p.TRASTUZUMAB_US),
        ("trastuzumab", "metastatic", "us_label", p.TRASTUZUMAB_US),
        ("trastuzumab_sc", "neoadjuvant", "us_label", p.TRASTUZUMAB_US),
        ("trastuzumab", "adjuvant", "eu_smpc", p.TRASTUZUMAB_EU),
        ("trastuzumab_sc", "metastatic", "eu_smpc", p.TRASTUZUMAB_EU),
        ("pertuzumab_trastuzumab", "adjuvant", "us_label", p.PERJETA_EARLY),
        ("pertuzumab_trastuzumab", "neoadjuvant", "eu_smpc", p.PERJETA_EARLY),
        ("pertuzumab_trastuzumab", "metastatic", "eu_smpc", p.PERJETA_METASTATIC),
        ("pertuzumab_trastuzumab_sc", "adjuvant", "us_label", p.PHESGO_EARLY),
        ("pertuzumab_trastuzumab_sc", "metastatic", "eu_smpc", p.PHESGO_METASTATIC),
        ("trastuzumab_emtansine", "adjuvant", "us_label", p.KADCYLA_EARLY),
        ("trastuzumab_emtansine", "metastatic", "eu_smpc", p.KADCYLA_METASTATIC),
        ("trastuzumab_deruxtecan", "metastatic", "us_label", p.ENHERTU_PROFILE),
        ("trastuzumab_deruxtecan", "adjuvant", "eu_smpc", p.ENHERTU_PROFILE),
    ],
)
def test_profile_selection(agent, intent, rule_set, profile):
    assert profile_for(agent, intent, rule_set) is profile


def test_every_agent_intent_and_rule_set_has_a_profile():
    for agent in Agent:
        for intent in Intent:
            for rule_set in RuleSet:
                assert profile_for(agent, intent, rule_set) in p.PROFILES


def test_unknown_agent_is_refused():
    with pytest.raises(ValueError, match="no rule profile"):
        profile_for("bevacizumab", "adjuvant", "us_label")


def test_phesgo_has_perjeta_thresholds_and_strongly_consider_wording():
    for perjeta, phesgo in (
        (p.PERJETA_EARLY, p.PHESGO_EARLY),
        (p.PERJETA_METASTATIC, p.PHESGO_METASTATIC),
    ):
        for value, drop in (
            (Decimal(49), Decimal(10)),
            (Decimal(45), Decimal(10)),
            (Decimal(39), None),
        ):
            assert (perjeta.hold_met(value, drop, LLN) is None) is (
                phesgo.hold_met(value, drop, LLN) is None
            )
        assert phesgo.strongly_consider and not perjeta.strongly_consider
        assert phesgo.source == "Phesgo US label"


def test_only_the_us_trastuzumab_profile_counts_repeated_holds():
    assert [x for x in p.PROFILES if x.repeated_holds_limit is not None] == [p.TRASTUZUMAB_US]


def test_rule_settings_refuse_an_unknown_rule_set():
    with pytest.raises(ValueError):
        RuleSettings(rule_set="uk_bnf")
    assert RuleSettings(rule_set="eu_smpc").rule_set is RuleSet.EU_SMPC


# --- through evaluate(): recheck interval, minimum hold, discontinue condition ---------------

PROFILE_COURSES = {
    # profile: (agent, intent, settings)
    "us": ("trastuzumab", "adjuvant", US),
    "us_sc": ("trastuzumab_sc", "adjuvant", US),
    "eu": ("trastuzumab", "adjuvant", EU),
    "eu_sc": ("trastuzumab_sc", "metastatic", EU),
    "perjeta_early": ("pertuzumab_trastuzumab", "adjuvant", US),
    "perjeta_metastatic": ("pertuzumab_trastuzumab", "metastatic", EU),
    "phesgo_early": ("pertuzumab_trastuzumab_sc", "neoadjuvant", EU),
    "phesgo_metastatic": ("pertuzumab_trastuzumab_sc", "metastatic", US),
    "kadcyla_early": ("trastuzumab_emtansine", "adjuvant", US),
    "kadcyla_metastatic": ("trastuzumab_emtansine", "metastatic", EU),
    "enhertu": ("trastuzumab_deruxtecan", "metastatic", US),
}
# (recheck days, minimum hold, a hold-level L with B = 60, a recovered R, a not-recovered R)
EXPECTED = {
    "us": (28, 28, 44, 55, 44),
    "us_sc": (28, 28, 44, 55, 44),
    "eu": (21, 21, 48, 55, 48),
    "eu_sc": (21, 21, 48, 55, 48),
    "perjeta_early": (21, 21, 48, 55, 48),
    "perjeta_metastatic": (21, 21, 44, 55, 44),
    "phesgo_early": (21, 21, 48, 55, 48),
    "phesgo_metastatic": (21, 21, 44, 55, 44),
    "kadcyla_early": (21, 0, 44, 55, 44),
    "kadcyla_metastatic": (21, 0, 44, 55, 44),
    "enhertu": (21, 0, 44, 55, 44),
}
B60 = lvef(BASELINE_DAY, 60)
UNTIL_MARCH = infusions(count=5)


def _run(name, *lvefs, holds=(), infusions_=None):
    agent, intent, settings = PROFILE_COURSES[name]
    rec = active_record(B60, *lvefs, infusions_=infusions_, holds=holds, agent=agent, intent=intent)
    return run(rec, settings=settings)


@pytest.mark.parametrize("name", sorted(PROFILE_COURSES))
def test_hold_level_decline_gives_s3_recheck(name):
    recheck, _, hold_level, _, _ = EXPECTED[name]
    m = lvef("2026-05-25", hold_level)
    status = _run(name, m)
    assert status.recommendation == "hold"
    assert status.schedule_rule == "S3"
    assert status.next_assessment_due == m.date + timedelta(days=recheck)


@pytest.mark.parametrize("name", sorted(PROFILE_COURSES))
def test_minimum_hold(name):
    _, minimum, _, recovered, _ = EXPECTED[name]
    for age, expected in (
        (minimum - 1, "hold"),
        (minimum, "may_resume"),
        (minimum + 1, "may_resume"),
    ):
        if age < 1:
            continue  # R must be dated after the start: a hold at least 1 day old
        start = days_before(age)
        status = _run(name, lvef(AS_OF, recovered), holds=(hold(start),), infusions_=UNTIL_MARCH)
        assert status.phase == "held"
        assert status.recommendation == expected, (name, age)


@pytest.mark.parametrize(
    "name",
    ["eu", "eu_sc", "perjeta_early", "perjeta_metastatic", "phesgo_early", "phesgo_metastatic"],
)
def test_not_improved(name):
    # R not recovered, dated 21 days or more after the start, and R <= T.
    _, _, _, _, low = EXPECTED[name]
    start = days_before(40)
    trigger = lvef(start, low)  # T, dated on the start
    for r_after, r_value, expected in (
        (20, low, "hold"),
        (21, low, "discontinue"),
        (22, low - 1, "discontinue"),
        (21, low + Decimal("0.1"), "hold"),  # improved on T (still not recovered)
    ):
        r = lvef(start + timedelta(days=r_after), r_value)
        status = _run(name, trigger, r, holds=(hold(start),), infusions_=UNTIL_MARCH)
        assert status.recommendation == expected, (name, r_after, r_value)
        if expected == "discontinue":
            assert "PERSISTENT_DECLINE" in status.flags
            verb = "Strongly consider discontinuing: " if "perjeta" not in name else "Discontinue: "
            assert status.recommendation_reason.startswith(verb)


def test_not_improved_without_t_is_false():
    # No LVEF on or before the hold's start (no T): "R <= T" is false, so the hold goes on.
    start = days_before(40)
    r = lvef(start + timedelta(days=30), 38)  # not recovered without B (ESC severe)
    status = run(active_record(r, infusions_=UNTIL_MARCH, holds=(hold(start),)), settings=EU)
    assert status.baseline is None
    assert status.recommendation == "hold"


@pytest.mark.parametrize("name", ["kadcyla_early", "kadcyla_metastatic", "enhertu"])
def test_confirmed(name):
    # Kadcyla, Enhertu: the repeat has not recovered -> discontinue, whatever its date.
    start = days_before(10)
    status = _run(
        name, lvef(start + timedelta(days=1), 44), holds=(hold(start),), infusions_=UNTIL_MARCH
    )
    assert status.recommendation == "discontinue"
    assert status.recommendation_reason.startswith("Discontinue: ")
    # 48%, 12 points below the baseline: a first measurement continues, a repeat discontinues.
    if name != "kadcyla_early":
        first = _run(name, lvef("2026-05-25", 48))
        assert first.recommendation == "continue"
        repeat = _run(
            name, lvef(start + timedelta(days=1), 48), holds=(hold(start),), infusions_=UNTIL_MARCH
        )
        assert repeat.recommendation == "discontinue"


@pytest.mark.parametrize("name", sorted(PROFILE_COURSES))
def test_repeated_holds_only_under_the_us_label(name):
    closed = (
        hold("2026-01-10", "2026-01-12"),
        hold("2026-01-30", "2026-02-01"),
        hold("2026-02-20", "2026-02-22"),
        hold("2026-03-12", "2026-03-14"),
    )
    status = _run(name, lvef("2026-05-15", 60), holds=closed)
    assert ("REPEATED_HOLDS" in status.flags) is name.startswith("us")


@pytest.mark.parametrize("name", ["kadcyla_early", "kadcyla_metastatic", "enhertu"])
def test_repeat_band_continues_with_l5_and_s3(name):
    value = {"kadcyla_early": 47, "kadcyla_metastatic": 43, "enhertu": 43}[name]
    m = lvef("2026-05-25", value)  # 5 points below the baseline
    agent, intent, settings = PROFILE_COURSES[name]
    rec = active_record(lvef(BASELINE_DAY, value + 5), m, agent=agent, intent=intent)
    status = run(rec, settings=settings)
    assert status.recommendation == "continue"
    assert "LVEF_REPEAT_DUE" in status.flags
    assert status.schedule_rule == "S3"
    assert status.next_assessment_due == m.date + timedelta(days=21)
