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
