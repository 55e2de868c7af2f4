"""B1-B4: the baseline LVEF."""

from datetime import date
from decimal import Decimal

import pytest

from tracker.monitoring import RuleSettings

from .builders import (
    BASELINE_DAY,
    F,
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


# B1 with F = 2026-01-05: the window is 2025-10-05 .. 2026-01-05, both included.
@pytest.mark.parametrize(
    ("when", "is_baseline"),
    [
        pytest.param("2025-10-04", False, id="3-months-and-a-day-before-F"),
        pytest.param("2025-10-05", True, id="exactly-3-months-before-F"),
        pytest.param("2026-01-05", True, id="on-F"),
        pytest.param("2026-01-06", False, id="day-after-F"),
    ],
)
def test_b1_window_around_f(when, is_baseline):
    status = run(active_record(lvef(when, 62)))
    assert (status.baseline is not None) is is_baseline
    assert ("BASELINE_MISSING" in status.flags) is not is_baseline


@pytest.mark.parametrize(
    ("when", "is_baseline"),
    [
        pytest.param("2026-02-27", False, id="day-before-clamped-window"),
        pytest.param("2026-02-28", True, id="31-may-minus-3-months-is-28-feb"),
    ],
)
def test_b1_window_month_end(when, is_baseline):
    rec = record([course("2026-05-31", infusions=(infusion("2026-05-31"),))], [lvef(when, 62)])
    assert (run(rec).baseline is not None) is is_baseline


def test_b1_most_recent_in_window():
    status = run(
        active_record(lvef("2025-11-01", 58), lvef(BASELINE_DAY, 62), lvef("2026-03-01", 60))
    )
    assert status.baseline.value == Decimal(62)
    assert status.latest.value == Decimal(60)


# B1 without F: on or after planned start - 3 months (2026-04-01), no upper bound but as_of.
@pytest.mark.parametrize(
    ("when", "is_baseline"),
    [
        pytest.param("2026-03-31", False, id="day-before-window"),
        pytest.param("2026-04-01", True, id="planned-start-minus-3-months"),
        pytest.param("2026-05-31", True, id="before-planned-start"),
    ],
)
def test_b1_without_f(when, is_baseline):
    status = run(record([course("2026-07-01")], [lvef(when, 62)]))
    assert (status.baseline is not None) is is_baseline


def test_b1_without_f_allows_measurements_after_the_planned_start():
    status = run(record([course("2026-05-01")], [lvef("2026-05-20", 62)]), "2026-05-25")
    assert status.baseline.date == date(2026, 5, 20)


def test_no_course_has_no_baseline():
    assert run(record(lvefs=[lvef("2026-05-01", 62)])).baseline is None


# B2 only in phases planned, active and held.
@pytest.mark.parametrize(
    ("rec", "flagged"),
    [
        pytest.param(record([course("2026-07-01")]), True, id="planned"),
        pytest.param(record([course(infusions=infusions())]), True, id="active"),
        pytest.param(
            record([course(infusions=infusions(), holds=(hold("2026-05-20"),))]), True, id="held"
        ),
        pytest.param(
            record([course(infusions=infusions(), end="2026-05-11")]), False, id="completed"
        ),
        pytest.param(
            record([course(infusions=infusions(), end="2026-05-11", end_reason="discontinued")]),
            False,
            id="discontinued",
        ),
        pytest.param(
            record(
                [course(intent="metastatic", infusions=infusions(), end="2026-05-11")],
                [lvef("2026-05-20", 60)],
            ),
            False,
            id="surveillance_complete",
        ),
        pytest.param(record(), False, id="no_course"),
    ],
)
def test_b2_baseline_missing_by_phase(rec, flagged):
    status = run(rec)
    assert status.baseline is None
    assert ("BASELINE_MISSING" in status.flags) is flagged


@pytest.mark.parametrize(
    ("value", "lln", "flagged"),
    [
        pytest.param("49.9", "50", True, id="49.9-below-50"),
        pytest.param("50.0", "50", False, id="50.0-at-50"),
        pytest.param("50.1", "50", False, id="50.1-above-50"),
        pytest.param("54.9", "55", True, id="54.9-below-lln-55"),
        pytest.param("55.0", "55", False, id="55.0-at-lln-55"),
    ],
)
def test_b3_baseline_below_lln(value, lln, flagged):
    status = run(active_record(lvef(BASELINE_DAY, value)), settings=RuleSettings(lln=Decimal(lln)))
    assert ("BASELINE_BELOW_LLN" in status.flags) is flagged


def test_b3_also_in_completed_phase():
    rec = record([course(infusions=infusions(), end="2026-05-11")], [lvef(BASELINE_DAY, 45)])
    assert "BASELINE_BELOW_LLN" in run(rec).flags


# B4: anthracycline ended on or before F, with B dated before its end.
@pytest.mark.parametrize(
    ("baseline_day", "anthracycline", "flagged"),
    [
        pytest.param(
            "2025-11-09", ("2025-09-01", "2025-11-10"), True, id="baseline-day-before-its-end"
        ),
        pytest.param("2025-11-10", ("2025-09-01", "2025-11-10"), False, id="baseline-on-its-end"),
        pytest.param(
            "2025-10-15", ("2025-09-01", None), False, id="no-end-uses-start-baseline-after"
        ),
        pytest.param(
            "2025-10-15", ("2025-11-01", None), True, id="no-end-uses-start-baseline-before"
        ),
        pytest.param("2025-12-20", ("2025-12-21", F), True, id="anthracycline-ends-on-F"),
        pytest.param("2025-12-20", ("2025-12-21", "2026-01-06"), False, id="ends-after-F"),
    ],
)
def test_b4_baseline_before_anthracycline(baseline_day, anthracycline, flagged):
    start, end = anthracycline
    rec = active_record(
        lvef(baseline_day, 62), cotreatments=[cotreatment("epirubicin", start, end, 300)]
    )
    assert ("BASELINE_BEFORE_ANTHRACYCLINE" in run(rec).flags) is flagged


def test_b4_warns_before_the_first_infusion():
    # v2 B4: without F, any anthracycline started on or before as_of whose end came after B.
    rec = record(
        [course("2026-07-01")],
        [lvef("2026-04-15", 62)],
        [cotreatment("doxorubicin", "2026-03-01", "2026-05-01", 240)],
    )
    assert "BASELINE_BEFORE_ANTHRACYCLINE" in run(rec).flags
    after = record(rec.courses, [lvef("2026-05-01", 62)], rec.cotreatments)
    assert "BASELINE_BEFORE_ANTHRACYCLINE" not in run(after).flags  # dated on the end: not before


def test_b4_ignores_cyclophosphamide():
    rec = active_record(
        lvef("2025-10-15", 62),
        cotreatments=[cotreatment("cyclophosphamide", "2025-09-01", "2025-11-10", 2400)],
    )
    assert "BASELINE_BEFORE_ANTHRACYCLINE" not in run(rec).flags
