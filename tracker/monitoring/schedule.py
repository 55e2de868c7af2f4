"""S1-S6: when the next LVEF assessment is due (US label, "Cardiac monitoring")."""

from __future__ import annotations

from datetime import date

from .dates import add_days, add_months, add_months_then_days
from .definitions import Context
from .records import EARLY_STAGE_INTENTS, LvefMeasurement

# S1, S2: one assessment every 3 months while planned or on treatment.
ON_TREATMENT_INTERVAL_MONTHS = 3
# S2: an LVEF counts for the schedule from F - 3 months (the B1 window).
ON_TREATMENT_WINDOW_MONTHS = 3
# S3: repeat assessment 4 weeks after the last one while held for a cardiac reason.
CARDIAC_HOLD_REPEAT_DAYS = 28
# S4: the completion assessment is an LVEF dated on or after E - 28 days; due E + 28 days.
COMPLETION_WINDOW_DAYS = 28
# S5: early-stage follow-up every 6 months until an LVEF dated on or after E + 24 months - 28 days.
FOLLOW_UP_INTERVAL_MONTHS = 6
FOLLOW_UP_MONTHS = 24
FOLLOW_UP_GRACE_DAYS = 28

OK = "ok"
DUE_SOON = "due_soon"
OVERDUE = "overdue"
NOT_REQUIRED = "not_required"


def completion_assessment_done(ctx: Context) -> bool:
    """S4: an LVEF dated on or after E - 28 days exists (L is the most recent, so test L)."""
    latest = ctx.latest
    return (
        ctx.end is not None
        and latest is not None
        and latest.date >= add_days(ctx.end, -COMPLETION_WINDOW_DAYS)
    )


def follow_up_over(ctx: Context) -> bool:
    """S5: surveillance is complete (P1 makes this the phase ``surveillance_complete``)."""
    if ctx.course is None or not completion_assessment_done(ctx):
        return False
    if ctx.course.intent not in EARLY_STAGE_INTENTS:
        # S5: metastatic intent, over once the completion assessment is satisfied.
        return True
    follow_up_end = add_months_then_days(ctx.end, FOLLOW_UP_MONTHS, -FOLLOW_UP_GRACE_DAYS)
    return ctx.latest.date >= follow_up_end


def cardiac_hold_open(ctx: Context) -> bool:
    # S3: holds of one course do not overlap (interchange.md); should two open holds ever be
    # recorded, a cardiac one decides, the safer reading.
    return any(h.reason == "cardiac" for h in ctx.open_holds)


def next_assessment_due(
    ctx: Context, phase: str, baseline: LvefMeasurement | None
) -> tuple[date | None, str]:
    """The due date and the rule id that set it ("" when none is due)."""
    latest = ctx.latest
    if phase == "planned":
        if baseline is not None:
            return add_months(baseline.date, ON_TREATMENT_INTERVAL_MONTHS), "S1"
        return ctx.course.planned_start, "S1"
    if phase == "held" and cardiac_hold_open(ctx):
        if latest is not None:
            # S3: even when L predates the hold (the repeat may already be overdue).
            return add_days(latest.date, CARDIAC_HOLD_REPEAT_DAYS), "S3"
        return ctx.first_infusion, "S3"
    if phase in ("active", "held"):
        window_start = add_months(ctx.first_infusion, -ON_TREATMENT_WINDOW_MONTHS)
        if latest is not None and latest.date >= window_start:
            return add_months(latest.date, ON_TREATMENT_INTERVAL_MONTHS), "S2"
        # S2: the baseline was never done, so the assessment is due from F: already overdue.
        return ctx.first_infusion, "S2"
    if phase in ("completed", "discontinued"):
        if not completion_assessment_done(ctx):
            return add_days(ctx.end, COMPLETION_WINDOW_DAYS), "S4"
        # S5: only early-stage intent reaches here (metastatic is surveillance_complete by P1).
        return add_months(latest.date, FOLLOW_UP_INTERVAL_MONTHS), "S5"
    # no_course, surveillance_complete: nothing is due.
    return None, ""


def assessment_status(due: date | None, as_of: date, due_soon_days: int) -> str:
    """S6."""
    if due is None:
        return NOT_REQUIRED
    days_until_due = (due - as_of).days
    if days_until_due < 0:  # as_of after the due date (strict)
        return OVERDUE
    if days_until_due <= due_soon_days:  # within the window before the due date, or on it
        return DUE_SOON
    return OK
