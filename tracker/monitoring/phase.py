"""P1: the phase of the patient's current course."""

from __future__ import annotations

from .definitions import Context
from .schedule import follow_up_over
from .vocabulary import TREATMENT_PHASES as TREATMENT_PHASES  # re-exported (v1 name)
from .vocabulary import EndReason, Phase

# Names kept for callers of version 1.
NO_COURSE = Phase.NO_COURSE
SURVEILLANCE_COMPLETE = Phase.SURVEILLANCE_COMPLETE
COMPLETED = Phase.COMPLETED
DISCONTINUED = Phase.DISCONTINUED
HELD = Phase.HELD
ACTIVE = Phase.ACTIVE
PLANNED = Phase.PLANNED
PHASES = tuple(Phase)


def phase_of(ctx: Context) -> Phase:
    """P1, in its order: the first that holds."""
    if ctx.course is None:
        return Phase.NO_COURSE
    if follow_up_over(ctx):
        return Phase.SURVEILLANCE_COMPLETE
    if ctx.end is not None:
        # P1: by end reason. interchange.md requires end_date and end_reason together; a course
        # with an end date but no reason is read as completed.
        if ctx.course.end_reason == EndReason.DISCONTINUED:
            return Phase.DISCONTINUED
        return Phase.COMPLETED
    if ctx.started:
        # P1: a hold (either reason) counts only if it belongs to the current course.
        return Phase.HELD if ctx.open_holds else Phase.ACTIVE
    return Phase.PLANNED
