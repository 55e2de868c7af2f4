"""Property-based checks over generated records (hypothesis; kept fast)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.monitoring import (
    FLAGS,
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
    evaluate,
    status_to_report,
)
from tracker.monitoring.records import (
    AGENTS,
    COTREATMENT_DRUGS,
    END_REASONS,
    HOLD_REASONS,
    INTENTS,
    MODALITIES,
    SCHEDULES,
)
from tracker.monitoring.report import REPORT_KEYS

from .builders import active_record, course, hold, infusions, lvef, record, run

FAST = settings(max_examples=100, deadline=None, database=None)

LOW = date(2023, 1, 1)
HIGH = date(2026, 12, 31)

# About one record in eight is entered in error.
in_error = st.sampled_from((False,) * 7 + (True,))
one_decimal = st.integers(300, 750).map(lambda n: Decimal(n).scaleb(-1))  # 30.0 .. 75.0
gls_values = st.none() | st.integers(-300, 0).map(lambda n: Decimal(n).scaleb(-1))


def dates(hi: date = HIGH) -> st.SearchStrategy[date]:
    return st.dates(min_value=LOW, max_value=hi)


@st.composite
def near(draw, anchor: date, before: int, after: int, hi: date) -> date:
    """A date from ``before`` days before ``anchor`` to ``after`` days after it, within LOW-hi."""
    lo = max(LOW, anchor - timedelta(days=before))
    top = max(lo, min(hi, anchor + timedelta(days=after)))
    return lo + timedelta(days=draw(st.integers(0, (top - lo).days)))


@st.composite
def ends(draw, start: date, hi: date, longest: int = 450) -> date | None:
    """None, or a date from ``start`` to ``longest`` days later, not after ``hi``."""
    if start > hi or draw(st.booleans()):
        return None
    return start + timedelta(days=draw(st.integers(0, min(longest, (hi - start).days))))


@st.composite
def lvef_records(draw, anchor: date, hi: date) -> LvefMeasurement:
    return LvefMeasurement(
        draw(near(anchor, 120, 1000, hi)),
        draw(one_decimal),
        draw(st.sampled_from(MODALITIES)),
        gls=draw(gls_values),
        sequence=draw(st.integers(0, 3)),
        entered_in_error=draw(in_error),
    )


@st.composite
def courses(draw, anchor: date, hi: date, ends_hi: date) -> Course:
    first = draw(near(anchor, 0, 200, hi))
    steps = draw(st.lists(st.sampled_from((7, 14, 21, 21, 21, 35, 60)), max_size=18))
    days, day = [], first
    for step in steps:
        if day > hi:
            break
        days.append(day)
        day += timedelta(days=step)
    infusion_records = tuple(
        Infusion(d, Decimal(420), entered_in_error=draw(in_error)) for d in days
    )
    holds = []
    for _ in range(draw(st.sampled_from((1, 0, 1, 0, 2, 4)))):
        start = draw(near(first, 10, 400, hi))
        holds.append(
            Hold(
                start,
                draw(ends(start, ends_hi, 120)),
                draw(st.sampled_from(HOLD_REASONS)),
                entered_in_error=draw(in_error),
            )
        )
    end = draw(ends(first, ends_hi))
    return Course(
        agent=draw(st.sampled_from(AGENTS)),
        intent=draw(st.sampled_from(INTENTS)),
        schedule=draw(st.sampled_from(SCHEDULES)),
        planned_start=draw(st.sampled_from((first, draw(near(first, 90, 90, HIGH))))),
        end_date=end,
        end_reason=None if end is None else draw(st.sampled_from(END_REASONS)),
        infusions=infusion_records,
        holds=tuple(holds),
        sequence=draw(st.integers(0, 2)),
        entered_in_error=draw(in_error),
    )


@st.composite
def cotreatment_records(draw, anchor: date, hi: date) -> CoTreatment:
    start = draw(near(anchor, 400, 600, hi))
    return CoTreatment(
        draw(st.sampled_from(COTREATMENT_DRUGS)),
        start,
        draw(ends(start, hi, 120)),
        draw(st.none() | st.integers(1, 400).map(Decimal)),
        entered_in_error=draw(in_error),
    )


@st.composite
def patient_records(draw, hi: date = HIGH, ends_hi: date = HIGH) -> PatientRecord:
    """Records clustered around one anchor date so that every phase is reached."""
    anchor = draw(dates(hi))
    course_count = draw(st.sampled_from((1, 1, 1, 1, 2, 0)))
    return PatientRecord(
        "P",
        tuple(draw(courses(anchor, hi, ends_hi)) for _ in range(course_count)),
        tuple(draw(st.lists(lvef_records(anchor, hi), max_size=7))),
        tuple(draw(st.lists(cotreatment_records(anchor, hi), max_size=3))),
    )


@st.composite
def scenarios(draw) -> tuple[PatientRecord, date]:
    """A record and an as_of near it (most of the interesting states lie within ~2 years)."""
    rec = draw(patient_records())
    days = [m.date for m in rec.lvef] + [c.planned_start for c in rec.courses]
    anchor = min(days) if days else draw(dates())
    return rec, draw(near(anchor, 60, 1100, HIGH + timedelta(days=800)))


def check_flags_sorted_unique_and_catalogued(status):
    assert list(status.flags) == sorted(set(status.flags))
    assert set(status.flags) <= set(FLAGS)


def check_overdue_exactly_when_as_of_after_due(status, as_of):
    due = status.next_assessment_due
    assert (status.assessment_status == "overdue") is (due is not None and as_of > due)
    assert ("ASSESSMENT_OVERDUE" in status.flags) is (status.assessment_status == "overdue")
    assert (status.assessment_status == "not_required") is (due is None)
    assert status.days_until_due == (None if due is None else (due - as_of).days)


def check_recommendation_none_exactly_outside_active_and_held(status):
    assert (status.recommendation == "none") is (status.phase not in ("active", "held"))
    if status.phase not in ("active", "held"):
        tied = {"RESUME_CRITERIA_MET", "PERSISTENT_DECLINE", "REPEATED_HOLDS", "RELOAD_DOSE_DUE"}
        assert not tied & set(status.flags)


def check_report_keys_match_the_interchange_example(status, rec, as_of):
    report = status_to_report(status, "P")
    assert tuple(report) == REPORT_KEYS
    for key in ("baseline_lvef", "latest_lvef"):
        assert report[key] is None or list(report[key]) == ["date", "value", "modality"]
    assert (report["lvef_drop"] is None) is (report["baseline_lvef"] is None)
    has_lvef = any(not m.entered_in_error and m.date <= as_of for m in rec.lvef)
    assert (report["latest_lvef"] is not None) is has_lvef


# One generated population, several properties (generation is the slow part).
@settings(FAST, max_examples=200)
@given(scenarios())
def test_invariants(scenario):
    rec, as_of = scenario
    status = evaluate(rec, as_of)
    check_flags_sorted_unique_and_catalogued(status)
    check_overdue_exactly_when_as_of_after_due(status, as_of)
    check_recommendation_none_exactly_outside_active_and_held(status)
    check_report_keys_match_the_interchange_example(status, rec, as_of)


# Every record dated (hold and course ends included) on or before CUTOFF; as_of from CUTOFF on.
CUTOFF = date(2026, 1, 1)


@FAST
@given(
    patient_records(hi=CUTOFF, ends_hi=CUTOFF),
    st.integers(0, 400),
    st.integers(0, 1200),
)
def test_overdue_stays_overdue_without_new_records(rec, offset, later):
    # Restricted honestly: hold ends and course ends are records too. A hold or course ending
    # between the two dates changes the phase and the rule (S3 -> S2, S2 -> S4), which can turn
    # overdue into not overdue; see the two tests below. With nothing new, the property holds.
    first = CUTOFF + timedelta(days=offset)
    second = first + timedelta(days=later)
    if evaluate(rec, first).assessment_status == "overdue":
        assert evaluate(rec, second).assessment_status == "overdue"


def test_counter_example_cardiac_hold_ending_later_resets_the_schedule():
    # S3 while the cardiac hold is open (L + 28 days, overdue); once it ends, with L recovered
    # (no hold criteria, v2 S3), S2 (L + 3 months).
    rec = active_record(
        lvef("2025-12-20", 62),
        lvef("2026-03-18", 46),
        lvef("2026-03-18", 56, sequence=1),
        infusions_=infusions(count=4),
        holds=(hold("2026-03-20", "2026-04-30"),),
    )
    assert run(rec, "2026-04-20").assessment_status == "overdue"  # due 2026-04-15
    later = run(rec, "2026-05-01")
    assert (later.phase, later.next_assessment_due) == ("active", date(2026, 6, 18))
    assert later.assessment_status == "ok"


def test_counter_example_course_ending_later_starts_the_completion_window():
    # S3 overdue while active (a hold-level L); the course then ends, S3 no longer applies and
    # S4 gives the earlier of E + 28 days and S2's date (v2 S3, S4).
    c = course(infusions=infusions(count=7), end="2026-05-11")
    rec = record([c], [lvef("2025-12-20", 62), lvef("2026-03-18", 46)])
    assert run(rec, "2026-05-10").assessment_status == "overdue"  # S3: due 2026-04-15
    later = run(rec, "2026-05-12")
    assert (later.phase, later.next_assessment_due) == ("completed", date(2026, 6, 8))
    assert later.assessment_status == "ok"


def test_s4_never_postpones_an_overdue_scan():
    # v2 S4: with only the baseline, S2's date (03-20) is earlier than E + 28 days.
    c = course(infusions=infusions(count=7), end="2026-05-11")
    rec = record([c], [lvef("2025-12-20", 62)])
    assert run(rec, "2026-05-10").assessment_status == "overdue"
    later = run(rec, "2026-05-12")
    assert (later.phase, later.next_assessment_due) == ("completed", date(2026, 3, 20))
    assert later.assessment_status == "overdue"


def _as_error(records):
    return tuple(dataclasses.replace(r, entered_in_error=True) for r in records)


@FAST
@given(scenarios(), patient_records())
def test_records_entered_in_error_change_nothing(scenario, noise):
    rec, as_of = scenario
    noisy = PatientRecord(
        rec.key,
        rec.courses + _as_error(noise.courses),
        rec.lvef + _as_error(noise.lvef),
        rec.cotreatments + _as_error(noise.cotreatments),
    )
    assert evaluate(noisy, as_of) == evaluate(rec, as_of)


@FAST
@given(scenarios(), st.integers(1, 200))
def test_records_after_as_of_change_nothing(scenario, days):
    rec, as_of = scenario
    after = as_of + timedelta(days=days)
    courses_ = tuple(
        dataclasses.replace(
            c,
            infusions=(*c.infusions, Infusion(after, Decimal(420))),
            holds=(*c.holds, Hold(after, None, "cardiac")),
        )
        for c in rec.courses
    )
    later = PatientRecord(
        rec.key,
        courses_,
        (*rec.lvef, LvefMeasurement(after, Decimal(20), "echo", sequence=9)),
        (*rec.cotreatments, CoTreatment("doxorubicin", after, None, Decimal(900))),
    )
    before, with_future = evaluate(rec, as_of), evaluate(later, as_of)
    # stable_until may only come earlier: a future record is a date on which things may change.
    assert with_future.stable_until is not None
    assert before.stable_until is None or with_future.stable_until <= before.stable_until
    assert dataclasses.replace(with_future, course=None, stable_until=None) == dataclasses.replace(
        before, course=None, stable_until=None
    )
