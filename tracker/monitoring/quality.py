"""The quality measures Q1-Q7 of quality-measures.md, from the records, for a period.

Pure Python like the rules, and built from them: the episodes are the runs of section 0
(``definitions.runs``), B is B1 (``baseline.baseline_for_first_infusion``), the hold criteria are
H1 (``lvef.hold_criterion``) at each measurement's own date (``build_context``, ``phase_of``,
``baseline_of``), the recheck interval is the profile's (``profile_for``), and Q7 is S6 of
``evaluate``. Nothing here restates a threshold of clinical-rules.md.

Pending (quality-measures.md): an item is met as soon as its condition is; not met once its window
has closed without it; pending in between. A window closes on its last day: records dated on
as_of are part of the evaluation, so at as_of = the window's last day it is decided.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from statistics import median

from .baseline import baseline_for_first_infusion, baseline_of
from .dates import add_days, add_months, add_months_then_days
from .definitions import EPISODE_GAP_DAYS, Context, build_context, infusion_days, runs
from .evaluate import evaluate
from .lvef import hold_criterion
from .phase import phase_of
from .profiles import Profile, profile_for
from .records import Course, LvefMeasurement, PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .schedule import COMPLETION_WINDOW_DAYS
from .vocabulary import EARLY_STAGE_INTENTS, TREATMENT_PHASES, AssessmentStatus, HoldReason, Phase

# Q1 (Tang 2021; Chavez-MacGregor 2015): an LVEF from F - 120 days to F + 30 days.
Q1_BEFORE_DAYS = 120
Q1_AFTER_DAYS = 30
# Q2 (Chavez-MacGregor 2015, "at least one assessment every 4 months"): episodes of at least 120
# days, no stretch between assessments longer than 120 days.
Q2_MIN_EPISODE_DAYS = 120
Q2_MAX_STRETCH_DAYS = 120
# Q4 (rule S5): follow-up stretches of at most 6 months + 28 days, until E + 24 months - 28 days.
Q4_FOLLOW_UP_MONTHS = 24
Q4_FINAL_GRACE_DAYS = 28
Q4_STRETCH_MONTHS = 6
Q4_STRETCH_DAYS = 28
# Q5: the hold (or the review decision) within 7 days of the decline.
Q5_ACTION_DAYS = 7
# Q6: the repeat within the recheck interval + 7 days of the hold's start.
Q6_GRACE_DAYS = 7
# Q7: the phases counted at the period's end.
Q7_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.HELD, Phase.COMPLETED, Phase.DISCONTINUED)

MEASURE_IDS = ("Q1", "Q1s", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")

MET, NOT_MET, PENDING = "met", "not_met", "pending"


@dataclass(frozen=True, slots=True)
class Episode:
    """One run of infusions of the whole history (quality-measures.md, "Episodes")."""

    first: date  # F
    last: date  # its last infusion
    course: Course  # the latest course, in planned-start order, with an infusion in the run
    profile: Profile
    end: date | None  # E
    baseline: LvefMeasurement | None  # B


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    denominator: int
    numerator: int
    percent: Decimal | None
    not_met: tuple[str, ...]
    pending: tuple[str, ...]
    median_days_overdue: Decimal | int | float | None = None  # Q7 only


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator x 100, rounded half-even to one decimal; None when empty."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_EVEN
    )


def _measure(measure_id: str, outcomes: Iterable[tuple[str, str]], **extra) -> Measure:
    """From (patient key, outcome) per item: figures count items, lists count patients."""
    met = not_met = 0
    missed, waiting = set(), set()
    for key, outcome in outcomes:
        if outcome == MET:
            met += 1
        elif outcome == NOT_MET:
            not_met += 1
            missed.add(key)
        else:
            waiting.add(key)
    denominator = met + not_met
    return Measure(
        measure_id,
        denominator,
        met,
        percent(met, denominator),
        tuple(sorted(missed)),
        tuple(sorted(waiting)),
        **extra,
    )


def _decided(met: bool, closes: date, as_of: date) -> str:
    if met:
        return MET
    return NOT_MET if as_of >= closes else PENDING


def episodes(ctx: Context) -> list[Episode]:
    """Every run of infusions up to ctx.as_of, with its F, course, profile, E and B."""
    courses = ctx.courses
    days_of = [infusion_days(c, ctx.as_of) for c in courses]
    found = []
    for first, last in runs(list(ctx.all_infusions)):
        index = max(i for i, d in enumerate(days_of) if any(first <= x <= last for x in d))
        course = courses[index]
        end = course.end_date
        ended = (
            end is not None
            and end <= ctx.as_of
            # no infusion of the course in a later run
            and days_of[index][-1] <= last
            # no later course, not started yet, planned to continue the run
            and not any(
                not days_of[j] and (courses[j].planned_start - last).days <= EPISODE_GAP_DAYS
                for j in range(index + 1, len(courses))
            )
        )
        found.append(
            Episode(
                first,
                last,
                course,
                profile_for(course.agent, course.intent, ctx.settings.rule_set),
                end if ended else None,
                baseline_for_first_infusion(ctx, first),
            )
        )
    return found


def _lvef_between(ctx: Context, low: date, high: date) -> bool:
    return any(low <= m.date <= high for m in ctx.lvefs)


def _q1(ctx: Context, ep: Episode) -> str:
    closes = add_days(ep.first, Q1_AFTER_DAYS)
    met = _lvef_between(ctx, add_days(ep.first, -Q1_BEFORE_DAYS), closes)
    return _decided(met, closes, ctx.as_of)


def _q2(ctx: Context, ep: Episode) -> str:
    q1 = _q1(ctx, ep)
    if q1 != MET:
        return q1
    points = [ep.first, *(m.date for m in ctx.lvefs if ep.first <= m.date <= ep.end), ep.end]
    stretches = ((b - a).days for a, b in zip(points, points[1:], strict=False))
    return MET if all(s <= Q2_MAX_STRETCH_DAYS for s in stretches) else NOT_MET


def _q3(ctx: Context, ep: Episode) -> str:
    closes = add_days(ep.end, COMPLETION_WINDOW_DAYS)
    met = _lvef_between(ctx, add_days(ep.end, -COMPLETION_WINDOW_DAYS), closes)
    return _decided(met, closes, ctx.as_of)


def _q4(ctx: Context, ep: Episode) -> str:
    final = add_months_then_days(ep.end, Q4_FOLLOW_UP_MONTHS, -Q4_FINAL_GRACE_DAYS)
    previous = ep.end
    for m in ctx.lvefs:
        if m.date <= ep.end:
            continue
        if m.date > add_months_then_days(previous, Q4_STRETCH_MONTHS, Q4_STRETCH_DAYS):
            return NOT_MET
        if m.date >= final:
            return MET
        previous = m.date
    closes = add_months_then_days(previous, Q4_STRETCH_MONTHS, Q4_STRETCH_DAYS)
    return NOT_MET if ctx.as_of >= closes else PENDING


def _meets_hold_criteria(
    record: PatientRecord, m: LvefMeasurement, settings
) -> tuple[bool, Context]:
    """Q5: M judged by the rules as they stood on M's date (phase, profile, B, H1)."""
    then = build_context(record, m.date, settings)
    criterion = hold_criterion(then.profile, m, baseline_of(then), settings.lln)
    return criterion is not None and phase_of(then) in TREATMENT_PHASES, then


