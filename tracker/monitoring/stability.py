"""stable_until (issue 10 item 5): the first later date on which the same records could evaluate
differently.

Every rule compares as_of with a date in only these ways, so the earliest of these dates after
as_of bounds the stretch in which the evaluation stays the same (it may be earlier than the first
real change, never later):
- a record dated after as_of becomes visible (infusion, LVEF, hold start, co-treatment start) or
  takes effect (a hold's end closes it on that day; a course's end date ends it);
- S6: the due-soon window starts (due - window) and the day after the due date is overdue;
- H2: the open hold's age reaches the minimum hold, and passes the persistent age (> 56 days);
- D1: the gap since the episode's last infusion reaches the reload threshold.
"""

from __future__ import annotations

from datetime import date

from .dates import add_days
from .definitions import Context
from .dosing import reload_due_from
from .records import PatientRecord


def _record_dates(record: PatientRecord):
    for course in record.courses:
        if course.entered_in_error:
            continue
        if course.end_date is not None:
            yield course.end_date
        for infusion in course.infusions:
            if not infusion.entered_in_error:
                yield infusion.date
        for hold in course.holds:
            if not hold.entered_in_error:
                yield hold.start
                if hold.end is not None:
                    yield hold.end
    for measurement in record.lvef:
        if not measurement.entered_in_error:
            yield measurement.date
    for cotreatment in record.cotreatments:
        if not cotreatment.entered_in_error:
            yield cotreatment.start


def stable_until(record: PatientRecord, ctx: Context, due: date | None) -> date | None:
    as_of = ctx.as_of
    candidates = list(_record_dates(record))  # those after as_of are kept below
    if due is not None:
        candidates.append(add_days(due, -ctx.settings.due_soon_days))
        candidates.append(add_days(due, 1))
    profile = ctx.profile
    if profile is not None:
        for hold in ctx.open_holds:
            candidates.append(add_days(hold.start, profile.minimum_hold_days))
            above = profile.discontinue_hold_age_above_days
            if above is not None:
                candidates.append(add_days(hold.start, above + 1))
    reload = reload_due_from(ctx)
    if reload is not None:
        candidates.append(reload)
    later = [d for d in candidates if d > as_of]
    return min(later) if later else None
