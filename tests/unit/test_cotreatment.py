"""C1-C7: co-treatment risk."""

from decimal import Decimal

import pytest

from .builders import (
    BASELINE_DAY,
    F,
    active_record,
    cotreatment,
    course,
    infusion,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)
C_FLAGS = {
    "ANTHRACYCLINE_EXPOSURE",
    "CYCLOPHOSPHAMIDE_EXPOSURE",
    "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
    "CONCURRENT_ANTHRACYCLINE",
    "HIGH_CUMULATIVE_ANTHRACYCLINE",
    "ANTHRACYCLINE_DOSE_UNKNOWN",
    "ANTHRACYCLINE_AFTER_HER2",
}


def with_cotreatments(*cotreatments, rec=None):
    status = run(active_record(B, cotreatments=cotreatments) if rec is None else rec)
    return status, set(status.flags) & C_FLAGS


# --- C1-C3, C7 -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cotreatments", "flags", "risk"),
    [
        pytest.param((), set(), "none", id="none"),
        pytest.param(
            (cotreatment("epirubicin", "2025-06-01", "2025-08-01", 200),),
            {"ANTHRACYCLINE_EXPOSURE"},
            "elevated",
            id="c1-anthracycline-elevated",
        ),
        pytest.param(
            (cotreatment("cyclophosphamide", "2025-06-01", "2025-08-01", 2400),),
            {"CYCLOPHOSPHAMIDE_EXPOSURE"},
            "elevated",
            id="c2-cyclophosphamide-elevated",
        ),
        pytest.param(
            (
                cotreatment("doxorubicin", "2020-01-01", "2020-03-01", 100),
                cotreatment("cyclophosphamide", "2025-06-01", "2025-08-01", 2400),
            ),
            {
                "ANTHRACYCLINE_EXPOSURE",
                "CYCLOPHOSPHAMIDE_EXPOSURE",
                "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
            },
            "high",
            id="c3-both-at-different-times-high",
        ),
        pytest.param(
            (cotreatment("idarubicin", "2025-06-01"),),
            {"ANTHRACYCLINE_EXPOSURE", "ANTHRACYCLINE_DOSE_UNKNOWN"},
            "elevated",
            id="c5-dose-unknown-is-not-high",
        ),
    ],
)
def test_exposure_and_risk(cotreatments, flags, risk):
    status, raised = with_cotreatments(*cotreatments)
    assert raised == flags
    assert status.cotreatment_risk == risk


def test_cotreatment_flags_with_no_course():
    status = run(record(cotreatments=[cotreatment("doxorubicin", "2025-01-01", None, 300)]))
    assert status.phase == "no_course"
    assert {"ANTHRACYCLINE_EXPOSURE", "HIGH_CUMULATIVE_ANTHRACYCLINE"} <= set(status.flags)
    assert status.cotreatment_risk == "high"


# --- C4 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "concurrent"),
    [
        pytest.param("2025-11-01", "2026-01-04", False, id="ends-day-before-F"),
        pytest.param("2025-11-01", F, True, id="ends-on-F"),
        pytest.param("2026-03-01", None, True, id="single-date-during-exposure"),
        pytest.param("2026-06-01", None, True, id="starts-on-as_of-course-not-ended"),
        pytest.param("2025-11-01", None, False, id="single-date-before-F"),
    ],
)
def test_c4_concurrent_with_current_course(start, end, concurrent):
    status, raised = with_cotreatments(cotreatment("doxorubicin", start, end, 100))
    assert ("CONCURRENT_ANTHRACYCLINE" in raised) is concurrent
    assert status.cotreatment_risk == ("high" if concurrent else "elevated")


@pytest.mark.parametrize(
    ("start", "concurrent"),
    [
        pytest.param("2025-05-11", True, id="on-old-course-end"),
        pytest.param("2025-05-12", False, id="day-after-old-course-end"),
    ],
)
def test_c4_any_course(start, concurrent):
    old = course("2025-01-06", infusions=infusions("2025-01-06", 5), end="2025-05-11")
    current = course("2026-07-01")
    rec = record([old, current], [B], [cotreatment("doxorubicin", start, None, 100)])
    _, raised = with_cotreatments(rec=rec)
    assert ("CONCURRENT_ANTHRACYCLINE" in raised) is concurrent


def test_c4_course_end_after_as_of_exposure_runs_to_as_of():
    c = course(infusions=infusions(), end="2026-12-31")
    rec = record([c], [B], [cotreatment("doxorubicin", "2026-05-30", None, 100)])
    assert "CONCURRENT_ANTHRACYCLINE" in run(rec).flags


def test_c4_course_without_infusions_has_no_exposure():
    rec = record([course("2026-01-05")], [B], [cotreatment("doxorubicin", "2026-02-01", None, 100)])
    assert "CONCURRENT_ANTHRACYCLINE" not in run(rec).flags


def test_c4_ignores_cyclophosphamide():
    _, raised = with_cotreatments(cotreatment("cyclophosphamide", "2026-03-01", None, 600))
    assert raised == {"CYCLOPHOSPHAMIDE_EXPOSURE"}


