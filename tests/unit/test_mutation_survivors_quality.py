"""Tests for the real gaps among the mutmut survivors of the quality measures
(monitoring/quality.py, quality-measures.md), named by measure id and by the mutant they kill
(docs/testing.md, "Mutation testing"): the drill-down's reasons are pinned word for word, and a
met item carries no reason."""

from datetime import date

from tracker.monitoring import RuleSettings
from tracker.monitoring.catalogue import RULES, rules_in
from tracker.monitoring.definitions import build_context
from tracker.monitoring.profiles import profile_for
from tracker.monitoring.quality import (
    MET,
    NOT_MET,
    Item,
    ItemStore,
    assessment_at,
    episodes,
    patient_items,
    q7_items,
    quality_measures,
)
from tracker.monitoring.rule_settings import DEFAULT_SETTINGS

from .builders import course, hold, infusion, infusions, lvef, record, run
from .test_quality import (
    AS_OF,
    CHAIN,
    LATE,
    ON_TIME,
    OVERDUE_10,
    Q7_END,
    F,
    H,
    M,
    decline,
    early_stage,
    held,
    on_treatment,
    plus,
    step,
)


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


# --- second batch: episodes, Q5, Q6, Q7, the ItemStore, the catalogue ------------------------


def _eps(rec, as_of=AS_OF):
    return episodes(build_context(rec, as_of, RuleSettings()))


def test_episodes_e_on_as_of_and_the_episode_fields():
    # episodes 23 (a course ending on as_of has ended), 41 (last), 43/53 (the profile by intent).
    # Episode.last and .profile are read by no code (redundant fields, docs/testing.md).
    kadcyla = course(infusions=infusions(count=5), end=plus(100), agent="trastuzumab_emtansine")
    (ep,) = _eps(record([kadcyla]), plus(100))
    assert (ep.first, ep.last, ep.end) == (F, plus(84), plus(100))
    assert ep.profile.name == "Kadcyla, early-stage"


def test_episodes_a_course_with_an_infusion_in_a_later_run_has_not_ended():
    # episodes 24 (days_of[index][+1]): three infusions, two in the first run.
    days = (infusion(F), infusion(plus(21)), infusion(plus(200)))
    rec = record([course(infusions=days, end=plus(200))])
    assert [(e.first, e.end) for e in _eps(rec, LATE)] == [(F, None), (plus(200), plus(200))]


def test_episodes_a_later_course_planned_84_days_after_the_run_continues_it():
    # episodes 32 (<= EPISODE_GAP_DAYS): the last infusion is F + 84.
    ended = course(infusions=infusions(count=5), end=plus(100))
    assert [e.end for e in _eps(record([ended, course(plus(84 + 84), sequence=1)]))] == [None]
    assert [e.end for e in _eps(record([ended, course(plus(84 + 85), sequence=1)]))] == [plus(100)]


def test_episodes_an_earlier_course_without_infusions_is_no_continuation():
    # episodes 35, 37 (only the courses after the episode's one can continue it).
    never = course(plus(-30), sequence=0)
    ended = course(infusions=infusions(count=5), end=plus(100), sequence=1)
    assert [e.end for e in _eps(record([never, ended]))] == [plus(100)]


def test_q5_reasons_in_words():
    # _q5 33 (the decline sentence), the not-met and pending sentences.
    assert reasons(decline(), AS_OF, "Q5") == [
        (
            "not_met",
            "LVEF 46% on 18 Mar 2026 met the hold criteria (H1); no cardiac hold before the next "
            "infusion and no review by 25 Mar 2026 (Q5).",
        )
    ]
    assert reasons(decline(), plus(6, M), "Q5") == [
        (
            "pending",
            "LVEF 46% on 18 Mar 2026 met the hold criteria (H1); a cardiac hold or a review can "
            "still follow until 25 Mar 2026 (Q5).",
        )
    ]


def test_q5_met_by_a_review_or_a_hold_has_no_reason():
    # _q5 9 (review), 32 (hold).
    assert [
        (i.outcome, i.reason)
        for i in patient_items(decline(), AS_OF, reviews=(M,))
        if i.measure == "Q5"
    ] == [(MET, "")]
    assert reasons(decline(holds=(hold(plus(2, M)),)), AS_OF, "Q5") == [(MET, "")]


def test_q5_a_hold_starting_on_as_of_is_seen():
    # _q5 13.
    assert reasons(decline(holds=(hold(plus(3, M)),)), plus(3, M), "Q5") == [(MET, "")]


def test_q5_an_other_hold_before_the_cardiac_one_is_skipped():
    # _q5 14 (continue -> break).
    holds = (hold(plus(1, M), reason="other"), hold(plus(2, M)))
    assert reasons(decline(holds=holds), AS_OF, "Q5")[0][0] == MET


