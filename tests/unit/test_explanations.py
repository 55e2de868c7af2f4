"""Explanations a nurse understands: a plain sentence per flag and per recommendation, with the
source and then the rule id after it, dates as "18 Mar 2026", values with "%" and "points"."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from tracker.monitoring import FLAGS, RuleSettings, evaluate
from tracker.monitoring.wording import day, days, number, percent, points

from .builders import (
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
from .test_properties import FAST, scenarios

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
RULE_AT_END = re.compile(r"\[[A-Z]\d(, [A-Z]\d)*\]$")


def test_wording():
    assert day(date(2026, 3, 18)) == "18 Mar 2026"
    assert day(date(2026, 1, 5)) == "5 Jan 2026"
    assert percent(Decimal("64.0")) == "64%"
    assert percent(Decimal("46.5")) == "46.5%"
    assert points(Decimal(1)) == "1 point"
    assert points(Decimal(16)) == "16 points"
    assert number(Decimal("1E+1")) == "10"
    assert days(1) == "1 day"
    assert days(0) == "0 days"
    assert days(21) == "21 days"


def check_sentences(status):
    assert [e.code for e in status.explanations] == list(status.flags)
    for e in status.explanations:
        assert e.rule == FLAGS[e.code].rule
        assert RULE_AT_END.search(e.text), e.text
        assert not ISO.search(e.text), e.text
        assert not re.search(r"\d\.0%", e.text), e.text
        assert e.text[0].isupper() and len(e.text) > 40
    assert RULE_AT_END.search(status.recommendation_reason)
    assert not ISO.search(status.recommendation_reason)


@FAST
@given(scenarios())
def test_every_flag_and_reason_is_a_sentence_with_the_rule_after_it(scenario):
    rec, as_of = scenario
    check_sentences(evaluate(rec, as_of))
    check_sentences(evaluate(rec, as_of, RuleSettings(rule_set="eu_smpc")))


def test_every_flag_has_a_sentence_somewhere():
    # One record raising many flags, so each branch of explain.py renders.
    rec = record(
        [
            course(
                infusions=(*infusions(count=7), infusion("2026-04-01")),
                holds=(hold("2026-03-31", "2026-04-02", reason="other"),),
            )
        ],
        [lvef("2025-12-20", 52, gls="-20"), lvef("2026-05-20", 38, "muga", gls="-15")],
        [
            cotreatment("doxorubicin", "2025-09-01", "2026-01-10", 300),
            cotreatment("epirubicin", "2025-09-01", None, None),
            cotreatment("cyclophosphamide", "2025-09-01", "2025-11-10", 2400),
            cotreatment("doxorubicin", "2026-05-25", None, 10),
        ],
    )
    status = run(rec)
    check_sentences(status)
    assert len(status.flags) >= 12
    texts = status.flag_texts
    assert "ESC 2022 Table 3" in texts["LVEF_SEVERE"]
    assert "muga" not in texts["MODALITY_MISMATCH"]  # labels, not codes
    assert "MUGA scan" in texts["MODALITY_MISMATCH"]


def test_below_40_cites_esc_for_trastuzumab_and_the_label_where_it_states_its_own():
    tr = run(active_record(lvef("2025-12-20", 42), lvef("2026-05-20", 39)))
    assert "ESC 2022" in tr.recommendation_reason and "US label" not in tr.recommendation_reason
    kad = run(
        active_record(
            lvef("2025-12-20", 42),
            lvef("2026-05-20", 39),
            agent="trastuzumab_emtansine",
            intent="metastatic",
        )
    )
    assert "Kadcyla US label: withhold below 40%" in kad.recommendation_reason


@pytest.mark.parametrize(
    ("rule_set", "agent", "verb"),
    [
        ("eu_smpc", "trastuzumab", "Strongly consider discontinuing"),
        ("us_label", "pertuzumab_trastuzumab_sc", "Strongly consider discontinuing"),
        ("eu_smpc", "pertuzumab_trastuzumab_sc", "Strongly consider discontinuing"),
        ("us_label", "pertuzumab_trastuzumab", "Discontinue"),
    ],
)
def test_strongly_consider_discontinuing(rule_set, agent, verb):
    rec = active_record(
        lvef("2025-12-20", 60),
        lvef("2026-03-20", 48),  # T, on the hold's start
        lvef("2026-04-20", 47),  # R, 31 days after, not improved
        infusions_=infusions(count=4),
        holds=(hold("2026-03-20"),),
        agent=agent,
    )
    status = run(rec, settings=RuleSettings(rule_set=rule_set))
    assert status.recommendation == "discontinue"
    assert status.recommendation_reason.startswith(verb + ": LVEF 47% (20 Apr 2026), 31 days")
    assert "no better than the LVEF 48% (20 Mar 2026)" in status.recommendation_reason


def test_hold_reason_names_when_resuming_becomes_possible():
    rec = active_record(
        lvef("2025-12-20", 62),
        lvef("2026-05-01", 45),
        lvef("2026-05-20", 58),
        infusions_=infusions(count=5),
        holds=(hold("2026-05-10"),),
    )
    status = run(rec)
    assert status.recommendation == "hold"
    assert "may resume from 7 Jun 2026" in status.recommendation_reason


def test_repeated_holds_two_texts():
    closed = tuple(
        hold(s, e)
        for s, e in (
            ("2026-01-10", "2026-01-12"),
            ("2026-01-30", "2026-02-01"),
            ("2026-02-20", "2026-02-22"),
        )
    )
    three = run(active_record(lvef("2025-12-20", 62), lvef("2026-05-15", 46), holds=closed))
    assert "would need a fourth suspension" in three.flag_texts["REPEATED_HOLDS"]
    four = run(
        active_record(lvef("2025-12-20", 62), holds=(*closed, hold("2026-03-12", "2026-03-14")))
    )
    assert "held for the heart 4 times" in four.flag_texts["REPEATED_HOLDS"]


def test_flag_texts_fall_back_to_the_catalogue():
    from dataclasses import replace

    status = replace(run(active_record()), explanations=())
    assert status.flag_texts == {c: FLAGS[c].explanation for c in status.flags}


def test_follow_up_overdue_sentence():
    c = course(infusions=infusions(count=7), end="2026-05-11")
    status = run(record([c], [lvef("2025-12-20", 62), lvef("2026-05-01", 60)]), "2026-12-01")
    assert status.schedule_rule == "S5"
    assert status.flag_texts["ASSESSMENT_OVERDUE"] == (
        "The next LVEF scan was due on 1 Nov 2026 (follow-up every 6 months after the LVEF of "
        "60% on 1 May 2026) and is overdue. Book it as soon as possible. [S5, S6]"
    )
