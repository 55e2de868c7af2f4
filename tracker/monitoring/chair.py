"""The chair list (issue 12 item 6): who is expected for an infusion on a day, and whether it is
safe to dose, as pure functions of the rules' records and results.

Who is expected: the current course's next dose falls on or before the day (the last infusion
before the day + the schedule interval of D1, 7 or 21 days; before the first infusion, the
planned start) and the course has not ended on or before the day. A patient weeks late stays on
the list every day until dosed (or the course ends): a missed dose is the nurse's to chase, and
D1 then says whether it must be a loading dose.

Safe to dose: the status is evaluated on the day from the records before it (as the infusion
checks do, checks.py): an infusion already recorded on the day does not hide the checks.
STOP: a hold recommended (H1, H3) or discontinue (H2, H4), or the day inside a hold (H5;
an open cardiac hold whose resume criteria are met, H2, still stops until a doctor ends it).
CHECK: the heart scan overdue (S6), no baseline (B2), a loading dose due (D1), or the
recommendation waiting for an oncologist's review (given by the caller). GO: none of these.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .dosing import RELOAD_RULES, SCHEDULE_INTERVAL_DAYS, loading_dose_mg_per_kg
from .evaluate import evaluate
from .recommendation import infusion_inside_hold
from .records import Course, Hold, LvefMeasurement, PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .sentences import cite
from .status import PatientStatus
from .vocabulary import (
    HOLD_RECOMMENDATIONS,
    AssessmentStatus,
    ChairState,
    HoldReason,
    Phase,
    Recommendation,
    label,
)
from .wording import day as day_text
from .wording import days, number, percent

# Phases in which a dose can be expected: not started yet, on treatment, on hold (H5: a hold
# stops the dose, it does not take the patient off the list).
EXPECTED_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.HELD)
GO_TEXT = "No hold, the heart scans are up to date and no loading dose is due."


@dataclass(frozen=True, slots=True)
class Weight:
    """The patient's last recorded weight (kept with an infusion), for the loading dose."""

    date: date
    kg: Decimal


@dataclass(frozen=True, slots=True)
class ChairReason:
    state: ChairState
    rule: str
    text: str


@dataclass(frozen=True, slots=True)
class ChairEntry:
    key: str
    expected_on: date
    days_late: int  # the day - expected_on (0: due on the day)
    state: ChairState
    reasons: tuple[ChairReason, ...]
    status: PatientStatus  # evaluated on the day, from the records before it
    course: Course
    given_on_day: bool  # an infusion is already recorded on the day
    loading_dose: str = ""  # D1, in words, when due

    @property
    def reason_text(self) -> str:
        return " ".join(reason.text for reason in self.reasons)


def next_infusion_expected(course: Course, day: date) -> date | None:
    """When the course's next dose is expected, seen on ``day``: its last valid infusion dated
    before the day + the schedule interval (D1's 7 or 21 days); without one, the planned start.
    None when the course has ended on or before the day (section 0) or the schedule has no
    interval."""
    if course.entered_in_error or (course.end_date is not None and course.end_date <= day):
        return None
    interval = SCHEDULE_INTERVAL_DAYS.get(course.schedule)
    if interval is None:
        return None
    before = [i.date for i in course.infusions if not i.entered_in_error and i.date < day]
    if not before:
        return course.planned_start
    return date.fromordinal(max(before).toordinal() + interval)


def records_before(record: PatientRecord, day: date) -> PatientRecord:
    """The record without the infusions dated on or after ``day``: what was known before the
    day's dose."""
    courses = tuple(
        replace(c, infusions=tuple(i for i in c.infusions if i.date < day)) for c in record.courses
    )
    return replace(record, courses=courses)


def day_status(
    record: PatientRecord, day: date, settings: RuleSettings = DEFAULT_SETTINGS
) -> PatientStatus:
    """The status the chair list decides on: evaluated on the day, before the day's dose."""
    return evaluate(records_before(record, day), day, settings)


def loading_dose_advice(course: Course, weight: Weight | None) -> str:
    """D1's loading dose in words: mg/kg and, with the last weight, the dose in mg."""
    per_kg = loading_dose_mg_per_kg(course.agent, course.schedule)
    rule = RELOAD_RULES.get(course.agent)
    if per_kg is None:
        return f"{rule.source}: {rule.instruction}" if rule is not None else ""
    text = f"a loading dose of {number(per_kg)} mg/kg over 90 minutes"
    if weight is None:
        return f"{text} (no weight recorded: weigh the patient)"
    dose = (per_kg * weight.kg).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return (
        f"{text}: {number(dose)} mg at the last weight, {number(weight.kg)} kg "
        f"({day_text(weight.date)})"
    )


def hold_trigger(record: PatientRecord, hold: Hold) -> LvefMeasurement | None:
    """T of H2: the latest valid LVEF dated on or before the hold's start (ties: the higher
    sequence); None when there is none."""
    before = [m for m in record.lvef if not m.entered_in_error and m.date <= hold.start]
    return max(before, key=lambda m: (m.date, m.sequence), default=None)


