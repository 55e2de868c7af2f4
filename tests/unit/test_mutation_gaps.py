"""Tests written for mutants that survived `make mutate` (docs/testing.md): each pins a boundary
or a sentence that no other test decided."""

from __future__ import annotations

from datetime import date, timedelta

from .builders import (
    BASELINE_DAY,
    active_record,
    cotreatment,
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


def test_a_recovered_lvef_on_the_day_the_hold_starts_is_not_r():
    # v2 H2: R is dated strictly after the hold's start; the LVEF of that day triggered it.
    start = days_before(40)
    status = run(
        active_record(B, lvef(start, 60), infusions_=infusions(count=5), holds=(hold(start),))
    )
    assert status.recommendation == "hold"
    assert status.recommendation_reason.startswith("Hold: no LVEF has been measured since")
    after = run(
        active_record(
            B,
            lvef(start + timedelta(days=1), 60),
            infusions_=infusions(count=5),
            holds=(hold(start),),
        )
    )
    assert after.recommendation == "may_resume"


def test_s2_counts_an_lvef_dated_exactly_on_f_minus_3_months():
    # F = 31 May; F - 3 months = 28 Feb (clamped); that LVEF counts, due 28 Feb + 3 months.
    rec = active_record(lvef("2026-02-28", 62), infusions_=(infusion("2026-05-31"),))
    status = run(rec, "2026-06-01")
    assert status.baseline.date == date(2026, 2, 28)
    assert (status.schedule_rule, status.next_assessment_due) == ("S2", date(2026, 5, 28))
    before = run(
        active_record(lvef("2026-02-27", 62), infusions_=(infusion("2026-05-31"),)), "2026-06-01"
    )
    assert before.next_assessment_due == date(2026, 5, 31)  # no LVEF in the window: due at F


def test_c4_ignores_infusions_entered_in_error_and_reads_every_course():
    doxo = cotreatment("doxorubicin", "2026-02-01", "2026-02-10", 100)
    in_error = course("2026-02-01", infusions=(infusion("2026-02-05", error=True),))
    assert "CONCURRENT_ANTHRACYCLINE" not in run(record([in_error], [B], [doxo])).flags
    # A course without infusions listed first must not stop the search.
    empty = course("2025-06-01", end="2025-07-01")
    given = course("2026-01-05", infusions=infusions(count=3))
    assert "CONCURRENT_ANTHRACYCLINE" in run(record([empty, given], [B], [doxo])).flags


def test_may_resume_and_keep_holding_sentences():
    start = days_before(20)
    young = run(
        active_record(
            B, lvef(days_before(5), 58), infusions_=infusions(count=5), holds=(hold(start),)
        )
    )
    assert young.recommendation_reason == (
        "Hold: LVEF 58% (27 May 2026) has recovered, but the hold must last at least 28 days: "
        "treatment may resume from 9 Jun 2026. [H2]"
    )
    old = run(
        active_record(
            B,
            lvef(days_before(5), 58),
            infusions_=infusions(count=5),
            holds=(hold(days_before(30)),),
        )
    )
    assert old.recommendation_reason == (
        "May resume: LVEF 58% (27 May 2026) has recovered (recovered means at least the lower "
        "limit of normal and no more than 15 points below baseline) and the hold has lasted at "
        "least 28 days. US label: treatment may be resumed. [H2]"
    )
    kadcyla = run(
        active_record(
            lvef(BASELINE_DAY, 60),
            lvef(days_before(5), 58),
            infusions_=infusions(count=5),
            holds=(hold(days_before(6)),),
            agent="trastuzumab_emtansine",
        )
    )
    assert kadcyla.recommendation_reason == (
        "May resume: LVEF 58% (27 May 2026) has recovered (recovered means at least 45%, and at "
        "least 50% or less than 10 points below baseline). Kadcyla US label: treatment may be "
        "resumed. [H2]"
    )


# --- exact sentences (mutants in the wording survived the looser checks) ----------------------


def test_discontinue_rule_sentences():
    from tracker.monitoring import profiles as p
    from tracker.monitoring.sentences import discontinue_rule

    tail = "after the hold started has not recovered"
    assert discontinue_rule(p.TRASTUZUMAB_US) == (
        "US label: discontinue for a persistent decline, when a repeat dated 56 days (8 weeks) "
        f"or more {tail} and the hold is more than 8 weeks old"
    )
    assert discontinue_rule(p.TRASTUZUMAB_EU) == (
        f"EU SmPC: strongly consider discontinuing when a repeat dated 21 days or more {tail} "
        "and is no better than the LVEF that led to the hold"
    )
    assert discontinue_rule(p.PERJETA_EARLY) == (
        f"Perjeta US label: discontinue when a repeat dated 21 days or more {tail} and is no "
        "better than the LVEF that led to the hold"
    )
    assert discontinue_rule(p.KADCYLA_EARLY) == (
        "Kadcyla US label: discontinue when the repeat after a hold has not recovered"
    )
    assert discontinue_rule(p.PHESGO_METASTATIC).startswith(
        "Phesgo US label: strongly consider discontinuing"
    )


def test_criterion_sentences_without_a_drop():
    from tracker.monitoring import profiles as p
    from tracker.monitoring.sentences import criterion_sentence

    assert criterion_sentence(p.ESC_SEVERE, lvef("2026-05-20", 39), None) == (
        "LVEF is 39% (20 May 2026) and there is no baseline. ESC 2022 Table 3: a new fall of "
        "the LVEF to below 40% is severe heart damage; withhold."
    )
    assert criterion_sentence(p.KADCYLA_EARLY.hold[0], lvef("2026-05-20", 44), B) == (
        "LVEF is 44% (20 May 2026). Kadcyla US label: withhold below 45%."
    )


def test_date_lists():
    from tracker.monitoring.explain import _dates

    eight = tuple(date(2026, 1, 1) + timedelta(days=7 * k) for k in range(8))
    assert _dates(eight) == (
        "1 Jan 2026, 8 Jan 2026, 15 Jan 2026, 22 Jan 2026, 29 Jan 2026, 5 Feb 2026 and 2 more"
    )
    assert _dates(eight[:6]) == (
        "1 Jan 2026, 8 Jan 2026, 15 Jan 2026, 22 Jan 2026, 29 Jan 2026, 5 Feb 2026"
    )
    assert _dates(eight[:7]).endswith("5 Feb 2026 and 1 more")


def test_due_sentences_per_schedule_rule():
    s3 = run(active_record(infusions_=infusions(count=3), holds=(hold("2026-03-01"),)))
    assert s3.flag_texts["ASSESSMENT_OVERDUE"] == (
        "The next LVEF scan was due on 5 Jan 2026 (on hold for the heart with no LVEF yet: due "
        "at the first infusion) and is overdue. Book it as soon as possible. [S3, S6]"
    )
    ended = course(infusions=infusions(count=7), end="2026-05-11")
    s4 = run(record([ended], [B, lvef("2026-03-18", 46)]), "2026-06-10")
    assert s4.flag_texts["ASSESSMENT_OVERDUE"] == (
        "The next LVEF scan was due on 8 Jun 2026 (the end-of-treatment assessment) and is "
        "overdue. Book it as soon as possible. [S4, S6]"
    )
    s1 = run(record([course("2026-07-01")], [lvef("2026-05-01", 60)]), "2026-07-25")
    assert s1.flag_texts["ASSESSMENT_DUE_SOON"] == (
        "The next LVEF scan is due on 1 Aug 2026 (3 months after the LVEF of 60% on 1 May "
        "2026). Check that it is booked. [S1, S6]"
    )
    s2 = run(active_record())
    assert s2.flag_texts["ASSESSMENT_OVERDUE"] == (
        "The next LVEF scan was due on 5 Jan 2026 (no baseline LVEF: due before or at the first "
        "infusion) and is overdue. Book it as soon as possible. [S2, S6]"
    )


def test_infusion_check_sentences():
    from decimal import Decimal

    from tracker.monitoring import Infusion, infusion_checks

    c = course(infusions=infusions(count=3))
    rec = record([c], [B, lvef("2026-03-01", 61)])
    late = Infusion(date(2026, 3, 30), Decimal(420))
    (reload,) = infusion_checks(rec, c, late, late.date)[1]
    assert reload.text == (
        "The last infusion was on 16 Feb 2026; from 17 Mar 2026 the next dose must be a loading "
        "dose. EU SmPC: the next trastuzumab dose is a loading dose: 4 mg/kg weekly or 8 mg/kg "
        "three-weekly, over 90 minutes. This infusion is not marked as a loading dose. [D1]"
    )
    held = course(infusions=infusions(count=3), holds=(hold("2026-03-01", reason="other"),))
    rec = record([held], [B, lvef("2026-02-20", 45)])
    day_ = Infusion(date(2026, 3, 5), Decimal(420), duration_minutes=30)
    texts = {w.code: w.text for w in infusion_checks(rec, held, day_, day_.date)[1]}
    assert texts["RECOMMENDATION_HOLD"] == (
        "The recommendation is not to give this dose. Hold: LVEF fell 17 points from the "
        "baseline of 62% (20 Feb 2026). US label: withhold for a fall of 16 points or more. [H1]"
    )
    assert texts["INFUSION_DURING_HOLD"] == (
        "The date falls inside a treatment hold (other) that started on 1 Mar 2026 and is "
        "still open: an infusion during a hold is flagged. [H5]"
    )
    assert "SHORT_FIRST_INFUSION" not in texts  # not the course's first infusion


def test_no_lvef_at_all_is_s2_not_s3():
    status = run(active_record())
    assert (status.schedule_rule, status.next_assessment_due) == ("S2", date(2026, 1, 5))


def test_baseline_missing_sentences():
    with_f = run(active_record())
    assert with_f.flag_texts["BASELINE_MISSING"] == (
        "No baseline LVEF: no LVEF is recorded from 5 Oct 2025 to the first infusion on "
        "5 Jan 2026. Arrange a scan now. US label: assess LVEF before the first dose. [B2]"
    )
    planned = run(record([course("2026-07-01")]))
    assert planned.flag_texts["BASELINE_MISSING"] == (
        "No baseline LVEF: no LVEF is recorded since 1 Apr 2026 (3 months before the planned "
        "start on 1 Jul 2026). Arrange a scan now. US label: assess LVEF before the first "
        "dose. [B2]"
    )
