"""L1-L4, H1-H5 and the CTRCD grade: LVEF decline.

Sources: US label "Dose modifications for cardiomyopathy"; ESC 2022 Table 3 (CTRCD).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .definitions import Context
from .phase import TREATMENT_PHASES
from .records import Hold, LvefMeasurement
from .wording import percent, points

# L2, H1: an LVEF below 40% is severe and meets the hold criteria with or without a baseline.
SEVERE_BELOW = Decimal(40)
# H1: a drop of 16 points or more from baseline meets the hold criteria.
HOLD_DROP = Decimal(16)
# H1: below the LLN, a drop of 10 points or more meets the hold criteria.
HOLD_DROP_BELOW_LLN = Decimal(10)
# H2: recovered when at least the LLN and at most 15 points below baseline.
RECOVERED_MAX_DROP = Decimal(15)
# H2: may resume once the cardiac hold is at least 28 days old.
RESUME_MIN_HOLD_DAYS = 28
# H2: discontinue when not recovered and the hold is more than 56 days (8 weeks) old.
PERSISTENT_MAX_HOLD_DAYS = 56
# H4: more than 3 cardiac holds in a course (or a fourth one due) means discontinue.
MAX_CARDIAC_HOLDS = 3
# L4: relative GLS decline above 15% of the baseline GLS.
GLS_DECLINE_PERCENT = Decimal(15)
# CTRCD (ESC 2022 Table 3): 40 and 50 are fixed here, not the institution's LLN.
CTRCD_SEVERE_BELOW = Decimal(40)
CTRCD_MODERATE_BELOW = Decimal(50)
CTRCD_MODERATE_DROP = Decimal(10)

# H1 criteria, as returned by hold_criterion().
BELOW_40 = "below_40"
DROP_16 = "drop_16"
BELOW_LLN_DROP_10 = "below_lln_drop_10"

CONTINUE = "continue"
HOLD = "hold"
MAY_RESUME = "may_resume"
DISCONTINUE = "discontinue"
NONE = "none"
RECOMMENDATIONS = (CONTINUE, HOLD, MAY_RESUME, DISCONTINUE, NONE)
# The recommendations that ask the clinician to withhold the drug (H2-H4).
HOLD_RECOMMENDATIONS = (HOLD, DISCONTINUE)


def hold_criterion(value: Decimal, baseline_value: Decimal | None, lln: Decimal) -> str | None:
    """H1 for a measurement of ``value``: the first criterion met, or None."""
    if value < SEVERE_BELOW:
        return BELOW_40
    if baseline_value is None:
        return None
    drop = baseline_value - value
    if drop >= HOLD_DROP:
        return DROP_16
    if value < lln and drop >= HOLD_DROP_BELOW_LLN:
        return BELOW_LLN_DROP_10
    return None


def gls_relative_decline(baseline: LvefMeasurement, latest: LvefMeasurement) -> Decimal | None:
    """L4: (|GLS_B| - |GLS_L|) / |GLS_B| x 100; None without both GLS values or when GLS_B is 0."""
    if baseline.gls is None or latest.gls is None or baseline.gls == 0:
        return None
    gls_b = abs(baseline.gls)
    return (gls_b - abs(latest.gls)) * 100 / gls_b


def gls_declined(baseline: LvefMeasurement | None, latest: LvefMeasurement | None) -> bool:
    """L4 threshold, compared exactly by cross-multiplying (no rounded division)."""
    if baseline is None or latest is None or baseline.gls is None or latest.gls is None:
        return False
    gls_b = abs(baseline.gls)
    if gls_b == 0:
        return False
    return (gls_b - abs(latest.gls)) * 100 > GLS_DECLINE_PERCENT * gls_b


def ctrcd_grade(
    baseline: LvefMeasurement | None, latest: LvefMeasurement | None, gls_decline: bool
) -> str:
    """CTRCD grade, ESC 2022 Table 3 (asymptomatic)."""
    if baseline is None or latest is None:
        return "unknown"
    value = latest.value
    drop = baseline.value - value
    if value < CTRCD_SEVERE_BELOW:
        # An LVEF below 40 without any drop (drop <= 0) is not CTRCD: grade none, as written.
        return "severe" if drop > 0 else "none"
    if value < CTRCD_MODERATE_BELOW:
        if drop >= CTRCD_MODERATE_DROP or (drop > 0 and gls_decline):
            return "moderate"
        return "none"
    return "mild" if gls_decline else "none"


def lvef_flags(
    ctx: Context,
    baseline: LvefMeasurement | None,
    latest: LvefMeasurement | None,
    gls_decline: bool,
    latest_criterion: str | None,
) -> list[str]:
    """L1-L4 and H1 on L; raised in every phase where their inputs exist (section 0)."""
    flags = []
    if latest is None:
        return flags
    if latest.value < ctx.settings.lln:
        flags.append("LVEF_BELOW_LLN")  # L1
    if latest.value < SEVERE_BELOW:
        flags.append("LVEF_SEVERE")  # L2
    if (
        baseline is not None
        and latest.date > baseline.date
        and latest.modality != baseline.modality
    ):
        flags.append("MODALITY_MISMATCH")  # L3: "dated after B" is strict (section 0)
    if gls_decline:
        flags.append("GLS_DECLINE")  # L4
    if latest_criterion is not None:
        flags.append("LVEF_HOLD_CRITERIA")  # H1, M = L
    return flags


@dataclass(frozen=True, slots=True)
class Recommendation:
    value: str
    reason: str
    flags: tuple[str, ...] = ()
    # H2: the open cardiac hold that decided, and its age in days at as_of.
    open_cardiac_hold: Hold | None = None
    hold_age_days: int | None = None


def _criterion_words(
    criterion: str, value: Decimal, baseline: LvefMeasurement | None, lln: Decimal
) -> str:
    if criterion == BELOW_40:
        return f"LVEF {percent(value)} is below 40%"
    drop = baseline.value - value
    if criterion == DROP_16:
        return f"LVEF {percent(value)} is {points(drop)} below baseline {percent(baseline.value)}"
    return (
        f"LVEF {percent(value)} is below the LLN {percent(lln)} and {points(drop)} below "
        f"baseline {percent(baseline.value)}"
    )


_CRITERION_LABEL = {
    BELOW_40: "US label: hold below 40%",
    DROP_16: "US label: hold for a drop of 16 or more",
    BELOW_LLN_DROP_10: "US label: hold for a drop of 10 or more below the LLN",
}


def recommend(
    ctx: Context,
    phase: str,
    baseline: LvefMeasurement | None,
    latest_criterion: str | None,
) -> Recommendation:
    """H2-H4, for phases active and held; ``none`` elsewhere."""
    if phase not in TREATMENT_PHASES:
        if phase == "no_course":
            why = "the patient has no HER2 course"
        elif phase == "planned":
            why = "the course has not started (no infusion yet)"
        else:
            why = f"the course is {phase.replace('_', ' ')}"
        return Recommendation(
            NONE, f"No recommendation: {why}; H2-H4 apply only while a course is active or held."
        )

    lln = ctx.settings.lln
    latest = ctx.latest
    cardiac_holds = [h for h in ctx.holds if h.reason == "cardiac"]
    # H2: holds of one course do not overlap; were two cardiac holds open, the latest started
    # one (ctx.holds is ordered by start) is the one being managed.
    open_cardiac = [h for h in ctx.open_holds if h.reason == "cardiac"]
    open_hold = open_cardiac[-1] if open_cardiac else None

    # H4 before H2/H3: it overrides them, and then their flags are not raised. "Cardiac holds
    # started in the current course" = the course's cardiac holds started on or before as_of.
    count = len(cardiac_holds)
    if count > MAX_CARDIAC_HOLDS:
        return Recommendation(
            DISCONTINUE,
            f"H4: {count} cardiac holds in this course, more than {MAX_CARDIAC_HOLDS} "
            "(US label: discontinue after repeated holds for LVEF decline).",
            ("REPEATED_HOLDS",),
        )
    if count == MAX_CARDIAC_HOLDS and latest_criterion is not None and open_hold is None:
        words = _criterion_words(latest_criterion, latest.value, baseline, lln)
        return Recommendation(
            DISCONTINUE,
            f"H4: {words}, meeting the hold criteria again after {count} cardiac holds; a fourth "
            "suspension means discontinue (US label).",
            ("REPEATED_HOLDS",),
        )

    if open_hold is not None:
        return _recommend_during_hold(ctx, baseline, open_hold)

    # H3: no cardiac hold open.
    if latest_criterion is not None:
        words = _criterion_words(latest_criterion, latest.value, baseline, lln)
        return Recommendation(HOLD, f"H3: {words} ({_CRITERION_LABEL[latest_criterion]}).")
    if latest is None:
        reason = "H3: no LVEF is recorded, so the hold criteria (H1) are not met: continue."
    else:
        reason = f"H3: LVEF {percent(latest.value)} does not meet the hold criteria (H1): continue."
    return Recommendation(CONTINUE, reason)


def _recommend_during_hold(
    ctx: Context, baseline: LvefMeasurement | None, hold: Hold
) -> Recommendation:
    """H2: a cardiac hold is open."""
    lln = ctx.settings.lln
    age = (ctx.as_of - hold.start).days
    latest = ctx.latest
    hold_words = f"the cardiac hold started on {hold.start.isoformat()} is {age} days old"
    # R = the latest LVEF dated on or after the hold's start; L is the latest of all.
    r = latest if latest is not None and latest.date >= hold.start else None
    if r is None:
        return Recommendation(
            HOLD,
            f"H2: no LVEF since {hold_words.replace(' is ', ', ')}: keep holding; the repeat "
            "assessment (S3) decides.",
            open_cardiac_hold=hold,
            hold_age_days=age,
        )
    above_lln = r.value >= lln
    if baseline is None:
        # H2 without B: recovered = R >= LLN.
        recovered = above_lln
        detail = f"{'at least' if above_lln else 'below'} the LLN {percent(lln)}, no baseline"
    else:
        drop = baseline.value - r.value
        small_drop = drop <= RECOVERED_MAX_DROP
        recovered = above_lln and small_drop
        detail = (
            f"{'at least' if above_lln else 'below'} the LLN {percent(lln)}, "
            f"{points(drop)} below baseline {percent(baseline.value)}, "
            f"{'within' if small_drop else 'more than'} {RECOVERED_MAX_DROP}"
        )
    lvef_words = f"LVEF {percent(r.value)} on {r.date.isoformat()}"
    if recovered and age >= RESUME_MIN_HOLD_DAYS:
        return Recommendation(
            MAY_RESUME,
            f"H2: {lvef_words} has recovered ({detail}) and {hold_words} "
            f"({RESUME_MIN_HOLD_DAYS} or more): may resume.",
            ("RESUME_CRITERIA_MET",),
            hold,
            age,
        )
    if not recovered and age > PERSISTENT_MAX_HOLD_DAYS:
        return Recommendation(
            DISCONTINUE,
            f"H2: {lvef_words} has not recovered ({detail}) and {hold_words} "
            f"(more than {PERSISTENT_MAX_HOLD_DAYS}): discontinue.",
            ("PERSISTENT_DECLINE",),
            hold,
            age,
        )
    if recovered:
        reason = (
            f"H2: {lvef_words} has recovered ({detail}) but {hold_words} "
            f"(resuming needs {RESUME_MIN_HOLD_DAYS}): keep holding."
        )
    else:
        reason = (
            f"H2: {lvef_words} has not recovered ({detail}) and {hold_words} (discontinue after "
            f"more than {PERSISTENT_MAX_HOLD_DAYS}): keep holding and reassess."
        )
    return Recommendation(HOLD, reason, (), hold, age)


def hold_actions(
    ctx: Context, baseline: LvefMeasurement | None
) -> tuple[tuple[date, ...], tuple[date, ...]]:
    """H5: infusion dates that raise HOLD_NOT_ACTIONED and INFUSION_DURING_HOLD."""
    if not ctx.infusions:
        return (), ()
    lln = ctx.settings.lln
    baseline_value = baseline.value if baseline is not None else None
    cardiac_starts = [h.start for h in ctx.holds if h.reason == "cardiac"]
    not_actioned = []
    during = []
    met: dict[int, bool] = {}  # H1 per measurement, evaluated once (a handful of LVEFs)
    for infusion in ctx.infusions:
        day = infusion.date
        measurement = ctx.latest_on_or_before(day)
        if measurement is not None:
            key = id(measurement)
            if key not in met:
                met[key] = hold_criterion(measurement.value, baseline_value, lln) is not None
            if met[key]:
                # No cardiac hold of the course started in [M's date, infusion date].
                i = bisect_left(cardiac_starts, measurement.date)
                if i == len(cardiac_starts) or cardiac_starts[i] > day:
                    not_actioned.append(day)
        for hold in ctx.holds:
            if hold.start > day:
                break  # ctx.holds is ordered by start
            if hold.end is None or day < hold.end:  # start included, end excluded
                during.append(day)
                break
    return tuple(not_actioned), tuple(during)