def cardiac_hold_words(trigger: LvefMeasurement | None) -> str:
    """Issue 13 item 11: what a cardiac hold means for the next dose, in words, from the LVEF
    that led to it."""
    if trigger is None:
        return "Do not give the next dose until a doctor has reviewed."
    return (
        f"LVEF {percent(trigger.value)} on {day_text(trigger.date)} — do not give the next "
        "dose until a doctor has reviewed."
    )


def hold_words(hold: Hold, record: PatientRecord) -> str:
    """H5: the hold a dose on the day would fall inside, in words."""
    ends = f"ends on {day_text(hold.end)}" if hold.end is not None else "is still open"
    if hold.reason == HoldReason.CARDIAC:
        return (
            f"On hold for the heart since {day_text(hold.start)}; the hold {ends}. "
            f"{cardiac_hold_words(hold_trigger(record, hold))} {cite('H5')}"
        )
    return (
        f"On hold ({label(HoldReason(hold.reason)).lower()} reason) since "
        f"{day_text(hold.start)}; the hold {ends}. No dose while it lasts. {cite('H5')}"
    )


def _recommendation_words(status: PatientStatus) -> str:
    reason = status.recommendation_reason
    _, _, rest = reason.partition(": ")
    return f"{label(Recommendation(status.recommendation))} is recommended — {rest or reason}"


def _stop_reasons(
    status: PatientStatus, record: PatientRecord, course: Course, day: date
) -> list[ChairReason]:
    reasons = []
    holds = tuple(sorted((h for h in course.holds if not h.entered_in_error), key=_start))
    hold = infusion_inside_hold(holds, day)
    if hold is not None:
        reasons.append(ChairReason(ChairState.STOP, "H5", hold_words(hold, record)))
    if status.recommendation in HOLD_RECOMMENDATIONS:
        rule = status.recommendation_reason.rsplit("[", 1)[-1].rstrip("]")
        reasons.append(ChairReason(ChairState.STOP, rule, _recommendation_words(status)))
    elif status.recommendation == Recommendation.MAY_RESUME and hold is not None:
        reasons.append(
            ChairReason(
                ChairState.STOP,
                "H2",
                "The resume criteria are met, but the hold is still open: a doctor must end "
                f"it before the next dose. {cite('H2')}",
            )
        )
    return reasons


def _check_reasons(
    status: PatientStatus, course: Course, review_pending: bool, advice: str
) -> list[ChairReason]:
    texts = status.flag_texts
    reasons = []
    if status.assessment_status == AssessmentStatus.OVERDUE:
        reasons.append(ChairReason(ChairState.CHECK, "S6", texts["ASSESSMENT_OVERDUE"]))
    if "BASELINE_MISSING" in status.flags:
        reasons.append(ChairReason(ChairState.CHECK, "B2", texts["BASELINE_MISSING"]))
    if advice:
        last = max(i.date for i in course.infusions if not i.entered_in_error)
        gap = (status.as_of - last).days
        reasons.append(
            ChairReason(
                ChairState.CHECK,
                "D1",
                f"Loading dose due: {advice}. The last infusion was on {day_text(last)}, "
                f"{days(gap)} before. {cite('D1')}",
            )
        )
    if review_pending:
        reasons.append(
            ChairReason(
                ChairState.CHECK,
                "H2-H5",
                f"The recommendation ({label(Recommendation(status.recommendation)).lower()}) "
                "waits for an oncologist's review.",
            )
        )
    return reasons


def chair_entry(
    record: PatientRecord,
    day: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    *,
    review_pending: bool = False,
    last_weight: Weight | None = None,
    status: PatientStatus | None = None,
) -> ChairEntry | None:
    """The patient's row on the chair list of ``day``, or None when no dose is expected.
    ``status``: the caller's ``day_status(record, day, settings)``, when it has it."""
    if status is None:
        status = day_status(record, day, settings)
    course = status.course
    if course is None or status.phase not in EXPECTED_PHASES:
        return None
    expected = next_infusion_expected(course, day)
    if expected is None or expected > day:
        return None
    advice = ""
    if "RELOAD_DOSE_DUE" in status.flags:
        advice = loading_dose_advice(course, last_weight)
    reasons = _stop_reasons(status, record, course, day) + _check_reasons(
        status, course, review_pending, advice
    )
    if any(r.state == ChairState.STOP for r in reasons):
        state = ChairState.STOP
    elif reasons:
        state = ChairState.CHECK
    else:
        state = ChairState.GO
        reasons = [ChairReason(ChairState.GO, "", GO_TEXT)]
    given = any(
        i.date == day and not i.entered_in_error
        for c in record.courses
        if not c.entered_in_error
        for i in c.infusions
    )
    return ChairEntry(
        key=record.key,
        expected_on=expected,
        days_late=(day - expected).days,
        state=state,
        reasons=tuple(reasons),
        status=status,
        course=course,
        given_on_day=given,
        loading_dose=advice,
    )


# Most urgent first on the list.
STATE_ORDER = {ChairState.STOP: 0, ChairState.CHECK: 1, ChairState.GO: 2}


def _start(hold: Hold) -> date:
    return hold.start
