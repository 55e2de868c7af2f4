"""The four worked examples of clinical-rules.md (as_of 2026-06-01, LLN 50), every stated field."""

from datetime import date
from decimal import Decimal

from .builders import BASELINE_DAY, example_1, example_2, example_3, example_4, run


def test_example_1_overdue_three_monthly_assessment():
    status = run(example_1())
    assert status.baseline.value == Decimal(62)
    assert status.baseline.date == BASELINE_DAY
    assert status.next_assessment_due == date(2026, 3, 20)
    assert status.assessment_status == "overdue"
    assert status.phase == "active"
    assert status.recommendation == "continue"
    assert status.ctrcd == "none"
    assert status.flags == ("ASSESSMENT_OVERDUE",)


def test_example_2_drop_of_16_not_actioned():
    status = run(example_2())
    assert status.lvef_drop == Decimal(16)
    assert status.ctrcd == "moderate"
    assert status.recommendation == "hold"
    assert status.next_assessment_due == date(2026, 6, 18)
    assert status.assessment_status == "ok"
    assert status.flags == ("HOLD_NOT_ACTIONED", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA")
    assert status.hold_not_actioned_dates == (
        date(2026, 3, 30),
        date(2026, 4, 20),
        date(2026, 5, 11),
    )
    assert status.recommendation_reason == (
        "H3: LVEF 46% is 16 points below baseline 62% (US label: hold for a drop of 16 or more)."
    )


def test_example_3_held_and_recovered():
    status = run(example_3())
    assert status.phase == "held"
    assert status.latest.value == Decimal(55)  # R
    assert status.lvef_drop == Decimal(7)
    assert status.hold_age_days == 73
    assert status.recommendation == "may_resume"
    assert status.next_assessment_due == date(2026, 5, 18)  # S3
    assert status.schedule_rule == "S3"
    assert status.assessment_status == "overdue"
    assert status.flags == ("ASSESSMENT_OVERDUE", "RESUME_CRITERIA_MET")


def test_example_4_ac_regimen_before_trastuzumab():
    status = run(example_4())
    assert status.doxorubicin_equivalent_mg_m2 == Decimal(240)
    assert status.cotreatment_risk == "high"
    assert status.flags == (
        "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
        "ANTHRACYCLINE_EXPOSURE",
        "ASSESSMENT_OVERDUE",
        "CYCLOPHOSPHAMIDE_EXPOSURE",
    )


def test_example_4_variant_baseline_during_the_anthracycline():
    status = run(example_4(baseline_day="2025-10-15"))
    assert status.baseline.date == date(2025, 10, 15)  # within 3 months of F
    assert status.next_assessment_due == date(2026, 1, 15)
    assert status.assessment_status == "overdue"
    assert status.flags == (
        "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
        "ANTHRACYCLINE_EXPOSURE",
        "ASSESSMENT_OVERDUE",
        "BASELINE_BEFORE_ANTHRACYCLINE",
        "CYCLOPHOSPHAMIDE_EXPOSURE",
    )
