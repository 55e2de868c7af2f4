"""P1: the phase of the patient's current course."""

from __future__ import annotations

from .definitions import Context
from .schedule import follow_up_over

NO_COURSE = "no_course"
SURVEILLANCE_COMPLETE = "surveillance_complete"
COMPLETED = "completed"
DISCONTINUED = "discontinued"
HELD = "held"
ACTIVE = "active"
PLANNED = "planned"
PHASES = (NO_COURSE, PLANNED, ACTIVE, HELD, COMPLETED, DISCONTINUED, SURVEILLANCE_COMPLETE)
# H2-H4 give a recommendation only in these phases.
TREATMENT_PHASES = (ACTIVE, HELD)


def phase_of(ctx: Context) -> str:
    """P1, in its order: the first that holds."""
    if ctx.course is None:
        return NO_COURSE
    if follow_up_over(ctx):
        return SURVEILLANCE_COMPLETE
    if ctx.end is not None:
        # P1: by end reason. interchange.md requires end_date and end_reason together; a course
        # with an end date but no reason is read as completed.
        return DISCONTINUED if ctx.course.end_reason == DISCONTINUED else COMPLETED
    if ctx.first_infusion is not None:
        # P1: a hold counts only if it belongs to the current course (ctx.open_holds does).
        return HELD if ctx.open_holds else ACTIVE
    return PLANNED
