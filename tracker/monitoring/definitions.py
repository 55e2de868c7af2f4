"""Section 0 of clinical-rules.md: what every rule sees.

Built once per evaluation so that no rule re-filters: records entered in error are dropped, records
dated after as_of are dropped, ties are ordered, and the current course, F, E and L are named.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from .records import (
    ANTHRACYCLINES,
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
)
from .rule_settings import RuleSettings

_lvef_date = attrgetter("date")


@dataclass(frozen=True, slots=True)
class Context:
    as_of: date
    settings: RuleSettings
    # Valid courses, oldest first by (planned start, sequence, position); the last is current.
    courses: tuple[Course, ...]
    course: Course | None
    # The current course's valid infusions dated on or before as_of, by date.
    infusions: tuple[Infusion, ...]
    # The current course's valid holds started on or before as_of, by start.
    holds: tuple[Hold, ...]
    # Holds open at as_of: no end, or an end after as_of (section 0, "Hold").
    open_holds: tuple[Hold, ...]
    # Valid LVEF measurements dated on or before as_of, least to most recent (ties by sequence).
    lvefs: tuple[LvefMeasurement, ...]
    cotreatments: tuple[CoTreatment, ...]
    anthracyclines: tuple[CoTreatment, ...]
    first_infusion: date | None  # F
    end: date | None  # E
    latest: LvefMeasurement | None  # L

    def latest_on_or_before(self, day: date) -> LvefMeasurement | None:
        """The most recent LVEF dated on or before ``day`` (ties: the higher sequence)."""
        index = bisect_right(self.lvefs, day, key=_lvef_date)
        return self.lvefs[index - 1] if index else None


def _course_key(indexed: tuple[int, Course]) -> tuple[date, int, int]:
    position, course = indexed
    # Section 0, ties: of two courses with the same planned start, the one recorded later (higher
    # sequence; with equal sequences, later in the record) is current.
    return (course.planned_start, course.sequence, position)


def _lvef_key(measurement: LvefMeasurement) -> tuple[date, int]:
    # Section 0, ties: same date -> the one recorded later (higher sequence) is more recent. The
    # sort is stable, so equal sequences keep their recorded order (in an import file: listed later
    # counts as more recent).
    return (measurement.date, measurement.sequence)


def build_context(record: PatientRecord, as_of: date, settings: RuleSettings) -> Context:
    courses = [c for c in record.courses if not c.entered_in_error]
    if len(courses) > 1:
        courses = [c for _, c in sorted(enumerate(courses), key=_course_key)]
    course = courses[-1] if courses else None

    if course is not None:
        infusions = sorted(
            (i for i in course.infusions if not i.entered_in_error and i.date <= as_of),
            key=attrgetter("date"),
        )
        holds = sorted(
            (h for h in course.holds if not h.entered_in_error and h.start <= as_of),
            key=attrgetter("start"),
        )
        end = course.end_date if course.end_date is not None and course.end_date <= as_of else None
    else:
        infusions, holds, end = [], [], None
    open_holds = tuple(h for h in holds if h.end is None or h.end > as_of)

    lvefs = sorted(
        (m for m in record.lvef if not m.entered_in_error and m.date <= as_of), key=_lvef_key
    )
    # Section 5: "Records that start after as_of are ignored."
    cotreatments = tuple(
        c for c in record.cotreatments if not c.entered_in_error and c.start <= as_of
    )
    return Context(
        as_of=as_of,
        settings=settings,
        courses=tuple(courses),
        course=course,
        infusions=tuple(infusions),
        holds=tuple(holds),
        open_holds=open_holds,
        lvefs=tuple(lvefs),
        cotreatments=cotreatments,
        anthracyclines=tuple(c for c in cotreatments if c.drug in ANTHRACYCLINES),
        first_infusion=infusions[0].date if infusions else None,
        end=end,
        latest=lvefs[-1] if lvefs else None,
    )
