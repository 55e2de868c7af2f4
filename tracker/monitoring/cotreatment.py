"""C1-C7: cardiotoxic co-treatment (US label boxed warning; ESC 2022 Table 5 and 4.1; EU SmPC)."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import add_months
from .definitions import Context
from .vocabulary import CotreatmentRisk, Drug

# C5, ESC 2022 Table 5: doxorubicin-equivalence factors.
DOXORUBICIN_EQUIVALENCE = {
    Drug.DOXORUBICIN: Decimal("1"),
    Drug.EPIRUBICIN: Decimal("0.8"),
    Drug.DAUNORUBICIN: Decimal("0.6"),
    Drug.IDARUBICIN: Decimal("5"),
    Drug.MITOXANTRONE: Decimal("10.5"),
}
# C5, ESC 2022 4.1: high cumulative exposure from 250 mg/m2 doxorubicin-equivalent.
HIGH_CUMULATIVE_MG_M2 = Decimal(250)
# C6, EU SmPC: avoid anthracyclines for up to 7 months after the last trastuzumab dose.
ANTHRACYCLINE_AVOIDANCE_MONTHS = 7

# Names kept for callers of version 1.
NONE = CotreatmentRisk.NONE
ELEVATED = CotreatmentRisk.ELEVATED
HIGH = CotreatmentRisk.HIGH


@dataclass(frozen=True, slots=True)
class CoTreatmentRisk:
    risk: CotreatmentRisk
    doxorubicin_equivalent_mg_m2: Decimal
    flags: tuple[str, ...]


def _her2_exposures(ctx: Context) -> list[tuple[date, date]]:
    """C4: each course's exposure, first infusion (on or before as_of) to its end date, or to
    as_of while it has not ended (an end after as_of means not ended, section 0)."""
    as_of = ctx.as_of
    exposures = []
    for course in ctx.courses:
        days = [i.date for i in course.infusions if not i.entered_in_error and i.date <= as_of]
        if not days:
            continue
        ends = (
            course.end_date if course.end_date is not None and course.end_date <= as_of else as_of
        )
        exposures.append((min(days), ends))
    return exposures


def cotreatment_risk(ctx: Context) -> CoTreatmentRisk:
    anthracyclines = ctx.anthracyclines
    has_cyclophosphamide = any(c.drug == Drug.CYCLOPHOSPHAMIDE for c in ctx.cotreatments)
    flags = []
    total = Decimal(0)
    high = False
    if has_cyclophosphamide:
        flags.append("CYCLOPHOSPHAMIDE_EXPOSURE")  # C2
    if anthracyclines:
        flags.append("ANTHRACYCLINE_EXPOSURE")  # C1
        if has_cyclophosphamide:
            flags.append("ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE")  # C3, at any times
            high = True

        # C5: sum of dose x factor over the recorded doses; a missing dose is flagged apart and
        # does not make the risk high by itself (C7).
        if any(a.cumulative_dose_mg_m2 is None for a in anthracyclines):
            flags.append("ANTHRACYCLINE_DOSE_UNKNOWN")
        for anthracycline in anthracyclines:
            dose = anthracycline.cumulative_dose_mg_m2
            if dose is not None:
                total += dose * DOXORUBICIN_EQUIVALENCE[anthracycline.drug]
        if total >= HIGH_CUMULATIVE_MG_M2:
            flags.append("HIGH_CUMULATIVE_ANTHRACYCLINE")
            high = True

        # C4: the anthracycline period (start to end; a single date when no end) overlaps any
        # course's HER2 exposure, both ends inclusive (section 0).
        exposures = _her2_exposures(ctx)
        for anthracycline in anthracyclines:
            start = anthracycline.start
            end = anthracycline.end if anthracycline.end is not None else start
            if any(start <= to and first <= end for first, to in exposures):
                flags.append("CONCURRENT_ANTHRACYCLINE")
                high = True
                break

        # C6: started (strictly) after a HER2 infusion of any course and within 7 months
        # (inclusive) of the last HER2 infusion before its start.
        infusion_days = ctx.all_infusions
        for anthracycline in anthracyclines:
            start = anthracycline.start
            i = bisect_left(infusion_days, start)  # infusions strictly before the start
            if i and start <= add_months(infusion_days[i - 1], ANTHRACYCLINE_AVOIDANCE_MONTHS):
                flags.append("ANTHRACYCLINE_AFTER_HER2")
                break

    # C7
    if high:
        risk = HIGH
    elif anthracyclines or has_cyclophosphamide:
        risk = ELEVATED
    else:
        risk = NONE
    return CoTreatmentRisk(risk, total, tuple(flags))
