"""Short builders for the records of tracker.monitoring (pure data, no database)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from tracker.monitoring import (
    DEFAULT_SETTINGS,
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
    PatientStatus,
    RuleSettings,
    evaluate,
)

# The as_of of the worked examples of clinical-rules.md.
AS_OF = date(2026, 6, 1)
# Worked example 1: F and the baseline.
F = date(2026, 1, 5)
BASELINE_DAY = date(2025, 12, 20)

Day = date | str


def day(value: Day) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


def dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def days_before(days: int, ref: Day = AS_OF) -> date:
    return day(ref) - timedelta(days=days)


def lvef(
    when: Day,
    value: object,
    modality: str = "echo",
    *,
    gls: object = None,
    sequence: int = 0,
    error: bool = False,
) -> LvefMeasurement:
    return LvefMeasurement(
        day(when),
        dec(value),
        modality,
        gls=None if gls is None else dec(gls),
        sequence=sequence,
        entered_in_error=error,
    )


def infusion(when: Day, *, error: bool = False, dose: object = 420) -> Infusion:
    return Infusion(day(when), dec(dose), entered_in_error=error)


def infusions(first: Day = F, count: int = 7, every: int = 21) -> tuple[Infusion, ...]:
    start = day(first)
    return tuple(infusion(start + timedelta(days=every * k)) for k in range(count))


def hold(start: Day, end: Day | None = None, reason: str = "cardiac", *, error: bool = False):
    return Hold(day(start), None if end is None else day(end), reason, entered_in_error=error)


def course(
    planned_start: Day = F,
    *,
    infusions: tuple[Infusion, ...] = (),
    holds: tuple[Hold, ...] = (),
    agent: str = "trastuzumab",
    intent: str = "adjuvant",
    schedule: str = "every_3_weeks",
    end: Day | None = None,
    end_reason: str | None = None,
    sequence: int = 0,
    error: bool = False,
) -> Course:
    if end is not None and end_reason is None:
        end_reason = "completed"
    return Course(
        agent=agent,
        intent=intent,
        schedule=schedule,
        planned_start=day(planned_start),
        end_date=None if end is None else day(end),
        end_reason=end_reason,
        infusions=infusions,
        holds=holds,
        sequence=sequence,
        entered_in_error=error,
    )


def cotreatment(
    drug: str, start: Day, end: Day | None = None, dose: object = None, *, error: bool = False
) -> CoTreatment:
    return CoTreatment(
        drug,
        day(start),
        None if end is None else day(end),
        None if dose is None else dec(dose),
        entered_in_error=error,
    )


def record(courses=(), lvefs=(), cotreatments=(), key: str = "A1001") -> PatientRecord:
    return PatientRecord(key, tuple(courses), tuple(lvefs), tuple(cotreatments))


def run(
    rec: PatientRecord, as_of: Day = AS_OF, settings: RuleSettings = DEFAULT_SETTINGS
) -> PatientStatus:
    return evaluate(rec, day(as_of), settings)


def active_record(*lvefs_, infusions_=None, holds=(), cotreatments=(), **course_kwargs):
    """Worked example 1's course (F = 2026-01-05, every 21 days to 2026-05-11) with ``lvefs_``."""
    inf = infusions() if infusions_ is None else infusions_
    return record([course(infusions=inf, holds=holds, **course_kwargs)], lvefs_, cotreatments)


def example_1() -> PatientRecord:
    return active_record(lvef(BASELINE_DAY, 62))


def example_2() -> PatientRecord:
    return active_record(lvef(BASELINE_DAY, 62), lvef("2026-03-18", 46))


def example_3() -> PatientRecord:
    return active_record(
        lvef(BASELINE_DAY, 62),
        lvef("2026-03-18", 46),
        lvef("2026-04-20", 55),
        infusions_=infusions(count=4),  # 01-05, 01-26, 02-16, 03-09
        holds=(hold("2026-03-20"),),
    )


AC_REGIMEN = (
    cotreatment("doxorubicin", "2025-09-01", "2025-11-10", 240),
    cotreatment("cyclophosphamide", "2025-09-01", "2025-11-10", 2400),
)


def example_4(baseline_day: Day = BASELINE_DAY) -> PatientRecord:
    return active_record(lvef(baseline_day, 62), cotreatments=AC_REGIMEN)
