"""B1-B4: the baseline LVEF (B)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .dates import add_months
from .definitions import Context
from .records import LvefMeasurement
from .vocabulary import Phase

# B1: the baseline is the most recent LVEF from 3 months before F (or the planned start) on.
BASELINE_WINDOW_MONTHS = 3
# B2: BASELINE_MISSING is raised only in these phases.
BASELINE_REQUIRED_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.HELD)
# B3: at or above the LLN but below 55 is low-normal (ESC 2022 Figure 5 note e; EU SmPC).
LOW_NORMAL_BELOW = Decimal(55)


def baseline_of(ctx: Context) -> LvefMeasurement | None:
    """B1. Without a course there is no baseline (B1 speaks only of the current course)."""
    if ctx.course is None:
        return None
    first = ctx.first_infusion
    if first is not None:
        return baseline_for_first_infusion(ctx, first)
    # B1 without F: on or after planned start - 3 months, no upper bound but as_of; that is L
    # whenever L is in the window, since L is the most recent measurement.
    latest = ctx.latest
    window_start = add_months(ctx.course.planned_start, -BASELINE_WINDOW_MONTHS)
    if latest is not None and latest.date >= window_start:
        return latest
    return None


def baseline_for_first_infusion(ctx: Context, first: date) -> LvefMeasurement | None:
    """B1 with F = ``first``: the most recent LVEF dated from F - 3 months up to and including F
    (quality.py uses it for the B of every episode of the history)."""
    candidate = ctx.latest_on_or_before(first)
    if candidate is not None and candidate.date >= add_months(first, -BASELINE_WINDOW_MONTHS):
        return candidate
    return None


def baseline_flags(ctx: Context, phase: Phase, baseline: LvefMeasurement | None) -> list[str]:
    flags = []
    if baseline is None:
        if phase in BASELINE_REQUIRED_PHASES:
            flags.append("BASELINE_MISSING")  # B2
        return flags
    if baseline.value < ctx.settings.lln:
        flags.append("BASELINE_BELOW_LLN")  # B3
    elif baseline.value < LOW_NORMAL_BELOW:
        flags.append("BASELINE_LOW_NORMAL")  # B3
    if anthracycline_after_baseline(ctx, baseline) is not None:
        flags.append("BASELINE_BEFORE_ANTHRACYCLINE")
    return flags


def anthracycline_after_baseline(ctx: Context, baseline: LvefMeasurement):
    """B4: the anthracycline whose end (its start when no end is recorded, section 5) came after
    B, among those ended on or before F; without F, among all started on or before as_of."""
    first = ctx.first_infusion
    for anthracycline in ctx.anthracyclines:
        ended = anthracycline.end if anthracycline.end is not None else anthracycline.start
        if (first is None or ended <= first) and baseline.date < ended:
            return anthracycline
    return None
