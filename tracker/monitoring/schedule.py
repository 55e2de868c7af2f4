"""S1-S6: when the next LVEF assessment is due (US label, "Cardiac monitoring").

The recheck interval and the repeat band of S3 come from the current course's profile.
"""

from __future__ import annotations

from datetime import date

from .dates import add_days, add_months, add_months_then_days
from .definitions import Context
from .records import LvefMeasurement
from .vocabulary import EARLY_STAGE_INTENTS, AssessmentStatus, Phase

# S1, S2: one assessment every 3 months while planned or on treatment.
ON_TREATMENT_INTERVAL_MONTHS = 3
# S2: an LVEF counts for the schedule from F - 3 months (the B1 window).
ON_TREATMENT_WINDOW_MONTHS = 3
# S4: the completion assessment is an LVEF dated on or after E - 28 days; due E + 28 days.
COMPLETION_WINDOW_DAYS = 28
# S5: early-stage follow-up every 6 months until an LVEF dated on or after E + 24 months - 28 days.
FOLLOW_UP_INTERVAL_MONTHS = 6
FOLLOW_UP_MONTHS = 24
FOLLOW_UP_GRACE_DAYS = 28

# Names kept for callers of version 1.
OK = AssessmentStatus.OK
DUE_SOON = AssessmentStatus.DUE_SOON
OVERDUE = AssessmentStatus.OVERDUE
NOT_REQUIRED = AssessmentStatus.NOT_REQUIRED


def completion_assessment_done(ctx: Context) -> bool:
    """S4: an LVEF dated on or after E - 28 days exists (L is the most recent, so test L)."""
    latest = ctx.latest
    return (
        ctx.end is not None
        and latest is not None
        and latest.date >= add_days(ctx.end, -COMPLETION_WINDOW_DAYS)
    )


def follow_up_end(end: date) -> date:
    """S5: follow-up is over once an LVEF is dated on or after this."""
    return add_months_then_days(end, FOLLOW_UP_MONTHS, -FOLLOW_UP_GRACE_DAYS)


def follow_up_over(ctx: Context) -> bool:
    """S5: surveillance is complete (P1 makes this the phase ``surveillance_complete``)."""
    if ctx.course is None or not completion_assessment_done(ctx):
        return False
    if ctx.course.intent not in EARLY_STAGE_INTENTS:
        # S5: metastatic intent, over once the completion assessment is satisfied.
        return True
    return ctx.latest.date >= follow_up_end(ctx.end)


def _s2(ctx: Context) -> date | None:
    """S2's date: L + 3 months when an LVEF dated on or after F - 3 months exists, else F; None
    without F."""
    first = ctx.first_infusion
    if first is None:
        return None
    latest = ctx.latest
    if latest is not None and latest.date >= add_months(first, -ON_TREATMENT_WINDOW_MONTHS):
        return add_months(latest.date, ON_TREATMENT_INTERVAL_MONTHS)
    return first  # the baseline was never done: due at once


def s3_applies(ctx: Context, baseline: LvefMeasurement | None) -> bool:
    """S3's conditions (phases active, held, and planned continuing an episode)."""
    if ctx.open_cardiac_hold is not None:
        return True
    latest, profile = ctx.latest, ctx.profile
    if latest is None:
        return False
    drop = ctx.drop(baseline, latest.value)
    lln = ctx.settings.lln
    # L meets the hold criteria with no cardiac hold open (whatever H3/H4 recommend), or lies in
    # the repeat band.
    return profile.hold_met(latest.value, drop, lln) is not None or profile.in_repeat_band(
        latest.value, drop, lln
    )


def next_assessment_due(
    ctx: Context, phase: Phase, baseline: LvefMeasurement | None
) -> tuple[date | None, str]:
    """The due date and the rule id that set it ("" when none is due)."""
    latest = ctx.latest
    if phase in (Phase.COMPLETED, Phase.DISCONTINUED):
        if not completion_assessment_done(ctx):
            # S4: the earlier of E + 28 days and S2's date: a due scan is not postponed.
            completion = add_days(ctx.end, COMPLETION_WINDOW_DAYS)
            s2 = _s2(ctx)
            if s2 is not None and s2 < completion:
                return s2, "S4"
            return completion, "S4"
        # S5: only early-stage intent reaches here (metastatic is surveillance_complete by P1).
        return add_months(latest.date, FOLLOW_UP_INTERVAL_MONTHS), "S5"
    if phase in (Phase.NO_COURSE, Phase.SURVEILLANCE_COMPLETE):
        return None, ""
    if phase == Phase.PLANNED and ctx.first_infusion is None:
        # S1, a course that continues no episode.
        if baseline is not None:
            return add_months(baseline.date, ON_TREATMENT_INTERVAL_MONTHS), "S1"
        return ctx.course.planned_start, "S1"
    # Active, held, and planned continuing an episode (S1: as S2 and S3).
    if s3_applies(ctx, baseline):
        if latest is not None:
            # S3: even when L predates the hold (the repeat may already be overdue).
            return add_days(latest.date, ctx.profile.recheck_days), "S3"
        return ctx.first_infusion, "S3"
    return _s2(ctx), "S1" if phase == Phase.PLANNED else "S2"


def assessment_status(due: date | None, as_of: date, due_soon_days: int) -> AssessmentStatus:
    """S6."""
    if due is None:
        return AssessmentStatus.NOT_REQUIRED
    days_until_due = (due - as_of).days
    if days_until_due < 0:  # as_of after the due date (strict)
        return AssessmentStatus.OVERDUE
    if days_until_due <= due_soon_days:  # within the window before the due date, or on it
        return AssessmentStatus.DUE_SOON
    return AssessmentStatus.OK
