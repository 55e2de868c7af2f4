"""L1-L5, H1 (the hold criteria on a measurement) and the CTRCD grade: LVEF decline.

Sources: the current profile's label (section 4); ESC 2022 Table 3 (CTRCD).
"""

from __future__ import annotations

from decimal import Decimal

from .definitions import Context
from .profiles import TRASTUZUMAB_US, Profile, Test
from .records import LvefMeasurement
from .vocabulary import HOLD_RECOMMENDATIONS as HOLD_RECOMMENDATIONS  # re-exported (v1 name)
from .vocabulary import CtrcdGrade, Phase, Recommendation

# L2: an LVEF below 40% is severe.
SEVERE_BELOW = Decimal(40)
# L4: relative GLS decline above 15% of the baseline GLS.
GLS_DECLINE_PERCENT = Decimal(15)
# CTRCD (ESC 2022 Table 3): 40 and 50 are fixed here, not the institution's LLN.
CTRCD_SEVERE_BELOW = Decimal(40)
CTRCD_MODERATE_BELOW = Decimal(50)
CTRCD_MODERATE_DROP = Decimal(10)
# L5 is raised only in these phases.
REPEAT_DUE_PHASES = (Phase.ACTIVE, Phase.HELD)

# Version 1 names, kept for callers (charts.py draws the US label's bands from them).
HOLD_DROP = TRASTUZUMAB_US.hold[0].drop_at_least  # 16
HOLD_DROP_BELOW_LLN = TRASTUZUMAB_US.hold[1].drop_at_least  # 10
CONTINUE = Recommendation.CONTINUE
HOLD = Recommendation.HOLD
MAY_RESUME = Recommendation.MAY_RESUME
DISCONTINUE = Recommendation.DISCONTINUE
NONE = Recommendation.NONE
RECOMMENDATIONS = tuple(Recommendation)


def hold_criterion(
    profile: Profile | None,
    measurement: LvefMeasurement | None,
    baseline: LvefMeasurement | None,
    lln: Decimal,
) -> Test | None:
    """H1 for ``measurement`` against B by the profile: the first criterion met, or None."""
    if profile is None or measurement is None:
        return None  # no course, no profile: H1 does not apply
    drop = baseline.value - measurement.value if baseline is not None else None
    return profile.hold_met(measurement.value, drop, lln)


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
    # GLS_B = 0 gives no decline (L4) without a test of its own: the left side is then <= 0.
    return (gls_b - abs(latest.gls)) * 100 > GLS_DECLINE_PERCENT * gls_b


def ctrcd_grade(
    baseline: LvefMeasurement | None, latest: LvefMeasurement | None, gls_decline: bool
) -> CtrcdGrade:
    """CTRCD grade, ESC 2022 Table 3 (asymptomatic)."""
    if baseline is None or latest is None:
        return CtrcdGrade.UNKNOWN
    value = latest.value
    drop = baseline.value - value
    if value < CTRCD_SEVERE_BELOW:
        # An LVEF below 40 without any drop (drop <= 0) is not CTRCD: grade none, as written.
        return CtrcdGrade.SEVERE if drop > 0 else CtrcdGrade.NONE
    if value < CTRCD_MODERATE_BELOW:
        if drop >= CTRCD_MODERATE_DROP or (drop > 0 and gls_decline):
            return CtrcdGrade.MODERATE
        return CtrcdGrade.NONE
    return CtrcdGrade.MILD if gls_decline else CtrcdGrade.NONE


def in_repeat_band(ctx: Context, baseline: LvefMeasurement | None) -> bool:
    """L5's condition on L (the profile's repeat band); called with a course and an L."""
    latest = ctx.latest
    return ctx.profile.in_repeat_band(
        latest.value, ctx.drop(baseline, latest.value), ctx.settings.lln
    )


def lvef_flags(
    ctx: Context,
    phase: Phase,
    baseline: LvefMeasurement | None,
    gls_decline: bool,
    latest_criterion: Test | None,
) -> list[str]:
    """L1-L5 and H1 on L; raised in every phase where their inputs exist (section 0)."""
    flags = []
    latest = ctx.latest
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
    if phase in REPEAT_DUE_PHASES and in_repeat_band(ctx, baseline):
        flags.append("LVEF_REPEAT_DUE")  # L5
    if latest_criterion is not None:
        flags.append("LVEF_HOLD_CRITERIA")  # H1, M = L
    return flags