def _q5(
    ctx: Context,
    m: LvefMeasurement,
    then: Context,
    reviews: tuple[date, ...],
) -> str:
    closes = add_days(m.date, Q5_ACTION_DAYS)
    if any(m.date <= r <= closes for r in reviews):
        return MET
    for h in (h for c in ctx.courses for h in c.holds):
        if h.entered_in_error or h.reason != HoldReason.CARDIAC or h.start > ctx.as_of:
            continue
        if h.start < then.first_infusion:
            continue  # not a hold of the episode of M's date (its holds start on or after F)
        open_on_m = h.start <= m.date and (h.end is None or h.end > m.date)
        soon = m.date <= h.start <= closes and not any(
            m.date < d < h.start for d in ctx.all_infusions
        )
        if open_on_m or soon:
            return MET
    return NOT_MET if ctx.as_of >= closes else PENDING


def quality_measures(
    records: Iterable[PatientRecord],
    start: date,
    end: date,
    as_of: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    reviews: Mapping[str, Iterable[date]] | None = None,
) -> list[Measure]:
    """Q1, Q1s, Q2 ... Q7 for the period [start, end] evaluated at as_of.

    ``reviews``: patient key -> the dates of its recorded review decisions (the workflow's
    "recommendation reviews", Q5). They are not recorded yet (another issue adds them): empty by
    default, so until then Q5 counts holds only.
    """
    reviews = reviews or {}
    out: dict[str, list[tuple[str, str]]] = {i: [] for i in MEASURE_IDS if i != "Q7"}
    q7_outcomes, overdue_days = [], []
    q7_day = min(end, as_of)
    for record in records:
        key = record.key
        ctx = build_context(record, as_of, settings)
        for ep in episodes(ctx):
            if start <= ep.first <= end:
                out["Q1"].append((key, _q1(ctx, ep)))
                out["Q1s"].append((key, MET if ep.baseline is not None else NOT_MET))
            if ep.end is not None:
                if start <= ep.end <= end:
                    if (ep.end - ep.first).days >= Q2_MIN_EPISODE_DAYS:
                        out["Q2"].append((key, _q2(ctx, ep)))
                    out["Q3"].append((key, _q3(ctx, ep)))
                follow_up = add_months(ep.end, Q4_FOLLOW_UP_MONTHS)
                if ep.course.intent in EARLY_STAGE_INTENTS and start <= follow_up <= end:
                    out["Q4"].append((key, _q4(ctx, ep)))

        patient_reviews = tuple(reviews.get(key, ()))
        previous_met = False
        for m in ctx.lvefs:
            met, then = _meets_hold_criteria(record, m, settings)
            criterion_met = met and start <= m.date <= end
            if criterion_met and not previous_met:
                out["Q5"].append((key, _q5(ctx, m, then, patient_reviews)))
            # "the patient's previous LVEF (judged the same way on its own date: phase active or
            # held and H1) did not": only a new decline counts.
            previous_met = met

        for c in ctx.courses:
            recheck = profile_for(c.agent, c.intent, settings.rule_set).recheck_days
            for h in c.holds:
                if h.entered_in_error or h.reason != HoldReason.CARDIAC:
                    continue
                if not (start <= h.start <= end and h.start <= as_of):
                    continue
                closes = add_days(h.start, recheck + Q6_GRACE_DAYS)
                met = any(h.start < m.date <= closes for m in ctx.lvefs)
                out["Q6"].append((key, _decided(met, closes, as_of)))

        status = evaluate(record, q7_day, settings)
        if status.phase in Q7_PHASES:
            overdue = status.assessment_status == AssessmentStatus.OVERDUE
            q7_outcomes.append((key, NOT_MET if overdue else MET))
            if overdue:
                overdue_days.append(-status.days_until_due)

    measures = [_measure(i, outcomes) for i, outcomes in out.items()]
    measures.append(
        _measure(
            "Q7", q7_outcomes, median_days_overdue=median(overdue_days) if overdue_days else None
        )
    )
    return measures
