"""Section 0 of clinical-rules.md: what every rule sees.

Built once per evaluation so that no rule re-filters: records entered in error are dropped, records
dated after as_of are dropped, ties are ordered, and the current course (with its pass-over), the
episode, F, E, L and the rule profile are named.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from operator import attrgetter

from .profiles import Profile, profile_for
from .records import CoTreatment, Course, Hold, Infusion, LvefMeasurement, PatientRecord
from .rule_settings import RuleSettings
from .vocabulary import ANTHRACYCLINES, HoldReason

# Section 0, "Episode": infusions more than 84 days (12 weeks) apart start a new episode.
EPISODE_GAP_DAYS = 84

_lvef_date = attrgetter("date")
_start = attrgetter("start")


@dataclass(frozen=True, slots=True)
class Context:
    as_of: date
    settings: RuleSettings
    # Valid courses, oldest first by (planned start, sequence, position).
    courses: tuple[Course, ...]
    course: Course | None  # the current course (pass-over applied)
    profile: Profile | None  # section 4: the current course's profile
    # The current course's valid infusions dated on or before as_of, by date.
    infusions: tuple[Infusion, ...]
    # The current course's valid holds started on or before as_of, by start.
    holds: tuple[Hold, ...]
    # The current course's holds open at as_of: no end, or an end after as_of.
    open_holds: tuple[Hold, ...]
    open_cardiac_hold: Hold | None  # the latest started open cardiac hold of the current course
    # The episode: its infusion dates (any course, by date) and its holds (any course, start on or
    # after F and on or before as_of, by start). Empty without an episode.
    episode_infusions: tuple[date, ...]
    episode_holds: tuple[Hold, ...]
    # Every valid infusion date of every course on or before as_of (C4, C6), by date.
    all_infusions: tuple[date, ...]
    # Valid LVEF measurements dated on or before as_of, least to most recent (ties by sequence).
    lvefs: tuple[LvefMeasurement, ...]
    cotreatments: tuple[CoTreatment, ...]
    anthracyclines: tuple[CoTreatment, ...]
    first_infusion: date | None  # F
    end: date | None  # E
    latest: LvefMeasurement | None  # L

    @property
    def started(self) -> bool:
        """Section 0: the current course has an infusion on or before as_of."""
        return bool(self.infusions)

    def latest_on_or_before(self, day: date) -> LvefMeasurement | None:
        """The most recent LVEF dated on or before ``day`` (ties: the higher sequence)."""
        index = bisect_right(self.lvefs, day, key=_lvef_date)
        return self.lvefs[index - 1] if index else None

    def drop(self, baseline: LvefMeasurement | None, value: Decimal) -> Decimal | None:
        return baseline.value - value if baseline is not None else None


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


def infusion_days(course: Course, as_of: date) -> list[date]:
    """A course's valid infusion dates on or before as_of, by date (also used by quality.py)."""
    return sorted(i.date for i in course.infusions if not i.entered_in_error and i.date <= as_of)


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Section 0: (first, last) of each run of infusions cut at gaps of more than 84 days."""
    runs = []
    gap = timedelta(days=EPISODE_GAP_DAYS)
    for day in days:
        if runs and day - runs[-1][1] <= gap:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _current(courses: list[Course], days_of: dict[int, list[date]], as_of: date) -> Course | None:
    """Section 0, "Current course": the latest, except that a course that has not started is
    passed over while an earlier course has started and not ended."""
    if not courses:
        return None
    latest = courses[-1]
    if days_of[id(latest)]:
        return latest
    for course in reversed(courses[:-1]):
        ended = course.end_date is not None and course.end_date <= as_of
        if days_of[id(course)] and not ended:
            return course
    return latest


def build_context(record: PatientRecord, as_of: date, settings: RuleSettings) -> Context:
    courses = [c for c in record.courses if not c.entered_in_error]
    courses = [c for _, c in sorted(enumerate(courses), key=_course_key)]
    days_of = {id(c): infusion_days(c, as_of) for c in courses}
    course = _current(courses, days_of, as_of)

    all_days = sorted(d for c in courses for d in days_of[id(c)])
    episode: tuple[date, date] | None = None
    if course is not None:
        all_runs = runs(all_days)
        own = days_of[id(course)]
        if own:
            # The run that holds the current course's latest infusion.
            last = own[-1]
            episode = next(r for r in all_runs if r[0] <= last <= r[1])
        elif all_runs and (course.planned_start - all_runs[-1][1]).days <= EPISODE_GAP_DAYS:
            # Not started: it continues the latest run (earlier planned starts included).
            episode = all_runs[-1]

    if course is not None:
        infusions = sorted(
            (i for i in course.infusions if not i.entered_in_error and i.date <= as_of),
            key=_lvef_date,
        )
        holds = sorted(
            (h for h in course.holds if not h.entered_in_error and h.start <= as_of), key=_start
        )
        end = course.end_date if course.end_date is not None and course.end_date <= as_of else None
    else:
        infusions, holds, end = [], [], None
    open_holds = tuple(h for h in holds if h.end is None or h.end > as_of)
    open_cardiac = [h for h in open_holds if h.reason == HoldReason.CARDIAC]

    if episode is not None:
        first, last = episode
        episode_infusions = tuple(d for d in all_days if first <= d <= last)
        episode_holds = tuple(
            sorted(
                (
                    h
                    for c in courses
                    for h in c.holds
                    if not h.entered_in_error and first <= h.start <= as_of
                ),
                key=_start,
            )
        )
    else:
        first = None
        episode_infusions, episode_holds = (), ()

    lvefs = sorted(
        (m for m in record.lvef if not m.entered_in_error and m.date <= as_of), key=_lvef_key
    )
    # Section 5: "Records that start after as_of are ignored."
    cotreatments = tuple(
        c for c in record.cotreatments if not c.entered_in_error and c.start <= as_of
    )
    profile = (
        profile_for(course.agent, course.intent, settings.rule_set) if course is not None else None
    )
    return Context(
        as_of=as_of,
        settings=settings,
        courses=tuple(courses),
        course=course,
        profile=profile,
        infusions=tuple(infusions),
        holds=tuple(holds),
        open_holds=open_holds,
        # H2: holds of one course do not overlap; were two cardiac holds open, the latest started
        # one is the one being managed.
        open_cardiac_hold=open_cardiac[-1] if open_cardiac else None,
        episode_infusions=episode_infusions,
        episode_holds=episode_holds,
        all_infusions=tuple(all_days),
        lvefs=tuple(lvefs),
        cotreatments=cotreatments,
        anthracyclines=tuple(c for c in cotreatments if c.drug in ANTHRACYCLINES),
        first_infusion=first,
        end=end,
        latest=lvefs[-1] if lvefs else None,
    )
