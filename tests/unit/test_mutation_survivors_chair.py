"""Tests for the real gaps among the mutmut survivors of the chair list (issue 12 item 6,
monitoring/chair.py) and the infusion checks (monitoring/checks.py), named by rule id and by the
mutant they kill (docs/testing.md, "Mutation testing"). The chair's and the checks' sentences are
pinned word for word: a nurse reads them before giving a dose."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from tracker.monitoring import Infusion, infusion_checks
from tracker.monitoring.chair import (
    Weight,
    chair_entry,
    loading_dose_advice,
    next_infusion_expected,
)
from tracker.monitoring.rule_settings import RuleSettings
from tracker.monitoring.vocabulary import ChairState

from .builders import course, hold, infusion, infusions, lvef, record
from .test_chair import DAY, B, patient

STOP, CHECK, GO = ChairState.STOP, ChairState.CHECK, ChairState.GO
LOW_LLN = RuleSettings(lln=Decimal(45))


def reasons(entry):
    return [(r.state, r.rule, r.text) for r in entry.reasons]


# --- who is expected ---------------------------------------------------------------------------


def test_next_dose_from_the_last_valid_infusion_before_the_day():
    # next_infusion_expected 9 (`and` -> `or`), 11 (`<` -> `<=`): an infusion entered in error,
    # or one dated on the day itself, does not move the expected date.
    c = course(
        infusions=(infusion("2026-05-11"), infusion("2026-05-25", error=True), infusion(DAY))
    )
    assert next_infusion_expected(c, DAY) == DAY


def test_the_rule_settings_decide_the_state():
    # day_status 6, chair_entry 9 (settings dropped): LVEF 47 with a drop of 15 is below the
    # default LLN of 50 (H1: stop) but at or above an institution's LLN of 45 (continue).
    rec = patient(21, lvefs=(B, lvef("2026-05-20", 47)))
    assert chair_entry(rec, DAY).state == STOP
    assert chair_entry(rec, DAY, LOW_LLN).state == GO


def test_the_entry_names_the_patient_and_the_course_and_nothing_given_yet():
    # chair_entry 56 (GO reason state), 65, 66 (given_on_day), 69 (key), 75 (course).
    rec = patient(21)
    entry = chair_entry(rec, DAY)
    assert entry.key == rec.key
    assert entry.course == rec.courses[0]
    assert entry.given_on_day is False
    assert [r.state for r in entry.reasons] == [GO]
    error_on_day = replace(
        rec.courses[0], infusions=(*rec.courses[0].infusions, infusion(DAY, error=True))
    )
    assert chair_entry(replace(rec, courses=(error_on_day,)), DAY).given_on_day is False


# --- stop: H5 and the hold's words ------------------------------------------------------------


def test_h5_an_open_cardiac_hold_names_the_lvef_on_or_before_its_start():
    # hold_trigger 2 (`and` -> `or`: the later recovered LVEF taken), 4 (`<=` -> `<`: the LVEF
    # dated on the hold's start missed); hold_words 1, 2, 6, 7, 15-17; _stop_reasons 50-67
    # (H2: the resume criteria met, the hold still open: a doctor must end it first).
    lvefs = (B, lvef("2026-04-20", 44), lvef("2026-05-25", 60))
    entry = chair_entry(patient(21, lvefs=lvefs, holds=(hold("2026-04-20"),)), DAY)
    assert entry.status.recommendation == "may_resume"
    assert reasons(entry) == [
        (
            STOP,
            "H5",
            "On hold for the heart since 20 Apr 2026; the hold is still open. LVEF 44% on "
            "20 Apr 2026 — do not give the next dose until a doctor has reviewed. [H5]",
        ),
        (
            STOP,
            "H2",
            "The resume criteria are met, but the hold is still open: a doctor must end it "
            "before the next dose. [H2]",
        ),
    ]


def test_h5_a_cardiac_hold_without_an_lvef_before_it():
    # hold_trigger 9 (no default: max() of nothing raises); cardiac_hold_words 2-4.
    rec = patient(21, lvefs=(lvef("2026-05-25", 60),), holds=(hold("2026-05-12", "2026-06-05"),))
    assert reasons(chair_entry(rec, DAY))[0] == (
        STOP,
        "H5",
        "On hold for the heart since 12 May 2026; the hold ends on 5 Jun 2026. Do not give the "
        "next dose until a doctor has reviewed. [H5]",
    )


def test_h5_another_reason_hold_and_no_h2_reason_without_may_resume():
    # hold_words 18, 22-24; _stop_reasons 50, 51 (a hold alone adds no H2 reason).
    entry = chair_entry(patient(21, holds=(hold("2026-05-12", "2026-06-05", "other"),)), DAY)
    assert reasons(entry) == [
        (
            STOP,
            "H5",
            "On hold (other reason) since 12 May 2026; the hold ends on 5 Jun 2026. No dose "
            "while it lasts. [H5]",
        )
    ]


# --- check: S6, B2, D1, review ------------------------------------------------------------------

S6_TEXT = (
    "The next LVEF scan was due on 5 Jan 2026 (no baseline LVEF: due before or at the first "
    "infusion) and is overdue. Book it as soon as possible. [S2, S6]"
)
B2_TEXT = (
    "No baseline LVEF: no LVEF is recorded from 5 Oct 2025 to the first infusion on 5 Jan 2026. "
    "Arrange a scan now. US label: assess LVEF before the first dose. [B2]"
)


def test_s6_and_b2_no_baseline_and_the_scan_overdue():
    # _check_reasons 5, 7, 15-28.
    assert reasons(chair_entry(patient(21, lvefs=()), DAY)) == [
        (CHECK, "S6", S6_TEXT),
        (CHECK, "B2", B2_TEXT),
    ]


def test_d1_the_loading_dose_reason_in_words():
    # _check_reasons 32, 35, 44-47.
    assert reasons(chair_entry(patient(29), DAY)) == [
        (
            CHECK,
            "D1",
            "Loading dose due: a loading dose of 8 mg/kg over 90 minutes (no weight recorded: "
            "weigh the patient). The last infusion was on 3 May 2026, 29 days before. [D1]",
        )
    ]


def test_review_pending_reason():
    # _check_reasons 49, 50, 55-57, 60.
    assert reasons(chair_entry(patient(21), DAY, review_pending=True)) == [
        (
            CHECK,
            "H2-H5",
            "The recommendation (continue treatment) waits for an oncologist's review.",
        )
    ]


def test_d1_loading_dose_advice_without_a_reload_rule_and_half_mg_rounding():
    # loading_dose_advice 10, 12: an agent without a reload rule (T-DXd) has no advice ("").
    assert loading_dose_advice(course(agent="trastuzumab_deruxtecan"), None) == ""
    # 18, 20: half a milligram rounds up (4 mg/kg x 70.125 kg = 280.5 mg -> 281 mg).
    advice = loading_dose_advice(
        course(schedule="weekly"), Weight(date(2026, 4, 1), Decimal("70.125"))
    )
    assert advice == (
        "a loading dose of 4 mg/kg over 90 minutes: 281 mg at the last weight, 70.125 kg "
        "(1 Apr 2026)"
    )


# --- infusion checks --------------------------------------------------------------------------


def test_infusion_checks_use_the_settings_and_mark_a_hold_recommendation_as_danger():
    # infusion_checks 7 (settings dropped), 15, 19, 33 (danger of RECOMMENDATION_HOLD).
    c = course(infusions=infusions(count=3))
    rec = record([c], [lvef("2025-12-20", 62), lvef("2026-03-01", 47)])
    proposed = Infusion(date(2026, 3, 9), Decimal(420))
    _, warnings = infusion_checks(rec, c, proposed, proposed.date)
    assert [(w.code, w.rule, w.danger) for w in warnings] == [("RECOMMENDATION_HOLD", "H1", True)]
    assert infusion_checks(rec, c, proposed, proposed.date, LOW_LLN)[1] == ()


@pytest.mark.parametrize(
    ("reason", "danger"),
    [pytest.param("cardiac", True, id="cardiac-red"), pytest.param("other", False, id="other")],
)
def test_infusion_checks_rules_and_danger_of_each_warning(reason, danger):
    # infusion_checks 37, 44, 45 (S6), 82, 89, 90 (B2), 131, 133, 137, 140, 141 (H5 and its
    # danger: red inside a cardiac hold only), 159, 166, 167 (D1 short first infusion).
    c = course("2026-03-01", holds=(hold("2026-03-01", reason=reason),))
    rec = record([c], [])
    first = Infusion(date(2026, 3, 2), Decimal(600), loading_dose=True, duration_minutes=30)
    _, warnings = infusion_checks(rec, c, first, first.date)
    assert [(w.code, w.rule, w.danger) for w in warnings] == [
        ("ASSESSMENT_OVERDUE", "S6", False),
        ("BASELINE_MISSING", "B2", False),
        ("INFUSION_DURING_HOLD", "H5", danger),
        ("SHORT_FIRST_INFUSION", "D1", False),
    ]


def test_infusion_checks_reload_rule_and_sentence():
    # infusion_checks 65, 72, 73 (D1), and the sentence without its citation.
    c = course(infusions=infusions(count=3))
    rec = record([c], [lvef("2025-12-20", 62), lvef("2026-03-01", 61)])
    late = Infusion(date(2026, 3, 30), Decimal(420))
    _, warnings = infusion_checks(rec, c, late, late.date)
    assert [(w.code, w.rule) for w in warnings] == [("RELOAD_DOSE_DUE", "D1")]
    assert warnings[0].text.endswith("This infusion is not marked as a loading dose. [D1]")
    assert warnings[0].text.count("[") == 1


def test_d1_not_the_first_when_an_infusion_is_already_recorded_that_day():
    # infusion_checks 151 (`<=` -> `<`): with a valid infusion already recorded on the same
    # date, the proposed one is not the course's first, so no short-first-infusion warning.
    c = course("2026-03-01", infusions=(infusion("2026-03-02"),))
    rec = record([c], [lvef("2026-02-20", 62)])
    again = Infusion(date(2026, 3, 2), Decimal(600), loading_dose=True, duration_minutes=30)
    assert "SHORT_FIRST_INFUSION" not in [
        w.code for w in infusion_checks(rec, c, again, again.date)[1]
    ]
