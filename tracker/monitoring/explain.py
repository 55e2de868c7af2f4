"""One plain sentence per raised flag, rendered from the records and the current rule profile.

FLAGS (flags.py) keeps each code's general definition; this module says what it means for this
patient: dates as "18 Mar 2026", values with "%" and "points", the source and then the rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .baseline import BASELINE_WINDOW_MONTHS, anthracycline_after_baseline
from .dates import add_days, add_months
from .definitions import Context
from .dosing import RELOAD_RULES, reload_due_from
from .flags import FLAGS
from .profiles import Test
from .recommendation import HoldActions, Recommendation
from .records import LvefMeasurement
from .sentences import cite, criterion_sentence, measured, measured_on
from .vocabulary import HoldReason, Modality, label
from .wording import day, in_sentence, number, percent

_ONE_DECIMAL = Decimal("0.1")


@dataclass(frozen=True, slots=True)
class Explanation:
    code: str
    rule: str
    text: str


def _dates(values: tuple[date, ...]) -> str:
    shown = ", ".join(day(v) for v in values[:6])
    return shown + (f" and {len(values) - 6} more" if len(values) > 6 else "")


def _due_words(ctx: Context, rule: str, due: date, baseline: LvefMeasurement | None) -> str:
    latest = ctx.latest
    if rule == "S3":
        if latest is None:
            return "on hold for the heart with no LVEF yet: due at the first infusion"
        return f"a repeat {ctx.profile.recheck_days} days after the {measured_on(latest)}"
    if rule == "S5":
        return f"follow-up every 6 months after the {measured_on(latest)}"
    if rule == "S4":
        return "the end-of-treatment assessment"
    # S1, S2: L + 3 months (without F, S1's B is L), else the planned start or F.
    if latest is not None and add_months(latest.date, 3) == due:
        return f"3 months after the {measured_on(latest)}"
    return "no baseline LVEF: due before or at the first infusion"


def explain(
    ctx: Context,
    flags: tuple[str, ...],
    baseline: LvefMeasurement | None,
    due: date | None,
    schedule_rule: str,
    criterion: Test | None,
    recommendation: Recommendation,
    actions: HoldActions,
    doxorubicin_equivalent: Decimal,
    gls_decline: Decimal | None,
) -> tuple[Explanation, ...]:
    lln = percent(ctx.settings.lln)
    latest = ctx.latest
    out = []
    for code in flags:
        text = recommendation.flag_texts.get(code)
        if text is None:
            text = _sentence(
                code, ctx, lln, latest, baseline, due, schedule_rule, criterion, actions,
                doxorubicin_equivalent, gls_decline,
            )  # fmt: skip
        out.append(Explanation(code, FLAGS[code].rule, text))
    return tuple(out)


def _sentence(
    code, ctx, lln, latest, baseline, due, schedule_rule, criterion, actions, dox, gls
) -> str:
    rule = FLAGS[code].rule
    first = ctx.first_infusion
    if code == "BASELINE_MISSING":
        if first is not None:
            where = (
                f"from {day(add_months(first, -BASELINE_WINDOW_MONTHS))} to the first infusion "
                f"on {day(first)}"
            )
        else:
            start = ctx.course.planned_start
            where = (
                f"since {day(add_months(start, -BASELINE_WINDOW_MONTHS))} (3 months before the "
                f"planned start on {day(start)})"
            )
        return (
            f"No baseline LVEF: no LVEF is recorded {where}. Arrange a scan now. US label: "
            f"assess LVEF before the first dose. {cite(rule)}"
        )
    if code == "BASELINE_BELOW_LLN":
        return (
            f"The baseline {measured(baseline)} is below the lower limit of normal ({lln}). "
            f"ESC 2022: review by cardio-oncology before and during treatment. {cite(rule)}"
        )
    if code == "BASELINE_LOW_NORMAL":
        return (
            f"The baseline {measured(baseline)} is normal but below 55%. ESC 2022 (Figure 5): "
            "refer to cardio-oncology before treatment; EU SmPC: caution in early breast cancer "
            f"with an LVEF of 55% or less. {cite(rule)}"
        )
    if code == "BASELINE_BEFORE_ANTHRACYCLINE":
        drug = anthracycline_after_baseline(ctx, baseline)
        ended = drug.end if drug.end is not None else drug.start
        return (
            f"The baseline {measured(baseline)} was taken before the {drug.drug} ended on "
            f"{day(ended)}, so it does not show the heart just before HER2 therapy. Repeat the "
            f"baseline scan. {cite(rule)}"
        )
    if code == "ASSESSMENT_OVERDUE":
        return (
            f"The next LVEF scan was due on {day(due)} "
            f"({_due_words(ctx, schedule_rule, due, baseline)}) and is overdue. Book it as soon "
            f"as possible. {cite(schedule_rule + ', S6')}"
        )
    if code == "ASSESSMENT_DUE_SOON":
        return (
            f"The next LVEF scan is due on {day(due)} "
            f"({_due_words(ctx, schedule_rule, due, baseline)}). Check that it is booked. "
            f"{cite(schedule_rule + ', S6')}"
        )
    if code == "LVEF_BELOW_LLN":
        return (
            f"The latest {measured(latest)} is below the lower limit of normal ({lln}). Tell "
            f"the treating doctor. {cite(rule)}"
        )
    if code == "LVEF_SEVERE":
        return (
            f"The latest {measured(latest)} is below 40%: severely reduced heart function. A "
            f"doctor must review before the next dose. ESC 2022 Table 3. {cite(rule)}"
        )
    if code == "MODALITY_MISMATCH":
        return (
            f"The latest LVEF ({day(latest.date)}: {label(Modality(latest.modality))}) and the "
            f"baseline ({label(Modality(baseline.modality))}) were measured with different "
            "types of scan, so part of the change may be the method. Confirm with the "
            f"baseline's type of scan. {cite(rule)}"
        )
    if code == "GLS_DECLINE":
        return (
            f"Heart muscle strain (GLS) fell {number(gls.quantize(_ONE_DECIMAL))}% relative to "
            "the baseline, more than 15%: an early sign of heart damage. ESC 2022 Table 3. "
            f"{cite(rule)}"
        )
    if code == "LVEF_REPEAT_DUE":
        repeat = add_days(latest.date, ctx.profile.recheck_days)
        return (
            f"The latest {measured(latest)} lies in the range where the {ctx.profile.source} "
            f"continues treatment but asks for a repeat LVEF within 3 weeks (by {day(repeat)}). "
            f"{cite(rule)}"
        )
    if code == "LVEF_HOLD_CRITERIA":
        return f"{criterion_sentence(criterion, latest, baseline)} {cite(rule)}"
    if code == "HOLD_NOT_ACTIONED":
        return (
            f"Infusion given on {_dates(actions.not_actioned)} after the "
            f"{measured(actions.not_actioned_lvef)}, which met the hold criteria, with no hold "
            "for the heart recorded. Check whether the dose should have been held and tell the "
            f"doctor. {cite(rule)}"
        )
    if code == "INFUSION_DURING_HOLD":
        hold = actions.during
        return (
            f"Infusion recorded on {_dates(actions.during_hold)}, inside a treatment hold "
            f"({in_sentence(label(HoldReason(hold.reason)))}) that started on {day(hold.start)}. "
            f"Either the infusion or the hold dates are wrong. {cite(rule)}"
        )
    if code == "ANTHRACYCLINE_EXPOSURE":
        return (
            "The patient has had an anthracycline, which adds to the risk of heart damage. US "
            f"label (boxed warning). {cite(rule)}"
        )
    if code == "CYCLOPHOSPHAMIDE_EXPOSURE":
        return (
            "The patient has had cyclophosphamide, which adds to the risk of heart damage. US "
            f"label (boxed warning). {cite(rule)}"
        )
    if code == "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE":
        return (
            "The patient has had both an anthracycline and cyclophosphamide (as in the AC "
            "regimen). US label: the group with the most heart problems; monitor closely. "
            f"{cite(rule)}"
        )
    if code == "CONCURRENT_ANTHRACYCLINE":
        return (
            "An anthracycline was given during HER2 treatment. US label (boxed warning): this "
            f"greatly raises the risk of heart damage; tell the treating doctor. {cite(rule)}"
        )
    if code == "HIGH_CUMULATIVE_ANTHRACYCLINE":
        return (
            f"The recorded anthracycline doses add up to {number(dox)} mg/m2 "
            "doxorubicin-equivalent, 250 or more. ESC 2022 (section 4.1): high risk of heart "
            f"damage; monitor closely. {cite(rule)}"
        )
    if code == "ANTHRACYCLINE_DOSE_UNKNOWN":
        return (
            "An anthracycline is recorded without its total dose, so the cumulative dose is "
            "unknown. Add the dose from the chemotherapy records. ESC 2022 (Table 5). "
            f"{cite(rule)}"
        )
    if code == "ANTHRACYCLINE_AFTER_HER2":
        return (
            "An anthracycline was started within 7 months of the last HER2 infusion. EU SmPC: "
            "avoid anthracyclines for up to 7 months after trastuzumab; monitor the heart "
            f"closely. {cite(rule)}"
        )
    # RELOAD_DOSE_DUE (the catalogue has no other flag).
    reload = RELOAD_RULES[ctx.course.agent]
    return (
        f"The last infusion was on {day(ctx.episode_infusions[-1])}; from "
        f"{day(reload_due_from(ctx))} the next dose must be a loading dose. {reload.source}: "
        f"{reload.instruction}. {cite(rule)}"
    )