def test_q5_a_hold_starting_on_f_is_of_the_episode():
    # _q5 15 (h.start <= F): a cardiac hold from F, still open on M's date.
    assert reasons(decline(holds=(hold(F),)), AS_OF, "Q5") == [(MET, "")]


def test_q5_a_hold_before_the_episode_then_one_of_it():
    # _q5 16 (continue -> break).
    old = course(
        date(2025, 1, 6), infusions=infusions(date(2025, 1, 6), 3), holds=(hold("2025-02-01"),)
    )
    new = course(F, infusions=infusions(count=4), holds=(hold(plus(2, M)),), sequence=1)
    rec = record([old, new], (lvef("2025-12-20", 62), lvef(M, 46)))
    assert reasons(rec, AS_OF, "Q5") == [(MET, "")]


def test_q5_a_hold_that_ended_on_m_date_is_not_open_on_it():
    # _q5 22 (h.end >= M).
    assert reasons(decline(holds=(hold("2026-03-10", end=M),)), AS_OF, "Q5")[0][0] == "not_met"


def test_q5_a_hold_starting_and_ending_on_m_date_counts():
    # _q5 25 (M < start): a hold starting on M's date is within the 7 days.
    assert reasons(decline(holds=(hold(M, end=M),)), AS_OF, "Q5")[0][0] == MET


def test_q5_an_infusion_on_the_hold_start_day_is_not_before_the_hold():
    # _q5 30 (d <= h.start).
    days = (*infusions(count=4), infusion(plus(5, M)))
    assert reasons(decline(holds=(hold(plus(5, M)),), days=days), AS_OF, "Q5")[0][0] == MET


def test_q5_a_first_lvef_meeting_h1_is_a_new_decline():
    # patient_items 101 (previous_met starts False).
    rec = record([course(infusions=infusions(count=4))], (lvef(M, 35),))
    assert len(reasons(rec, AS_OF, "Q5")) == 1


def test_q6_reasons_in_words():
    # _q6 18, 21, 22, 25.
    assert reasons(held(), AS_OF, "Q6") == [
        (
            "not_met",
            "Cardiac hold from 20 Mar 2026: no repeat LVEF by 24 Apr 2026 (the recheck interval "
            "of 28 days and 7 days) (Q6).",
        )
    ]
    assert reasons(held(), plus(34, H), "Q6") == [
        (
            "pending",
            "Cardiac hold from 20 Mar 2026: the repeat LVEF can still be recorded until "
            "24 Apr 2026 (Q6).",
        )
    ]
    assert reasons(held(lvef(plus(10, H), 55)), AS_OF, "Q6") == [(MET, "")]


def test_q6_a_hold_starting_on_as_of_and_after_an_other_hold():
    # patient_items 142 (start on as_of), 143 (continue -> break).
    assert reasons(held(), H, "Q6") == [
        (
            "pending",
            "Cardiac hold from 20 Mar 2026: the repeat LVEF can still be recorded until "
            "24 Apr 2026 (Q6).",
        )
    ]
    c = course(
        infusions=infusions(count=4), holds=(hold("2026-03-01", "2026-03-05", "other"), hold(H))
    )
    rec = record([c], (lvef("2025-12-20", 62),))
    assert [o for o, _ in reasons(rec, AS_OF, "Q6")] == ["not_met"]


def test_q6_the_recheck_interval_of_the_course_intent():
    # patient_items 134 (profile_for with the course's intent).
    c = course(infusions=infusions(count=4), holds=(hold(H),), intent="metastatic")
    rec = record([c], (lvef("2025-12-20", 62),))
    recheck = profile_for("trastuzumab", "metastatic", RuleSettings().rule_set).recheck_days
    (item,) = [i for i in patient_items(rec, AS_OF) if i.measure == "Q6"]
    assert f"of {recheck} days and 7 days" in item.reason


def test_q7_items_in_words_with_the_key():
    # q7_items 14, 16, 22 (the reason), 34 (the key of a met item).
    (late,) = q7_items(OVERDUE_10, (Q7_END,))
    assert (late.key, late.outcome, late.reason, late.overdue_days) == (
        "A3",
        "not_met",
        "On 30 Mar 2026 the LVEF assessment was 10 days overdue (S6, Q7).",
        10,
    )
    (ok,) = q7_items(ON_TIME, (Q7_END,))
    assert (ok.key, ok.outcome) == ("A1", MET)


def _item(measure, key, outcome, when):
    return Item(measure, key, outcome, when)


D1, D2 = date(2026, 2, 1), date(2026, 2, 2)


def _figures(store, start=D1, end=D2, as_of=D2):
    return {
        m.id: (m.denominator, m.numerator, m.not_met, m.pending)
        for m in store.measures(start, end, as_of)
        if m.id in ("Q1", "Q7")
    }