# --- C5 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "dose", "equivalent", "high"),
    [
        pytest.param("doxorubicin", "249.9", "249.9", False, id="doxorubicin-249.9"),
        pytest.param("doxorubicin", "250", "250", True, id="doxorubicin-250"),
        pytest.param("epirubicin", "312.4", "249.92", False, id="epirubicin-312.4-x0.8"),
        pytest.param("epirubicin", "312.5", "250", True, id="epirubicin-312.5-x0.8"),
        pytest.param("daunorubicin", "416.6", "249.96", False, id="daunorubicin-x0.6-below"),
        pytest.param("daunorubicin", "416.7", "250.02", True, id="daunorubicin-x0.6-above"),
        pytest.param("idarubicin", "49.9", "249.5", False, id="idarubicin-x5-below"),
        pytest.param("idarubicin", "50", "250", True, id="idarubicin-x5-at"),
        pytest.param("mitoxantrone", "23.8", "249.9", False, id="mitoxantrone-x10.5-below"),
        pytest.param("mitoxantrone", "23.81", "250.005", True, id="mitoxantrone-x10.5-above"),
    ],
)
def test_c5_threshold_with_factors(drug, dose, equivalent, high):
    status, raised = with_cotreatments(cotreatment(drug, "2025-06-01", "2025-08-01", dose))
    assert status.doxorubicin_equivalent_mg_m2 == Decimal(equivalent)
    assert ("HIGH_CUMULATIVE_ANTHRACYCLINE" in raised) is high
    assert status.cotreatment_risk == ("high" if high else "elevated")


def test_c5_sums_records_and_skips_missing_doses_and_cyclophosphamide():
    status, raised = with_cotreatments(
        cotreatment("doxorubicin", "2025-05-01", "2025-06-01", 150),
        cotreatment("epirubicin", "2025-07-01", "2025-08-01", 125),
        cotreatment("daunorubicin", "2025-09-01"),
        cotreatment("cyclophosphamide", "2025-05-01", "2025-06-01", 2400),
    )
    assert status.doxorubicin_equivalent_mg_m2 == Decimal(250)
    assert {"HIGH_CUMULATIVE_ANTHRACYCLINE", "ANTHRACYCLINE_DOSE_UNKNOWN"} <= raised


def test_c5_no_anthracycline_is_zero():
    status, _ = with_cotreatments(cotreatment("cyclophosphamide", "2025-05-01", None, 2400))
    assert status.doxorubicin_equivalent_mg_m2 == 0


# --- C6 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "start", "flagged"),
    [
        pytest.param("2025-05-31", "2025-12-31", True, id="exactly-7-months"),
        pytest.param("2025-05-31", "2026-01-01", False, id="7-months-and-a-day"),
        pytest.param("2025-07-31", "2026-02-28", True, id="month-end-clamped-7-months"),
        pytest.param("2025-07-31", "2026-03-01", False, id="month-end-plus-a-day"),
        pytest.param("2025-05-31", "2025-06-01", True, id="day-after"),
    ],
)
def test_c6_anthracycline_after_her2(last, start, flagged):
    old = course("2025-01-06", infusions=(infusion("2025-01-06"), infusion(last)), end=last)
    current = course("2026-07-01")
    rec = record([old, current], [B], [cotreatment("doxorubicin", start, None, 100)])
    _, raised = with_cotreatments(rec=rec)
    assert ("ANTHRACYCLINE_AFTER_HER2" in raised) is flagged


def test_c6_not_before_any_infusion():
    _, raised = with_cotreatments(cotreatment("doxorubicin", "2025-09-01", "2025-11-10", 240))
    assert "ANTHRACYCLINE_AFTER_HER2" not in raised


def test_c6_same_day_as_the_only_infusion_is_not_after():
    rec = record([course(infusions=(infusion(F),))], [B], [cotreatment("doxorubicin", F, None, 60)])
    _, raised = with_cotreatments(rec=rec)
    assert "ANTHRACYCLINE_AFTER_HER2" not in raised
    assert "CONCURRENT_ANTHRACYCLINE" in raised


def test_c6_last_infusion_before_the_start_counts_not_later_ones():
    # Started 2026-03-01, after the infusions of 01-05 .. 02-16; later infusions do not matter.
    _, raised = with_cotreatments(cotreatment("doxorubicin", "2026-03-01", None, 60))
    assert "ANTHRACYCLINE_AFTER_HER2" in raised


def test_c6_ignores_infusions_entered_in_error():
    old = course(
        "2025-01-06",
        infusions=(infusion("2025-01-06"), infusion("2025-05-31", error=True)),
        end="2025-05-31",
    )
    rec = record(
        [old, course("2026-07-01")], [B], [cotreatment("doxorubicin", "2025-09-01", None, 60)]
    )
    _, raised = with_cotreatments(rec=rec)
    assert "ANTHRACYCLINE_AFTER_HER2" not in raised  # 2025-01-06 + 7 months = 2025-08-06
