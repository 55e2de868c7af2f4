"""Sentences shared by the recommendation reasons, the flag explanations and the infusion checks.

Every sentence says what was found in plain words, then what the source says, then the rule id in
brackets: the rule id and the source come after the sentence, never instead of it.
"""

from __future__ import annotations

from .profiles import Discontinue, Profile, Test
from .records import LvefMeasurement
from .wording import day, days, percent, points


def cite(rule: str) -> str:
    return f"[{rule}]"


def measured(measurement: LvefMeasurement) -> str:
    return f"LVEF {percent(measurement.value)} ({day(measurement.date)})"


def measured_on(measurement: LvefMeasurement) -> str:
    return f"LVEF of {percent(measurement.value)} on {day(measurement.date)}"


def criterion_sentence(
    test: Test, measurement: LvefMeasurement, baseline: LvefMeasurement | None
) -> str:
    """What a measurement shows and the hold criterion it meets: "LVEF fell 16 points from the
    baseline of 62% (18 Mar 2026). US label: withhold for a fall of 16 points or more." """
    value_bound = any(
        b is not None for b in (test.below, test.at_most, test.at_least, test.above)
    ) or (test.below_lln or test.at_least_lln)
    when = day(measurement.date)
    if baseline is not None and test.uses_drop:
        drop = baseline.value - measurement.value
        found = f"LVEF fell {points(drop)} from the baseline of {percent(baseline.value)}"
        found += f" to {percent(measurement.value)} ({when})." if value_bound else f" ({when})."
    elif baseline is None and test.uses_drop:
        found = f"LVEF is {percent(measurement.value)} ({when}) and there is no baseline."
    else:
        found = f"LVEF is {percent(measurement.value)} ({when})."
    return f"{found} {test.source}: {test.rule}."


def discontinue_rule(profile: Profile) -> str:
    """The profile's condition for a hold to end in discontinue, in words."""
    if profile.discontinue == Discontinue.PERSISTENT:
        return (
            f"{profile.source}: discontinue for a persistent decline, when a repeat dated "
            f"{days(profile.discontinue_repeat_after_days)} (8 weeks) or more after the hold "
            "started has not recovered and the hold is more than 8 weeks old"
        )
    verb = "strongly consider discontinuing" if profile.strongly_consider else "discontinue"
    if profile.discontinue == Discontinue.NOT_IMPROVED:
        return (
            f"{profile.source}: {verb} when a repeat dated "
            f"{days(profile.discontinue_repeat_after_days)} or more after the hold started has "
            "not recovered and is no better than the LVEF that led to the hold"
        )
    return f"{profile.source}: {verb} when the repeat after a hold has not recovered"


def discontinue_verb(profile: Profile) -> str:
    return "Strongly consider discontinuing" if profile.strongly_consider else "Discontinue"
