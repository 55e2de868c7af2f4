"""infusion_checks: the warnings shown before recording an infusion (issue 10 item 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tracker.monitoring import Infusion, infusion_checks

from .builders import active_record, course, hold, infusion, infusions, lvef, record


def codes(warnings):
    return [w.code for w in warnings]


def test_no_warnings_for_a_routine_dose():
    rec = active_record(
        lvef("2025-12-20", 62), lvef("2026-03-01", 61), infusions_=infusions(count=3)
    )
    proposed = Infusion(date(2026, 3, 9), Decimal(420))
    status, warnings = infusion_checks(rec, rec.courses[0], proposed, proposed.date)
    assert status.as_of == proposed.date
    assert warnings == ()


def test_hold_recommended_overdue_reload_and_inside_a_hold():
    c = course(
        infusions=infusions(count=3),  # 01-05, 01-26, 02-16
        holds=(hold("2026-04-01", reason="other"),),
    )
    rec = record([c], [lvef("2025-12-20", 62), lvef("2026-03-01", 45)])
    proposed = Infusion(date(2026, 4, 10), Decimal(420))
    status, warnings = infusion_checks(rec, c, proposed, proposed.date)
    assert codes(warnings) == [
        "RECOMMENDATION_HOLD",
        "ASSESSMENT_OVERDUE",
        "INFUSION_DURING_HOLD",
    ]
    assert warnings[0].rule == "H1"
    assert "is still open" in warnings[2].text and "1 Apr 2026" in warnings[2].text
    # Phase held: no reload check (D1 is for phase active).
    assert status.phase == "held"


def test_reload_due_unless_marked_loading():
    c = course(infusions=infusions(count=3))
    rec = record([c], [lvef("2025-12-20", 62), lvef("2026-03-01", 61)])
    late = Infusion(date(2026, 3, 30), Decimal(420))  # 42 days after 02-16
    _, warnings = infusion_checks(rec, c, late, late.date)
    assert "RELOAD_DOSE_DUE" in codes(warnings)
    assert "not marked as a loading dose" in warnings[-1].text
    loading = Infusion(date(2026, 3, 30), Decimal(840), loading_dose=True)
    assert "RELOAD_DOSE_DUE" not in codes(infusion_checks(rec, c, loading, loading.date)[1])


def test_missing_baseline_and_short_first_infusion():
    c = course("2026-03-01")
    rec = record([c], [])
    first = Infusion(date(2026, 3, 2), Decimal(600), loading_dose=True, duration_minutes=30)
    _, warnings = infusion_checks(rec, c, first, first.date)
    # S1: due at the planned start (03-01), so overdue on 03-02.
    assert codes(warnings) == ["ASSESSMENT_OVERDUE", "BASELINE_MISSING", "SHORT_FIRST_INFUSION"]
    assert "over 30 minutes" in warnings[2].text
    ninety = Infusion(date(2026, 3, 2), Decimal(600), loading_dose=True, duration_minutes=90)
    assert "SHORT_FIRST_INFUSION" not in codes(infusion_checks(rec, c, ninety, ninety.date)[1])


def test_discontinue_recommended_and_closed_hold():
    closed = tuple(
        hold(s, e)
        for s, e in (
            ("2026-01-10", "2026-01-12"),
            ("2026-01-30", "2026-02-01"),
            ("2026-02-20", "2026-02-22"),
            ("2026-03-12", "2026-03-14"),
        )
    )
    c = course(infusions=infusions(count=4), holds=closed)
    rec = record([c], [lvef("2025-12-20", 62)])
    proposed = Infusion(date(2026, 3, 13), Decimal(420))
    _, warnings = infusion_checks(rec, c, proposed, proposed.date)
    assert codes(warnings)[0] == "RECOMMENDATION_DISCONTINUE"
    assert warnings[0].rule == "H4"
    inside = [w for w in warnings if w.code == "INFUSION_DURING_HOLD"][0]
    assert "ends on 14 Mar 2026" in inside.text


def test_infusion_in_error_does_not_count_as_first():
    c = course("2026-03-01", infusions=(infusion("2026-03-01", error=True),))
    rec = record([c], [lvef("2026-02-20", 62)])
    proposed = Infusion(date(2026, 3, 2), Decimal(600), duration_minutes=60)
    assert "SHORT_FIRST_INFUSION" in codes(infusion_checks(rec, c, proposed, proposed.date)[1])
