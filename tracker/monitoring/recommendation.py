"""H1-H5: the recommendation and the hold checks, by the current course's rule profile.

Sources: the profile's label (section 4 table); H4 the US label ("more than 3 occasions").
Nothing here branches on an agent's name: the profile carries every threshold.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from .dates import add_days
from .definitions import Context
from .profiles import Discontinue, Profile, Test
from .records import Hold, LvefMeasurement
from .sentences import (
    cite,
    criterion_sentence,
    discontinue_rule,
    discontinue_verb,
    measured,
)
from .vocabulary import TREATMENT_PHASES, HoldReason, Phase
from .vocabulary import Recommendation as Rec
from .wording import day, days


@dataclass(frozen=True, slots=True)
class Recommendation:
    value: Rec
    reason: str
    flags: tuple[str, ...] = ()
    # H2: the open cardiac hold that decided, its age in days at as_of, R and T.
    open_cardiac_hold: Hold | None = None
    hold_age_days: int | None = None
    repeat: LvefMeasurement | None = None
    trigger: LvefMeasurement | None = None
    # Sentences for the flags this rule raised (REPEATED_HOLDS has two texts, one per trigger).
    flag_texts: dict[str, str] = field(default_factory=dict)


_NOT_TREATING = {
    Phase.NO_COURSE: "the patient has no HER2 course",
    Phase.PLANNED: "the course has not started (no infusion yet)",
    Phase.COMPLETED: "the course is completed",
    Phase.DISCONTINUED: "the course is discontinued",
    Phase.SURVEILLANCE_COMPLETE: "follow-up is complete",
}


def episode_cardiac_holds(ctx: Context) -> list[Hold]:
    """H4: the cardiac holds of the episode (open ones count; ``other`` holds never do)."""
    return [h for h in ctx.episode_holds if h.reason == HoldReason.CARDIAC]


def recommend(
    ctx: Context, phase: Phase, baseline: LvefMeasurement | None, criterion: Test | None
) -> Recommendation:
    """H2-H4, for phases active and held; ``none`` elsewhere."""
    if phase not in TREATMENT_PHASES:
        return Recommendation(
            Rec.NONE,
            f"No recommendation: {_NOT_TREATING[phase]}. A recommendation is given only while "
            f"a course is active or on hold. {cite('P1')}",
        )
    profile = ctx.profile
    latest = ctx.latest
    hold = ctx.open_cardiac_hold

    # H4 (profile trastuzumab US label only) overrides H2 and H3; then their flags are not raised.
    limit = profile.repeated_holds_limit
    if limit is not None:
        count = len(episode_cardiac_holds(ctx))
        text = None
        if count > limit:
            text = (
                f"Treatment has been held for the heart {count} times in this treatment "
                f"episode, more than {limit} times. {profile.source}: discontinue after more "
                f"than {limit} suspensions for LVEF decline. {cite('H4')}"
            )
        elif count == limit and criterion is not None and hold is None:
            text = (
                f"{criterion_sentence(criterion, latest, baseline)} Treatment has already been "
                f"held for the heart {count} times in this treatment episode, so this would need "
                f"a fourth suspension. {profile.source}: discontinue rather than suspend more "
                f"than {limit} times. {cite('H4')}"
            )
        if text is not None:
            return Recommendation(
                Rec.DISCONTINUE,
                f"Discontinue: {text}",
                ("REPEATED_HOLDS",),
                flag_texts={"REPEATED_HOLDS": text},
            )

    if hold is not None:
        return _during_hold(ctx, profile, baseline, hold)

    # H3: no cardiac hold of the current course open.
    if criterion is not None:
        return Recommendation(
            Rec.HOLD, f"Hold: {criterion_sentence(criterion, latest, baseline)} {cite('H1')}"
        )
    if latest is None:
        return Recommendation(
            Rec.CONTINUE,
            f"Continue: no LVEF is recorded, so the hold criteria are not met. {cite('H3')}",
        )
    return Recommendation(
        Rec.CONTINUE,
        f"Continue: {measured(latest)} does not meet the hold criteria of the "
        f"{profile.source}. {cite('H3')}",
    )


def _recovered(
    profile: Profile, ctx: Context, baseline: LvefMeasurement | None, r: LvefMeasurement
) -> bool:
    return profile.is_recovered(r.value, ctx.drop(baseline, r.value), ctx.settings.lln)


def discontinue_condition(
    profile: Profile, hold: Hold, age: int, r: LvefMeasurement, t: LvefMeasurement | None
) -> bool:
    """H2, the profile's discontinue condition for a repeat R that has not recovered."""
    after = (r.date - hold.start).days
    if after < profile.discontinue_repeat_after_days:
        return False
    above = profile.discontinue_hold_age_above_days
    if above is not None and not age > above:
        return False
    if profile.discontinue == Discontinue.NOT_IMPROVED:
        return t is not None and r.value <= t.value  # "R <= T" (no T: false)
    return True


