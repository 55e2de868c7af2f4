"""Tests for the real gaps among the mutmut survivors of the quality measures
(monitoring/quality.py, quality-measures.md), named by measure id and by the mutant they kill
(docs/testing.md, "Mutation testing"): the drill-down's reasons are pinned word for word, and a
met item carries no reason."""

from datetime import date

from tracker.monitoring.quality import MET, patient_items

from .builders import lvef
from .test_quality import CHAIN, LATE, early_stage, on_treatment, plus, step


def reasons(rec, as_of, measure):
    return [(i.outcome, i.reason) for i in patient_items(rec, as_of) if i.measure == measure]


def test_q2_the_longest_stretch_in_words():
    # _q2 31 (days(None)), 34 (points[index - 1]: the stretch's end read as E).
    lvefs = (lvef(plus(-10), 60), lvef(plus(121), 60), lvef(plus(240), 60))
    assert reasons(on_treatment(*lvefs, end=plus(240)), LATE, "Q2") == [
        (
            "not_met",
            "121 days without an LVEF from 5 Jan 2026 to 6 May 2026 on treatment, more than "
            "120 days (Q2).",
        )
    ]


def test_q2_not_met_without_q1_in_words():
    # _q2 8-10.
    lvefs = (lvef(plus(-121), 60), lvef(plus(100), 60), lvef(plus(200), 60))
    assert reasons(on_treatment(*lvefs, end=plus(200)), LATE, "Q2") == [
        (
            "not_met",
            "No LVEF around the first infusion on 5 Jan 2026 (Q1 not met), so the monitoring on "
            "treatment does not count as adequate (Q2).",
        )
    ]


def test_q4_the_gap_since_the_end_of_treatment_or_since_the_lvef():
    # _q4_gap 1-9: "the end of treatment" when the stretch starts at E, "the LVEF" otherwise.
    as_of = date(2026, 12, 1)
    assert reasons(early_stage(plus(1, CHAIN[0])), as_of, "Q4") == [
        (
            "not_met",
            "No LVEF within 6 months and 28 days of the end of treatment on 10 Jan 2024 (due by "
            "7 Aug 2024) in the follow-up after treatment ended on 10 Jan 2024 (Q4).",
        )
    ]
    assert reasons(early_stage(*CHAIN, plus(1, step(CHAIN[-1]))), as_of, "Q4") == [
        (
            "not_met",
            "No LVEF within 6 months and 28 days of the LVEF on 5 Oct 2025 (due by 3 May 2026) "
            "in the follow-up after treatment ended on 10 Jan 2024 (Q4).",
        )
    ]


def test_a_met_item_has_no_reason():
    # _q1 31, _q1s 2, _q2 27, _q3 31, _q4 27 ("" -> "XXXX" for a met item).
    lvefs = (lvef(plus(-10), 60), lvef(plus(100), 60), lvef(plus(200), 60))
    items = patient_items(on_treatment(*lvefs, end=plus(200)), LATE)
    met = {i.measure: i.reason for i in items if i.outcome == MET}
    assert {"Q1", "Q1s", "Q2", "Q3"} <= set(met)
    assert set(met.values()) == {""}
    q4 = patient_items(early_stage(*CHAIN, step(CHAIN[-1])), date(2026, 12, 1))
    assert [(i.outcome, i.reason) for i in q4 if i.measure == "Q4"] == [(MET, "")]
