"""B1-B4: the baseline LVEF (B) of the current course."""

from __future__ import annotations

from .dates import add_months
from .definitions import Context
from .records import LvefMeasurement

# B1: the baseline is the most recent LVEF from 3 months before F (or the planned start) on.
BASELINE_WINDOW_MONTHS = 3
# B2: BASELINE_MISSING is raised only in these phases.
BASELINE_REQUIRED_PHASES = ("planned", "active", "held")


def baseline_of(ctx: Context) -> LvefMeasurement | None:
    """B1. Without a course there is no baseline (B1 speaks only of the current course)."""
    if ctx.course is None:
        return None
    if ctx.first_infusion is not None:
        first = ctx.first_infusion
        candidate = ctx.latest_on_or_before(first)
        if candidate is not None and candidate.date >= add_months(first, -BASELINE_WINDOW_MONTHS):
            return candidate
        return None
    # B1 without F: on or after planned start - 3 months, no upper bound but as_of; that is L
    # whenever L is in the window, since L is the most recent measurement.
    latest = ctx.latest
    window_start = add_months(ctx.course.planned_start, -BASELINE_WINDOW_MONTHS)
    if latest is not None and latest.date >= window_start:
        return latest
    return None


def baseline_flags(ctx: Context, phase: str, baseline: LvefMeasurement | None) -> list[str]:
    flags = []
    if baseline is None:
        if phase in BASELINE_REQUIRED_PHASES:
            flags.append("BASELINE_MISSING")  # B2
        return flags
    if baseline.value < ctx.settings.lln:
        flags.append("BASELINE_BELOW_LLN")  # B3
    first = ctx.first_infusion
    if first is not None:
        for anthracycline in ctx.anthracyclines:
            # B4: an anthracycline that ended on or before F (its start when no end is recorded,
            # section 5: "a single date when absent") with B dated before that end.
            ended = anthracycline.end if anthracycline.end is not None else anthracycline.start
            if ended <= first and baseline.date < ended:
                flags.append("BASELINE_BEFORE_ANTHRACYCLINE")
                break
    return flags