def _during_hold(
    ctx: Context, profile: Profile, baseline: LvefMeasurement | None, hold: Hold
) -> Recommendation:
    """H2: a cardiac hold of the current course is open."""
    age = (ctx.as_of - hold.start).days
    latest = ctx.latest
    started = f"the hold for the heart started on {day(hold.start)}"
    # R: the latest LVEF dated *after* the hold's start; T: the latest on or before it.
    r = latest if latest is not None and latest.date > hold.start else None
    t = ctx.latest_on_or_before(hold.start)
    common = {"open_cardiac_hold": hold, "hold_age_days": age, "repeat": r, "trigger": t}
    if r is None:
        return Recommendation(
            Rec.HOLD,
            f"Hold: no LVEF has been measured since {started}; the repeat scan decides. "
            f"{cite('H2')}",
            **common,
        )
    recovered = _recovered(profile, ctx, baseline, r)
    minimum = profile.minimum_hold_days
    if recovered and age >= minimum:
        lasted = f" and the hold has lasted at least {days(minimum)}" if minimum else ""
        text = (
            f"{measured(r)} has recovered (recovered means {profile.recovered_rule}){lasted}. "
            f"{profile.source}: treatment may be resumed. {cite('H2')}"
        )
        return Recommendation(
            Rec.MAY_RESUME,
            f"May resume: {text}",
            ("RESUME_CRITERIA_MET",),
            flag_texts={"RESUME_CRITERIA_MET": text},
            **common,
        )
    if not recovered and discontinue_condition(profile, hold, age, r, t):
        text = (
            f"{measured(r)}, {days((r.date - hold.start).days)} after {started}, has not "
            f"recovered (recovered means {profile.recovered_rule})"
        )
        if profile.discontinue == Discontinue.NOT_IMPROVED:
            text += f" and is no better than the {measured(t)} that led to the hold"
        text += f". {discontinue_rule(profile)}. {cite('H2')}"
        return Recommendation(
            Rec.DISCONTINUE,
            f"{discontinue_verb(profile)}: {text}",
            ("PERSISTENT_DECLINE",),
            flag_texts={"PERSISTENT_DECLINE": text},
            **common,
        )
    if recovered:
        why = (
            f"{measured(r)} has recovered, but the hold must last at least {days(minimum)}: "
            f"treatment may resume from {day(add_days(hold.start, minimum))}"
        )
    else:
        why = (
            f"{measured(r)}, {days((r.date - hold.start).days)} after {started}, has not "
            f"recovered (recovered means {profile.recovered_rule}), and the condition to stop "
            f"is not met ({discontinue_rule(profile)})"
        )
    return Recommendation(Rec.HOLD, f"Hold: {why}. {cite('H2')}", **common)


@dataclass(frozen=True, slots=True)
class HoldActions:
    not_actioned: tuple[date, ...]  # HOLD_NOT_ACTIONED
    during_hold: tuple[date, ...]  # INFUSION_DURING_HOLD
    # For the sentences: the LVEF behind the first not-actioned infusion, the first hold.
    not_actioned_lvef: LvefMeasurement | None = None
    during: Hold | None = None


def infusion_inside_hold(holds: tuple[Hold, ...], when: date) -> Hold | None:
    """H5: the hold (ordered by start) that a date lies in: start included, end excluded."""
    for hold in holds:
        if hold.start > when:
            break
        if hold.end is None or when < hold.end:
            return hold
    return None


def hold_actions(ctx: Context, baseline: LvefMeasurement | None) -> HoldActions:
    """H5, over the infusions and holds of the episode."""
    profile = ctx.profile
    if profile is None or not ctx.episode_infusions:
        return HoldActions((), ())
    lln = ctx.settings.lln
    base = baseline.value if baseline is not None else None
    cardiac_starts = [h.start for h in ctx.episode_holds if h.reason == HoldReason.CARDIAC]
    not_actioned, during = [], []
    first_lvef, first_hold = None, None
    # H1 per measurement, evaluated once; most patients have none that meets it.
    met = {
        id(m)
        for m in ctx.lvefs
        if profile.hold_met(m.value, base - m.value if base is not None else None, lln)
    }
    holds = ctx.episode_holds
    if not met and not holds:
        return HoldActions((), ())
    for when in ctx.episode_infusions:
        m = ctx.latest_on_or_before(when) if met else None
        if m is not None and id(m) in met:
            # No cardiac hold of the episode started in [M's date, infusion date].
            i = bisect_left(cardiac_starts, m.date)
            if i == len(cardiac_starts) or cardiac_starts[i] > when:
                not_actioned.append(when)
                first_lvef = first_lvef or m
        inside = infusion_inside_hold(holds, when)
        if inside is not None:
            during.append(when)
            first_hold = first_hold or inside
    return HoldActions(tuple(not_actioned), tuple(during), first_lvef, first_hold)
