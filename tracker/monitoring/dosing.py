"""D1: reload dose after a missed dose (EU SmPC "Missed doses"; Phesgo label), per agent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import add_days
from .definitions import Context
from .vocabulary import Agent, Phase, Schedule

# D1: the schedule interval in days.
SCHEDULE_INTERVAL_DAYS = {Schedule.WEEKLY: 7, Schedule.EVERY_3_WEEKS: 21}
# D1 (EU SmPC): a loading dose is due when more than interval + 7 days have passed.
MISSED_DOSE_GRACE_DAYS = 7
# D1 (Phesgo label): 6 weeks or more since the last dose: re-give the initial dose.
PHESGO_RELOAD_DAYS = 42


@dataclass(frozen=True, slots=True)
class Reload:
    """When the next dose must be a loading dose: the gap (as_of - the episode's last infusion)
    is more than the schedule interval + ``grace_days``, or at least ``gap_days``."""

    source: str
    instruction: str
    grace_days: int | None = None
    gap_days: int | None = None

    def first_due(self, last: date, schedule: str) -> date | None:
        """The first as_of on which the reload is due."""
        if self.gap_days is not None:
            return add_days(last, self.gap_days)
        interval = SCHEDULE_INTERVAL_DAYS.get(schedule)
        if interval is None:
            return None
        return add_days(last, interval + self.grace_days + 1)  # "greater than"


_TRASTUZUMAB_IV = Reload(
    "EU SmPC",
    "the next trastuzumab dose is a loading dose: 4 mg/kg weekly or 8 mg/kg three-weekly, "
    "over 90 minutes",
    grace_days=MISSED_DOSE_GRACE_DAYS,
)
# D1 per agent; agents not listed (SC trastuzumab, Kadcyla, Enhertu) have no reload rule.
RELOAD_RULES: dict[str, Reload] = {
    Agent.TRASTUZUMAB: _TRASTUZUMAB_IV,
    Agent.PERTUZUMAB_TRASTUZUMAB: _TRASTUZUMAB_IV,
    Agent.PERTUZUMAB_TRASTUZUMAB_SC: Reload(
        "Phesgo label",
        "re-give the initial (loading) dose of Phesgo",
        gap_days=PHESGO_RELOAD_DAYS,
    ),
}
# D1 (EU SmPC, US label): the IV trastuzumab loading dose in mg/kg, by schedule. Phesgo's
# loading dose is fixed (1200 mg pertuzumab / 600 mg trastuzumab): no mg/kg.
LOADING_DOSE_MG_PER_KG: dict[str, Decimal] = {
    Schedule.WEEKLY: Decimal(4),
    Schedule.EVERY_3_WEEKS: Decimal(8),
}


def loading_dose_mg_per_kg(agent: str, schedule: str) -> Decimal | None:
    """D1: the loading dose in mg/kg of the agent on the schedule (None: not weight-based or
    no reload rule)."""
    if RELOAD_RULES.get(agent) is not _TRASTUZUMAB_IV:
        return None
    return LOADING_DOSE_MG_PER_KG.get(schedule)


# Version 1 name.
RELOAD_AGENT = Agent.TRASTUZUMAB


def reload_due_from(ctx: Context) -> date | None:
    """The first as_of on which D1 is due for the current course's episode (None: never)."""
    course = ctx.course
    if course is None or not ctx.episode_infusions:
        return None
    rule = RELOAD_RULES.get(course.agent)
    if rule is None:
        return None
    return rule.first_due(ctx.episode_infusions[-1], course.schedule)


def reload_dose_due(ctx: Context, phase: Phase) -> bool:
    if phase != Phase.ACTIVE:
        return False
    due = reload_due_from(ctx)
    return due is not None and ctx.as_of >= due
