"""The quality measures of quality-measures.md (issue 14) on hand-built histories, at every
boundary of each measure."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.unit.builders import course, hold, infusion, infusions, lvef, record
from tracker.monitoring import RuleSettings
from tracker.monitoring.dates import add_months, add_months_then_days
from tracker.monitoring.definitions import build_context
from tracker.monitoring.quality import MEASURE_IDS, episodes, percent, quality_measures

F = date(2026, 1, 5)
Q1_2026 = (date(2026, 1, 1), date(2026, 3, 31))
AS_OF = date(2026, 6, 1)
EU = RuleSettings(rule_set="eu_smpc")


def plus(days, ref=F):
    return ref + timedelta(days=days)


def measures(records, period=Q1_2026, as_of=AS_OF, settings=None, reviews=None):
    kwargs = {"reviews": reviews} if reviews is not None else {}
    if settings is not None:
        kwargs["settings"] = settings
    return {m.id: m for m in quality_measures(records, *period, as_of, **kwargs)}


def figures(m):
    return (m.denominator, m.numerator, m.not_met, m.pending)


def on_treatment(*lvefs, key="A1001", end=None, count=7, **kw):
    return record([course(infusions=infusions(count=count), end=end, **kw)], lvefs, key=key)


# --- percent ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 8, "12.5"),
        (2, 3, "66.7"),
        (5, 16, "31.2"),  # 31.25: half-even rounds to the even 2
        (7, 16, "43.8"),  # 43.75: half-even rounds to the even 8
        (3, 16, "18.8"),  # 18.75
        (1, 1, "100.0"),
        (0, 4, "0.0"),
    ],
)
def test_percent_rounds_half_even_to_one_decimal(numerator, denominator, expected):
    assert percent(numerator, denominator) == Decimal(expected)


def test_percent_is_none_for_an_empty_denominator():
    assert percent(0, 0) is None
    result = measures([])
    assert list(result) == list(MEASURE_IDS)
    assert all(m.percent is None and m.denominator == 0 for m in result.values())
    assert result["Q7"].median_days_overdue is None


# --- Q1, Q1s ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "met"), [(-120, True), (-121, False), (30, True), (31, False), (0, True)]
)
def test_q1_window_is_f_minus_120_to_f_plus_30_days(offset, met):
    q1 = measures([on_treatment(lvef(plus(offset), 60))])["Q1"]
    assert figures(q1) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q1_pending_until_f_plus_30():
    rec = on_treatment(count=1)
    assert figures(measures([rec], as_of=plus(29))["Q1"]) == (0, 0, (), ("A1001",))
    assert figures(measures([rec], as_of=plus(30))["Q1"]) == (1, 0, ("A1001",), ())
    # Met as soon as the condition is met, before the window closes.
    met = on_treatment(lvef(plus(2), 60), count=1)
    assert figures(measures([met], as_of=plus(2))["Q1"]) == (1, 1, (), ())


def test_q1_counts_episodes_whose_f_is_in_the_period():
    rec = on_treatment(lvef(plus(-5), 60))
    assert measures([rec], period=(plus(1), plus(90)))["Q1"].denominator == 0
    assert measures([rec], period=(F, F))["Q1"].denominator == 1


@pytest.mark.parametrize(("when", "met"), [(date(2025, 10, 5), True), (date(2025, 10, 4), False)])
def test_q1s_is_b1_an_lvef_from_f_minus_3_months(when, met):
    assert add_months(F, -3) == date(2025, 10, 5)
    q1s = measures([on_treatment(lvef(when, 60))], as_of=F)["Q1s"]
    assert figures(q1s) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q1s_after_f_does_not_count_and_is_never_pending():
    q = measures([on_treatment(lvef(plus(1), 60))], as_of=plus(1))
    assert figures(q["Q1s"]) == (1, 0, ("A1001",), ())
    assert figures(q["Q1"]) == (1, 1, (), ())


# --- episodes over the whole history ----------------------------------------------------------


def two_episodes(key="A1001", *lvefs):
    restart = plus(21 * 2 + 85)  # more than 84 days after the run's last infusion
    days = (infusion(F), infusion(plus(21)), infusion(plus(42)), infusion(restart))
    return record([course(infusions=days)], lvefs, key=key), restart


def test_two_episodes_count_twice_in_the_figures_and_once_in_the_list():
    rec, restart = two_episodes()
    assert [e.first for e in episodes(build_context(rec, AS_OF, RuleSettings()))] == [F, restart]
    q1 = measures([rec], period=(F, restart), as_of=date(2026, 12, 1))["Q1"]
    assert figures(q1) == (2, 0, ("A1001",), ())
    assert q1.percent == Decimal("0.0")
    # While the second episode's window is open, the patient is in both lists.
    q1 = measures([rec], period=(F, restart), as_of=plus(29, restart))["Q1"]
    assert figures(q1) == (1, 0, ("A1001",), ("A1001",))


def test_each_episode_has_its_own_f_and_baseline():
    restart = two_episodes()[1]
    rec, _ = two_episodes("A1001", lvef(plus(-10), 60), lvef(plus(-10, restart), 60))
    q = measures([rec], period=(F, restart), as_of=date(2026, 12, 1))
    assert figures(q["Q1"]) == (2, 2, (), ())
    assert figures(q["Q1s"]) == (2, 2, (), ())


def test_e_only_when_the_course_has_ended_and_no_later_course_continues():
    ended = course(infusions=infusions(count=5), end=plus(100))
    ctx = build_context(record([ended]), AS_OF, RuleSettings())
    assert [e.end for e in episodes(ctx)] == [plus(100)]
    # Not yet ended at as_of.
    ctx = build_context(record([ended]), plus(99), RuleSettings())
    assert [e.end for e in episodes(ctx)] == [None]
    # A switch planned within 84 days of the last infusion, not started yet: not an end.
    switch = course(plus(150), agent="trastuzumab_sc", sequence=1)
    ctx = build_context(record([ended, switch]), AS_OF, RuleSettings())
    assert [e.end for e in episodes(ctx)] == [None]
    # A course planned later than 84 days after the run is no continuation.
    later = course(plus(84 + 85), sequence=1)
    ctx = build_context(record([ended, later]), AS_OF, RuleSettings())
    assert [e.end for e in episodes(ctx)] == [plus(100)]


def test_a_course_with_an_infusion_in_a_later_run_has_not_ended_in_the_earlier_run():
    days = (infusion(F), infusion(plus(100)))
    rec = record([course(infusions=days, end=plus(100))])
    found = episodes(build_context(rec, AS_OF, RuleSettings()))
    assert [(e.first, e.end) for e in found] == [(F, None), (plus(100), plus(100))]


def test_the_episode_course_is_the_latest_with_an_infusion_in_the_run():
    iv = course(infusions=infusions(count=3), end=plus(42))
    sc = course(plus(63), infusions=(infusion(plus(63)),), agent="trastuzumab_sc", sequence=1)
    (ep,) = episodes(build_context(record([iv, sc]), AS_OF, RuleSettings()))
    assert ep.course is sc and ep.end is None


LATE = date(2027, 1, 1)


# --- Q2 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "counted"), [(119, False), (120, True)])
def test_q2_needs_e_minus_f_of_120_days(days, counted):
    rec = on_treatment(lvef(plus(-10), 60), lvef(plus(100), 60), end=plus(days), count=5)
    q = measures([rec], period=(F, plus(240)))
    assert q["Q2"].denominator == (1 if counted else 0)
    assert q["Q3"].denominator == 1


@pytest.mark.parametrize(("second", "met"), [(120, True), (121, False)])
def test_q2_no_stretch_longer_than_120_days(second, met):
    lvefs = (lvef(plus(-10), 60), lvef(plus(second), 60), lvef(plus(240), 60))
    q2 = measures([on_treatment(*lvefs, end=plus(240))], period=(F, plus(240)), as_of=LATE)["Q2"]
    assert figures(q2) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q2_counts_e_as_the_end_of_the_last_stretch():
    lvefs = (lvef(plus(-10), 60), lvef(plus(100), 60))
    q2 = measures([on_treatment(*lvefs, end=plus(221))], period=(F, plus(240)), as_of=LATE)["Q2"]
    assert figures(q2) == (1, 0, ("A1001",), ())
    q2 = measures([on_treatment(*lvefs, end=plus(220))], period=(F, plus(240)), as_of=LATE)["Q2"]
    assert figures(q2) == (1, 1, (), ())


def test_q2_needs_q1():
    lvefs = (lvef(plus(-121), 60), lvef(plus(100), 60), lvef(plus(200), 60))
    q2 = measures([on_treatment(*lvefs, end=plus(200))], period=(F, plus(240)), as_of=LATE)["Q2"]
    assert figures(q2) == (1, 0, ("A1001",), ())


# --- Q3 -----------------------------------------------------------------------------------------

E = plus(120)


@pytest.mark.parametrize(
    ("offset", "met"), [(-28, True), (-29, False), (28, True), (29, False), (0, True)]
)
def test_q3_completion_assessment_from_e_minus_28_to_e_plus_28(offset, met):
    rec = on_treatment(lvef(plus(offset, E), 60), end=E, count=5)
    q3 = measures([rec], period=(E, E), as_of=LATE)["Q3"]
    assert figures(q3) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q3_pending_until_e_plus_28():
    rec = on_treatment(end=E, count=5)
    assert figures(measures([rec], (E, E), plus(27, E))["Q3"]) == (0, 0, (), ("A1001",))
    assert figures(measures([rec], (E, E), plus(28, E))["Q3"]) == (1, 0, ("A1001",), ())


# --- Q4 -----------------------------------------------------------------------------------------

E4 = date(2024, 1, 10)
FINAL = date(2025, 12, 13)  # E + 24 months - 28 days


def step(day):
    return add_months_then_days(day, 6, 28)


def early_stage(*days, intent="adjuvant"):
    c = course(date(2023, 1, 10), infusions=infusions(date(2023, 1, 10), 18), end=E4, intent=intent)
    return record([c], (lvef(E4, 60), *(lvef(d, 60) for d in days)))


CHAIN = (step(E4), step(step(E4)), step(step(step(E4))))  # 2024-08-07, 2025-03-07, 2025-10-05
PERIOD_2026_Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def test_q4_stretches_of_exactly_6_months_and_28_days_meet():
    assert add_months_then_days(E4, 24, -28) == FINAL
    assert (date(2024, 8, 7), date(2025, 3, 7), date(2025, 10, 5)) == CHAIN
    last = step(CHAIN[-1])  # 2026-05-03, on or after FINAL
    q4 = measures([early_stage(*CHAIN, last)], PERIOD_2026_Q1, date(2026, 12, 1))["Q4"]
    assert figures(q4) == (1, 1, (), ())


def test_q4_one_day_longer_fails():
    late = plus(1, step(CHAIN[-1]))
    q4 = measures([early_stage(*CHAIN, late)], PERIOD_2026_Q1, date(2026, 12, 1))["Q4"]
    assert figures(q4) == (1, 0, ("A1001",), ())
    first_late = (plus(1, CHAIN[0]),)
    q4 = measures([early_stage(*first_late)], PERIOD_2026_Q1, date(2026, 12, 1))["Q4"]
    assert figures(q4) == (1, 0, ("A1001",), ())


@pytest.mark.parametrize(("final", "met"), [(FINAL, True), (plus(-1, FINAL), False)])
def test_q4_ends_at_the_first_lvef_on_or_after_e_plus_24_months_minus_28_days(final, met):
    rec = early_stage(*CHAIN, final)
    q4 = measures([rec], PERIOD_2026_Q1, date(2026, 3, 1))["Q4"]
    # One day early: not the final one; the next is still awaited (pending), until its window
    # closes at that LVEF + 6 months + 28 days.
    assert figures(q4) == ((1, 1, (), ()) if met else (0, 0, (), ("A1001",)))
    if not met:
        closes = step(final)
        assert figures(measures([rec], PERIOD_2026_Q1, closes)["Q4"]) == (1, 0, ("A1001",), ())
        pending = measures([rec], PERIOD_2026_Q1, plus(-1, closes))["Q4"]
        assert figures(pending) == (0, 0, (), ("A1001",))


def test_q4_only_early_stage_and_e_plus_24_months_in_the_period():
    rec = early_stage(*CHAIN, FINAL, intent="metastatic")
    assert measures([rec], PERIOD_2026_Q1, date(2026, 3, 1))["Q4"].denominator == 0
    rec = early_stage(*CHAIN, FINAL)
    assert (
        measures([rec], (date(2026, 1, 11), date(2026, 3, 31)), date(2026, 3, 1))["Q4"].denominator
        == 0
    )


# --- Q5 -----------------------------------------------------------------------------------------

M = date(2026, 3, 18)


def decline(*, holds=(), days=None, extra=(), key="A1001"):
    days = days if days is not None else infusions(count=4)  # to 2026-03-09
    c = course(infusions=days, holds=holds)
    return record([c], (lvef("2025-12-20", 62), lvef(M, 46), *extra), key=key)


@pytest.mark.parametrize(("start", "met"), [(M, True), (plus(7, M), True), (plus(8, M), False)])
def test_q5_a_hold_within_7_days(start, met):
    q5 = measures([decline(holds=(hold(start),))])["Q5"]
    assert figures(q5) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q5_a_hold_open_on_m_date_counts():
    q5 = measures([decline(holds=(hold("2026-03-10"),))])["Q5"]
    # M is judged on its own date: phase held, still a qualifying decline; the hold is open.
    assert figures(q5) == (1, 1, (), ())


def test_q5_an_other_hold_does_not_count():
    q5 = measures([decline(holds=(hold(plus(2, M), reason="other"),))])["Q5"]
    assert figures(q5) == (1, 0, ("A1001",), ())


def test_q5_an_infusion_between_m_and_the_hold_start_fails():
    days = (*infusions(count=4), infusion(plus(2, M)))
    q5 = measures([decline(holds=(hold(plus(5, M)),), days=days)])["Q5"]
    assert figures(q5) == (1, 0, ("A1001",), ())
    # An infusion on M's date itself is not "after M's date".
    days = (*infusions(count=4), infusion(M))
    q5 = measures([decline(holds=(hold(plus(5, M)),), days=days)])["Q5"]
    assert figures(q5) == (1, 1, (), ())


@pytest.mark.parametrize(("offset", "met"), [(0, True), (7, True), (8, False), (-1, False)])
def test_q5_a_recorded_review_within_7_days(offset, met):
    q5 = measures([decline()], reviews={"A1001": [plus(offset, M)]})["Q5"]
    assert figures(q5) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


def test_q5_pending_until_m_plus_7():
    assert figures(measures([decline()], as_of=plus(6, M))["Q5"]) == (0, 0, (), ("A1001",))
    assert figures(measures([decline()], as_of=plus(7, M))["Q5"]) == (1, 0, ("A1001",), ())


def test_q5_only_a_new_decline_counts():
    rec = decline(extra=(lvef("2026-03-25", 45),))
    assert measures([rec])["Q5"].denominator == 1
    # A recovery in between makes the next decline a new one.
    rec = decline(extra=(lvef("2026-03-25", 60), lvef("2026-03-28", 45)))
    assert measures([rec])["Q5"].denominator == 2


def test_q5_not_in_phase_active_or_held_and_not_meeting_h1():
    ended = course(infusions=infusions(count=4), end="2026-03-10")
    rec = record([ended], (lvef("2025-12-20", 62), lvef(M, 46)))
    assert measures([rec])["Q5"].denominator == 0
    assert measures([decline()], period=(date(2026, 1, 1), plus(-1, M)))["Q5"].denominator == 0
    rec = record([course(infusions=infusions(count=4))], (lvef("2025-12-20", 62), lvef(M, 50)))
    assert measures([rec])["Q5"].denominator == 0


def test_q5_a_hold_before_the_episode_does_not_count():
    old = course(
        date(2025, 1, 6), infusions=infusions(date(2025, 1, 6), 3), holds=(hold("2025-02-01"),)
    )
    new = course(F, infusions=infusions(count=4), sequence=1)
    rec = record([old, new], (lvef("2025-12-20", 62), lvef(M, 46)))
    assert figures(measures([rec])["Q5"]) == (1, 0, ("A1001",), ())


def test_q5_a_hold_started_after_as_of_is_not_seen():
    rec = decline(holds=(hold(plus(3, M)),))
    assert figures(measures([rec], as_of=plus(2, M))["Q5"]) == (0, 0, (), ("A1001",))


# --- Q6 -----------------------------------------------------------------------------------------

H = date(2026, 3, 20)


def held(*lvefs, agent="trastuzumab", reason="cardiac"):
    c = course(infusions=infusions(count=4), holds=(hold(H, reason=reason),), agent=agent)
    return record([c], (lvef("2025-12-20", 62), *lvefs))


@pytest.mark.parametrize(("offset", "met"), [(35, True), (36, False), (0, False), (1, True)])
def test_q6_us_label_repeat_within_28_plus_7_days(offset, met):
    q6 = measures([held(lvef(plus(offset, H), 55))], as_of=AS_OF)["Q6"]
    assert figures(q6) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))


@pytest.mark.parametrize(("offset", "met"), [(28, True), (29, False)])
def test_q6_21_day_profile_repeat_within_21_plus_7_days(offset, met):
    q6 = measures([held(lvef(plus(offset, H), 55))], settings=EU)["Q6"]
    assert figures(q6) == ((1, 1, (), ()) if met else (1, 0, ("A1001",), ()))
    # The hold's own course chooses the profile: Kadcyla is 21 days under either rule set.
    q6 = measures([held(lvef(plus(offset, H), 55), agent="trastuzumab_emtansine")])["Q6"]
    assert q6.numerator == (1 if met else 0)


def test_q6_pending_until_the_window_closes():
    assert figures(measures([held()], as_of=plus(34, H))["Q6"]) == (0, 0, (), ("A1001",))
    assert figures(measures([held()], as_of=plus(35, H))["Q6"]) == (1, 0, ("A1001",), ())


def test_q6_counts_cardiac_holds_started_in_the_period_only():
    assert measures([held(reason="other")])["Q6"].denominator == 0
    assert measures([held()], period=(plus(1, H), AS_OF))["Q6"].denominator == 0
    assert measures([held()], period=(H, AS_OF), as_of=plus(-1, H))["Q6"].denominator == 0


# --- Q7 -----------------------------------------------------------------------------------------


def baseline_only(when, key):
    # S2: due at L + 3 months (F 2026-01-05, infusions to 2026-05-11).
    return on_treatment(lvef(when, 62), key=key)


Q7_END = date(2026, 3, 30)
OVERDUE_10 = baseline_only(date(2025, 12, 20), "A3")  # due 2026-03-20
ON_TIME = baseline_only(date(2025, 12, 30), "A1")  # due 2026-03-30
OVERDUE_20 = baseline_only(date(2025, 12, 10), "A2")  # due 2026-03-10


def test_q7_at_the_period_end_with_the_median_days_overdue():
    q7 = measures([OVERDUE_10, ON_TIME, OVERDUE_20], (F, Q7_END), AS_OF)["Q7"]
    assert figures(q7) == (3, 1, ("A2", "A3"), ())
    assert q7.percent == Decimal("33.3")
    assert q7.median_days_overdue == 15


def test_q7_median_of_an_odd_count():
    late = baseline_only(date(2025, 12, 1), "A4")  # due 2026-03-01: 29 days
    q7 = measures([OVERDUE_10, OVERDUE_20, late], (F, Q7_END), AS_OF)["Q7"]
    assert q7.median_days_overdue == 20


def test_q7_taken_at_the_evaluation_date_when_the_period_ends_after_it():
    q7 = measures([OVERDUE_10, ON_TIME, OVERDUE_20], (F, date(2026, 3, 31)), Q7_END)["Q7"]
    assert figures(q7) == (3, 1, ("A2", "A3"), ())
    assert q7.median_days_overdue == 15


def test_q7_leaves_out_patients_without_a_course_and_follow_up_complete():
    metastatic = on_treatment(
        lvef("2025-12-20", 62),
        lvef("2026-03-01", 60),
        end="2026-03-01",
        count=3,
        intent="metastatic",
    )
    q7 = measures([record([], (), key="A9"), metastatic], (F, Q7_END), AS_OF)["Q7"]
    assert q7.denominator == 0


def test_lists_are_sorted_in_plain_string_order():
    keys = ["b1", "B2", "A10", "A9"]
    q1 = measures([on_treatment(key=k) for k in keys])["Q1"]
    assert q1.not_met == ("A10", "A9", "B2", "b1")