def test_item_store_replace_and_remove_one_owner():
    # ItemStore replace 1, 5, 19; remove 1, 2, 6, 7, 8, 9, 10.
    store = ItemStore()
    store.replace("A", [_item("Q1", "A", MET, D1), _item("Q1", "A", MET, D1)])
    store.replace("A2", [_item("Q1", "A2", NOT_MET, D1)])
    store.replace("B", [_item("Q1", "B", NOT_MET, D1), _item("Q1", "B", MET, D1)])
    assert _figures(store)["Q1"] == (5, 3, ("A2", "B"), ())
    store.replace("A", [_item("Q1", "A", NOT_MET, D1)])
    assert _figures(store)["Q1"] == (4, 1, ("A", "A2", "B"), ())
    store.remove("B")
    assert _figures(store)["Q1"] == (2, 0, ("A", "A2"), ())
    store.remove("A2")
    store.remove("A")
    assert _figures(store)["Q1"] == (0, 0, (), ())


def test_item_store_q7_only_at_its_day_and_each_period_its_own_figures():
    # ItemStore chosen 3, 12, 13; _compute 7, 11, 12; measures 1.
    store = ItemStore(
        [_item("Q7", "A", NOT_MET, D1), _item("Q7", "B", MET, D1), _item("Q1", "C", MET, D1)]
    )
    assert _figures(store, D1, D2, D2) == {"Q1": (1, 1, (), ()), "Q7": (0, 0, (), ())}
    assert _figures(store, D1, D2, D1) == {"Q1": (1, 1, (), ()), "Q7": (2, 1, ("A",), ())}
    assert _figures(store, D2, D2, D2)["Q1"] == (0, 0, (), ())


def test_rules_in_a_section():
    # catalogue rules_in 2.
    sections = {r.section for r in RULES}
    assert len(sections) > 1
    for section in sections:
        assert rules_in(section) == tuple(r for r in RULES if r.section == section)


def test_q7_s5_and_s1_due_dates_as_evaluate_gives_them():
    # assessment_at 12 (the phase: completed -> S5, L + 6 months), 13 (B: planned -> S1, B + 3
    # months, not the planned start).
    done = record(
        [course(infusions=infusions(count=4), end="2026-03-10")],
        (lvef("2025-12-20", 62), lvef("2026-03-15", 60)),
    )
    planned = record([course(date(2026, 1, 10))], (lvef("2026-01-01", 62),))
    for rec, when, due in (
        (done, date(2026, 7, 1), date(2026, 9, 15)),
        (planned, D1, date(2026, 4, 1)),
    ):
        assert assessment_at(rec, when, DEFAULT_SETTINGS)[2] == due
        assert run(rec, when).next_assessment_due == due
        assert [i.outcome for i in q7_items(rec, (when,))] == [MET]


def test_q7_uses_the_rule_settings():
    # quality_measures 25: S3 under the EU SmPC is the repeat 21 days after L (US label 28).
    c = course(infusions=infusions(count=4), holds=(hold(H),))
    rec = record([c], (lvef("2025-12-20", 62), lvef(H, 46)))
    period = (date(2026, 1, 1), date(2026, 4, 12))
    q7 = {
        settings.rule_set: [m for m in quality_measures([rec], *period, AS_OF, settings)][-1]
        for settings in (DEFAULT_SETTINGS, RuleSettings(rule_set="eu_smpc"))
    }
    assert [(m.id, m.numerator, m.not_met) for m in q7.values()] == [
        ("Q7", 1, ()),
        ("Q7", 0, ("A1001",)),
    ]


def _explained(rec, as_of, code):
    return [e.text for e in run(rec, as_of).explanations if e.code == code]


def test_the_overdue_sentence_names_l_plus_3_months():
    # explain _sentence 59 (S2's due date passed on to the words: "3 months after the LVEF").
    assert _explained(OVERDUE_10, Q7_END, "ASSESSMENT_OVERDUE") == [
        "The next LVEF scan was due on 20 Mar 2026 (3 months after the LVEF of 62% on "
        "20 Dec 2025) and is overdue. Book it as soon as possible. [S2, S6]"
    ]


def test_a_value_only_hold_criterion_without_a_baseline_does_not_mention_the_baseline():
    # sentences criterion_sentence 20 (H1, Kadcyla early-stage: withhold below 45%, no drop read).
    kadcyla = course(infusions=infusions(count=4), agent="trastuzumab_emtansine")
    rec = record([kadcyla], (lvef(M, 35),))
    assert _explained(rec, M, "LVEF_HOLD_CRITERIA") == [
        "LVEF is 35% (18 Mar 2026). Kadcyla US label: withhold below 45%. [H1]"
    ]


def test_q7_items_each_day_whatever_the_order():
    # q7_items 10 (continue -> break): a day after follow-up is complete (P1, not counted) does
    # not hide an earlier day given after it.
    rec = early_stage(*CHAIN, step(CHAIN[-1]))
    taken = q7_items(rec, (date(2030, 1, 1), date(2024, 6, 1)))
    assert [(i.day, i.outcome) for i in taken] == [(date(2024, 6, 1), MET)]
