"""The seven worked examples of clinical-rules.md v2 (as_of 2026-06-01, LLN 50, us_label), with
every value each one lists."""

from datetime import date
from decimal import Decimal

from .builders import (
    BASELINE_DAY,
    course,
    example_1,
    example_2,
    example_3,
    example_4,
    hold,
    infusion,
    infusions,
    lvef,
    record,
    run,
)


def test_example_1_overdue_three_monthly_assessment():
    status = run(example_1())
    assert status.first_infusion == date(2026, 1, 5)
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
    # v2 S3: the repeat is due 4 weeks after the hold-level decline, recorded hold or not.
    assert status.next_assessment_due == date(2026, 4, 15)
    assert status.schedule_rule == "S3"
    assert status.assessment_status == "overdue"
    assert status.flags == (
        "ASSESSMENT_OVERDUE",
        "HOLD_NOT_ACTIONED",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
    )
    assert status.hold_not_actioned_dates == (
        date(2026, 3, 30),
        date(2026, 4, 20),
        date(2026, 5, 11),
    )
    # The issue's own example sentence, word for word.
    assert status.recommendation_reason == (
        "Hold: LVEF fell 16 points from the baseline of 62% (18 Mar 2026). US label: withhold "
        "for a fall of 16 points or more. [H1]"
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
    assert status.baseline.value == Decimal(62)
    assert status.baseline.modality == "echo"
    assert status.next_assessment_due == date(2026, 1, 15)
    assert status.assessment_status == "overdue"
    assert status.flags == (
        "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
        "ANTHRACYCLINE_EXPOSURE",
        "ASSESSMENT_OVERDUE",
        "BASELINE_BEFORE_ANTHRACYCLINE",
        "CYCLOPHOSPHAMIDE_EXPOSURE",
    )


def example_5(*extra):
    c = course(infusions=infusions(count=4), holds=(hold("2026-03-20"),))
    return record(
        [c], [lvef(BASELINE_DAY, 62), lvef("2026-03-18", 46), lvef("2026-03-22", 47), *extra]
    )


def test_example_5_repeat_two_days_into_the_hold_is_not_persistent():
    status = run(example_5())
    assert status.phase == "held"
    assert status.latest.value == Decimal(47)  # R, not recovered: below LLN
    assert status.hold_age_days == 73
    assert status.recommendation == "hold"
    assert status.next_assessment_due == date(2026, 4, 19)  # S3
    assert status.assessment_status == "overdue"
    assert status.ctrcd == "moderate"
    assert status.flags == ("ASSESSMENT_OVERDUE", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA")


def test_example_5_further_repeat_61_days_after_the_start_is_persistent():
    status = run(example_5(lvef("2026-05-20", 47)))
    assert status.recommendation == "discontinue"
    assert status.next_assessment_due == date(2026, 6, 17)
    assert status.assessment_status == "ok"
    assert status.flags == ("LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA", "PERSISTENT_DECLINE")
    assert status.recommendation_reason.startswith("Discontinue: LVEF 47% (20 May 2026), 61 days")
    assert status.recommendation_reason.endswith("[H2]")


def test_example_6_switch_iv_to_sc_keeps_the_episode_baseline():
    iv = course(infusions=infusions(count=7), end="2026-05-11")  # 01-05 .. 05-11, completed
    sc = course("2026-05-20", agent="trastuzumab_sc", infusions=(infusion("2026-05-25"),))
    status = run(record([iv, sc], [lvef(BASELINE_DAY, 62), lvef("2026-05-18", 52)]))
    assert status.course == sc
    assert status.first_infusion == date(2026, 1, 5)  # F of the episode
    assert status.baseline.value == Decimal(62)  # not 52
    assert status.lvef_drop == Decimal(10)
    assert status.phase == "active"
    assert status.recommendation == "continue"
    assert status.next_assessment_due == date(2026, 8, 18)
    assert status.assessment_status == "ok"
    assert status.flags == ()


def example_7(value):
    c = course(
        agent="trastuzumab_deruxtecan",
        intent="metastatic",
        infusions=infusions(count=8),  # 01-05 .. 06-01
    )
    return record([c], [lvef("2026-01-02", 60), lvef("2026-05-20", value)])


def test_example_7_enhertu_12_point_fall_to_48_continues():
    status = run(example_7(48))
    assert status.profile == "trastuzumab_deruxtecan"
    assert status.baseline.value == Decimal(60)
    assert status.lvef_drop == Decimal(12)
    assert status.recommendation == "continue"
    assert status.next_assessment_due == date(2026, 8, 20)
    assert status.assessment_status == "ok"
    assert status.ctrcd == "moderate"
    assert status.flags == ("LVEF_BELOW_LLN",)


def test_example_7_enhertu_44_holds():
    status = run(example_7(44))
    assert status.lvef_drop == Decimal(16)
    assert status.recommendation == "hold"
    assert status.next_assessment_due == date(2026, 6, 10)  # S3, 21 days
    assert status.assessment_status == "due_soon"
    assert status.flags == (
        "ASSESSMENT_DUE_SOON",
        "HOLD_NOT_ACTIONED",
        "LVEF_BELOW_LLN",
        "LVEF_HOLD_CRITERIA",
    )
    assert status.hold_not_actioned_dates == (date(2026, 6, 1),)
    assert "Enhertu US label: withhold at 45% or less" in status.recommendation_reason


def test_example_5_reason_says_how_soon_the_repeat_was():
    assert run(example_5()).recommendation_reason.startswith(
        "Hold: LVEF 47% (22 Mar 2026), 2 days after the hold for the heart started on "
        "20 Mar 2026, has not recovered"
    )
