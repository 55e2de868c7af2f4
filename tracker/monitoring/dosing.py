"""D1: reload dose after a missed dose (EU SmPC "Missed doses")."""

from __future__ import annotations

from .definitions import Context

# D1: the schedule interval in days.
SCHEDULE_INTERVAL_DAYS = {"weekly": 7, "every_3_weeks": 21}
# D1: a loading dose is due when more than interval + 7 days have passed since the last infusion.
MISSED_DOSE_GRACE_DAYS = 7
# D1 applies to IV trastuzumab only (not trastuzumab_sc or the other HER2 agents).
RELOAD_AGENT = "trastuzumab"


def reload_dose_due(ctx: Context, phase: str) -> bool:
    course = ctx.course
    if phase != "active" or course is None or course.agent != RELOAD_AGENT or not ctx.infusions:
        return False
    interval = SCHEDULE_INTERVAL_DAYS.get(course.schedule)
    if interval is None:
        return False
    days_since = (ctx.as_of - ctx.infusions[-1].date).days
    return days_since > interval + MISSED_DOSE_GRACE_DAYS
