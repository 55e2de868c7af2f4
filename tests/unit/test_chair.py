"""The chair list's rules (issue 12 item 6, monitoring/chair.py): who is expected on a day and
whether it is safe to dose, at the thresholds (below, at, above)."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tracker.monitoring.chair import (
    GO_TEXT,
    Weight,
    chair_entry,
    next_infusion_expected,
    records_before,
)
from tracker.monitoring.dosing import loading_dose_mg_per_kg
from tracker.monitoring.vocabulary import ChairState

from .builders import BASELINE_DAY, F, course, hold, infusion, lvef, record

DAY = date(2026, 6, 1)
B = lvef(BASELINE_DAY, 62)
RECENT = lvef("2026-05-01", 60)  # S2: due 1 Aug 2026, so the scans are up to date on DAY


def doses(last: date, every: int) -> tuple:
    """Infusions every ``every`` days from F up to ``last`` (no gap breaks the episode)."""
    count = (last - F).days // every
    return tuple(infusion(last - timedelta(days=every * k)) for k in range(count, -1, -1))


def patient(days_ago=21, schedule="every_3_weeks", lvefs=(B, RECENT), **kwargs):
    every = 7 if schedule == "weekly" else 21
    last = DAY - timedelta(days=days_ago)
    kwargs.setdefault("infusions", doses(last, every))
    return record([course(schedule=schedule, **kwargs)], lvefs)


@pytest.mark.parametrize(
    ("schedule", "days_ago", "late"),
    [
        pytest.param("every_3_weeks", 20, None, id="3-weekly-20-days-not-yet"),
        pytest.param("every_3_weeks", 21, 0, id="3-weekly-21-days-due-today"),
        pytest.param("every_3_weeks", 22, 1, id="3-weekly-22-days-1-late"),
        pytest.param("weekly", 6, None, id="weekly-6-days-not-yet"),
        pytest.param("weekly", 7, 0, id="weekly-7-days-due-today"),
        pytest.param("weekly", 8, 1, id="weekly-8-days-1-late"),
        pytest.param("every_3_weeks", 49, 28, id="weeks-late-still-expected"),
    ],
)
def test_expected_from_last_infusion_and_schedule(schedule, days_ago, late):
    entry = chair_entry(patient(days_ago, schedule), DAY)
    if late is None:
        assert entry is None
    else:
        assert entry.days_late == late
        assert entry.expected_on == DAY - timedelta(days=late)


@pytest.mark.parametrize(
    ("planned_offset", "expected"),
    [
        pytest.param(1, False, id="planned-tomorrow"),
        pytest.param(0, True, id="planned-today"),
        pytest.param(-3, True, id="planned-3-days-ago"),
    ],
)
def test_before_the_first_infusion_the_planned_start(planned_offset, expected):
    planned = DAY + timedelta(days=planned_offset)
    rec = record([course(planned, infusions=())], (lvef("2026-05-20", 62),))
    entry = chair_entry(rec, DAY)
    assert (entry is not None) is expected
    if expected:
        assert entry.expected_on == planned


@pytest.mark.parametrize(
    ("end_offset", "expected"),
    [
        pytest.param(-1, False, id="ended-yesterday"),
        pytest.param(0, False, id="ends-on-the-day"),
        pytest.param(1, True, id="ends-after-the-day"),
    ],
)
def test_an_ended_course_is_not_expected(end_offset, expected):
    end = DAY + timedelta(days=end_offset)
    rec = patient(21, end=end)
    assert (next_infusion_expected(rec.courses[0], DAY) is not None) is expected
    assert (chair_entry(rec, DAY) is not None) is expected


def test_an_infusion_recorded_on_the_day_keeps_the_patient_and_its_checks():
    rec = patient(21)
    given = replace(rec.courses[0], infusions=(*rec.courses[0].infusions, infusion(DAY)))
    entry = chair_entry(replace(rec, courses=(given,)), DAY)
    assert entry.given_on_day and entry.days_late == 0
    assert records_before(replace(rec, courses=(given,)), DAY) == rec


def test_go_when_nothing_stops_or_needs_checking():
    entry = chair_entry(patient(21), DAY)
    assert entry.state == ChairState.GO
    assert entry.reason_text == GO_TEXT


@pytest.mark.parametrize(
    ("schedule", "days_ago", "state", "per_kg"),
    [
        pytest.param("every_3_weeks", 28, ChairState.GO, None, id="3-weekly-gap-28-no-reload"),
        pytest.param("every_3_weeks", 29, ChairState.CHECK, "8", id="3-weekly-gap-29-reload"),
        pytest.param("weekly", 14, ChairState.GO, None, id="weekly-gap-14-no-reload"),
        pytest.param("weekly", 15, ChairState.CHECK, "4", id="weekly-gap-15-reload"),
    ],
)
def test_check_when_a_loading_dose_is_due_d1(schedule, days_ago, state, per_kg):
    entry = chair_entry(patient(days_ago, schedule), DAY)
    assert entry.state == state
    if per_kg:
        assert f"Loading dose due: a loading dose of {per_kg} mg/kg" in entry.reason_text
        assert entry.reasons[0].rule == "D1"
        assert "weigh the patient" in entry.loading_dose
    else:
        assert entry.loading_dose == ""


def test_the_loading_dose_in_mg_at_the_last_weight():
    weight = Weight(date(2026, 4, 1), Decimal("70.4"))
    entry = chair_entry(patient(29), DAY, last_weight=weight)
    assert entry.loading_dose == (
        "a loading dose of 8 mg/kg over 90 minutes: 563 mg at the last weight, 70.4 kg (1 Apr 2026)"
    )


@pytest.mark.parametrize(
    ("agent", "schedule", "per_kg"),
    [
        ("trastuzumab", "every_3_weeks", Decimal(8)),
        ("trastuzumab", "weekly", Decimal(4)),
        ("pertuzumab_trastuzumab", "every_3_weeks", Decimal(8)),
        ("pertuzumab_trastuzumab_sc", "every_3_weeks", None),
        ("trastuzumab_sc", "every_3_weeks", None),
        ("trastuzumab_deruxtecan", "every_3_weeks", None),
    ],
)
def test_loading_dose_mg_per_kg(agent, schedule, per_kg):
    assert loading_dose_mg_per_kg(agent, schedule) == per_kg


def test_phesgo_reload_is_the_fixed_initial_dose():
    entry = chair_entry(patient(42, agent="pertuzumab_trastuzumab_sc"), DAY)
    assert entry.state == ChairState.CHECK
    assert "re-give the initial (loading) dose of Phesgo" in entry.reason_text
    assert chair_entry(patient(41, agent="pertuzumab_trastuzumab_sc"), DAY).state == "go"


@pytest.mark.parametrize(
    ("start_offset", "end_offset", "state"),
    [
        pytest.param(1, None, ChairState.GO, id="hold-starts-tomorrow"),
        pytest.param(0, None, ChairState.STOP, id="hold-starts-on-the-day"),
        pytest.param(-5, 0, ChairState.GO, id="hold-ends-on-the-day"),
        pytest.param(-5, 1, ChairState.STOP, id="hold-ends-after-the-day"),
    ],
)
def test_stop_when_the_day_falls_inside_a_hold_h5(start_offset, end_offset, state):
    start = DAY + timedelta(days=start_offset)
    end = None if end_offset is None else DAY + timedelta(days=end_offset)
    entry = chair_entry(patient(21, holds=(hold(start, end, "other"),)), DAY)
    assert entry.state == state
    if state == ChairState.STOP:
        assert entry.reasons[0].rule == "H5"
        assert "No dose while it lasts" in entry.reasons[0].text


def test_a_cardiac_hold_says_the_lvef_and_to_wait_for_a_doctor():
    lvefs = (B, RECENT, lvef("2026-05-20", 44))
    rec = patient(21, lvefs=lvefs, holds=(hold("2026-05-22"),))
    entry = chair_entry(rec, DAY)
    assert entry.state == ChairState.STOP
    assert (
        "LVEF 44% on 20 May 2026 — do not give the next dose until a doctor has reviewed."
        in entry.reasons[0].text
    )


@pytest.mark.parametrize(
    ("value", "state"),
    [
        pytest.param(50, ChairState.GO, id="drop-12-at-lln-continue"),
        pytest.param(49, ChairState.STOP, id="drop-13-below-lln-hold"),
        pytest.param(47, ChairState.STOP, id="drop-15-below-lln-hold"),
    ],
)
def test_stop_when_a_hold_is_recommended_h1(value, state):
    # US label: below LLN with a drop of 10 or more meets the hold criteria.
    entry = chair_entry(patient(21, lvefs=(B, lvef("2026-05-20", value))), DAY)
    assert entry.state == state
    if state == ChairState.STOP:
        assert entry.reasons[0].text.startswith("Hold treatment is recommended — LVEF")
        assert entry.reasons[0].rule == "H1"


def test_stop_when_discontinue_is_recommended():
    # Four cardiac holds of the episode (H4): discontinue.
    holds = tuple(hold(start, end) for start, end in _closed_holds())
    entry = chair_entry(patient(21, holds=holds), DAY)
    assert entry.status.recommendation == "discontinue"
    assert entry.state == ChairState.STOP
    assert "Discontinue treatment is recommended" in entry.reason_text


def _closed_holds():
    return [
        ("2026-01-27", "2026-02-02"),
        ("2026-02-17", "2026-02-20"),
        ("2026-03-10", "2026-03-12"),
        ("2026-03-31", "2026-04-02"),
    ]


@pytest.mark.parametrize(
    ("lvefs", "state", "rule"),
    [
        pytest.param((B, RECENT), ChairState.GO, "", id="scan-up-to-date"),
        pytest.param((B,), ChairState.CHECK, "S6", id="scan-overdue"),
    ],
)
def test_check_when_the_scan_is_overdue_s6(lvefs, state, rule):
    entry = chair_entry(patient(21, lvefs=lvefs), DAY)
    assert entry.state == state
    assert entry.reasons[0].rule == rule


def test_check_when_a_review_is_pending():
    entry = chair_entry(patient(21), DAY, review_pending=True)
    assert entry.state == ChairState.CHECK
    assert "waits for an oncologist's review" in entry.reason_text


def test_stop_outranks_check_and_both_reasons_are_given():
    rec = patient(29, lvefs=(B, lvef("2026-03-01", 46)))
    entry = chair_entry(rec, DAY)
    assert entry.state == ChairState.STOP
    assert [r.state for r in entry.reasons][0] == ChairState.STOP
    assert {r.rule for r in entry.reasons} >= {"H1", "S6", "D1"}


@pytest.mark.parametrize(
    "kwargs",
    [
        pytest.param({"end": "2026-05-01"}, id="completed"),
        pytest.param({"end": "2026-05-01", "end_reason": "discontinued"}, id="discontinued"),
    ],
)
def test_ended_courses_are_off_the_list(kwargs):
    assert chair_entry(patient(40, **kwargs), DAY) is None


def test_no_course_is_off_the_list():
    assert chair_entry(record([], (B,)), DAY) is None
