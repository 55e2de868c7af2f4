"""Section 0: as_of filtering, entered-in-error records, ties."""

from datetime import date
from decimal import Decimal

import pytest

from .builders import (
    AS_OF,
    BASELINE_DAY,
    F,
    active_record,
    cotreatment,
    course,
    example_1,
    hold,
    infusion,
    infusions,
    lvef,
    record,
    run,
)

TOMORROW = date(2026, 6, 2)


# --- records dated after as_of are ignored ---------------------------------------------------


def test_infusion_after_as_of_is_ignored():
    status = run(record([course("2026-05-01", infusions=(infusion(TOMORROW),))]))
    assert status.phase == "planned"
    assert status.first_infusion is None


def test_infusion_on_as_of_counts():
    status = run(record([course("2026-05-01", infusions=(infusion(AS_OF),))]))
    assert status.phase == "active"
    assert status.first_infusion == AS_OF


def test_lvef_after_as_of_is_ignored():
    status = run(active_record(lvef(BASELINE_DAY, 62), lvef(TOMORROW, 30)))
    assert status.latest.date == BASELINE_DAY
    assert "LVEF_SEVERE" not in status.flags


def test_hold_starting_after_as_of_is_ignored():
    status = run(active_record(lvef(BASELINE_DAY, 62), holds=(hold(TOMORROW),)))
    assert status.phase == "active"


def test_cotreatment_starting_after_as_of_is_ignored():
    status = run(
        active_record(lvef(BASELINE_DAY, 62), cotreatments=[cotreatment("doxorubicin", TOMORROW)])
    )
    assert status.cotreatment_risk == "none"
    assert "ANTHRACYCLINE_EXPOSURE" not in status.flags


def test_course_end_after_as_of_means_not_ended():
    status = run(active_record(lvef("2026-05-20", 62), end=TOMORROW))
    assert status.phase == "active"
    assert status.end_date is None


def test_course_counts_whatever_its_planned_start():
    # The latest planned start is current even though it lies after as_of (once the earlier
    # course has ended: v2 section 0 passes over a course not started while one is running).
    old = course("2025-01-06", infusions=infusions("2025-01-06", 10), end="2025-07-01")
    new = course("2026-09-01")
    status = run(record([old, new], [lvef("2026-05-01", 60)]))
    assert status.course == new
    assert status.phase == "planned"


# --- entered in error: ignored everywhere ----------------------------------------------------


def test_course_entered_in_error_is_ignored():
    rec = record([course(infusions=infusions()), course("2026-03-01", error=True)])
    status = run(record(rec.courses, [lvef(BASELINE_DAY, 62)]))
    assert status.course.planned_start == F
    assert status.phase == "active"
    assert run(record([course(error=True)])).phase == "no_course"


def test_infusion_entered_in_error_is_ignored():
    inf = (infusion("2026-01-05", error=True), infusion("2026-01-26"))
    status = run(active_record(lvef("2025-10-20", 62), infusions_=inf))
    # F is 01-26, so the window starts 2025-10-26 and the LVEF of 10-20 is no baseline.
    assert status.first_infusion == date(2026, 1, 26)
    assert status.baseline is None


def test_lvef_entered_in_error_is_ignored():
    status = run(active_record(lvef(BASELINE_DAY, 62), lvef("2026-03-18", 30, error=True)))
    assert status.latest.value == Decimal(62)
    assert status.flags == ("ASSESSMENT_OVERDUE",)


def test_hold_entered_in_error_is_ignored():
    status = run(active_record(lvef(BASELINE_DAY, 62), holds=(hold("2026-05-20", error=True),)))
    assert status.phase == "active"
    assert "INFUSION_DURING_HOLD" not in status.flags


def test_cotreatment_entered_in_error_is_ignored():
    rec = active_record(
        lvef(BASELINE_DAY, 62), cotreatments=[cotreatment("doxorubicin", "2025-01-01", error=True)]
    )
    assert run(rec).cotreatment_risk == "none"


# --- ties ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("measurements", "expected"),
    [
        pytest.param(
            [lvef("2026-03-18", 46, sequence=2), lvef("2026-03-18", 60, sequence=1)],
            Decimal(46),
            id="higher-sequence-wins-listed-first",
        ),
        pytest.param(
            [lvef("2026-03-18", 60, sequence=1), lvef("2026-03-18", 46, sequence=2)],
            Decimal(46),
            id="higher-sequence-wins-listed-last",
        ),
        pytest.param(
            [lvef("2026-03-18", 60), lvef("2026-03-18", 46)],
            Decimal(46),
            id="equal-sequence-listed-later-wins",
        ),
    ],
)
def test_lvef_ties_by_sequence(measurements, expected):
    status = run(active_record(lvef(BASELINE_DAY, 62), *measurements))
    assert status.latest.value == expected


def test_lvef_tie_applies_to_baseline_too():
    both = [lvef(F, 70, sequence=5), lvef(F, 61, sequence=9)]
    assert run(active_record(*both)).baseline.value == Decimal(61)


def test_course_ties_by_sequence():
    first = course(sequence=1, intent="metastatic")
    second = course(sequence=2, intent="adjuvant")
    assert run(record([second, first])).course == second
    assert run(record([first, second])).course == second


def test_course_tie_with_equal_sequence_later_recorded_wins():
    first = course(intent="metastatic")
    second = course(intent="neoadjuvant")
    assert run(record([first, second])).course == second


def test_baseline_example_still_holds():
    assert run(example_1()).baseline.value == Decimal(62)
