"""One evaluation of clinical-rules.md for one patient at one date."""

from __future__ import annotations

from datetime import date

from .baseline import baseline_flags, baseline_of
from .cotreatment import cotreatment_risk
from .definitions import build_context
from .dosing import reload_dose_due
from .lvef import (
    ctrcd_grade,
    gls_declined,
    gls_relative_decline,
    hold_actions,
    hold_criterion,
    lvef_flags,
    recommend,
)
from .phase import phase_of
from .records import PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .schedule import OVERDUE, assessment_status, next_assessment_due
from .status import PatientStatus


def evaluate(
    record: PatientRecord, as_of: date, settings: RuleSettings = DEFAULT_SETTINGS
) -> PatientStatus:
    ctx = build_context(record, as_of, settings)
    phase = phase_of(ctx)
    baseline = baseline_of(ctx)
    latest = ctx.latest
    flags = baseline_flags(ctx, phase, baseline)

    due, schedule_rule = next_assessment_due(ctx, phase, baseline)
    status = assessment_status(due, as_of, settings.due_soon_days)
    if status == OVERDUE:
        flags.append("ASSESSMENT_OVERDUE")
    elif status == "due_soon":
        flags.append("ASSESSMENT_DUE_SOON")

    gls_decline = gls_declined(baseline, latest)
    criterion = None
    if latest is not None:
        criterion = hold_criterion(
            latest.value, baseline.value if baseline is not None else None, settings.lln
        )
    flags += lvef_flags(ctx, baseline, latest, gls_decline, criterion)

    recommendation = recommend(ctx, phase, baseline, criterion)
    flags += recommendation.flags

    not_actioned, during_hold = hold_actions(ctx, baseline)
    if not_actioned:
        flags.append("HOLD_NOT_ACTIONED")
    if during_hold:
        flags.append("INFUSION_DURING_HOLD")

    risk = cotreatment_risk(ctx)
    flags += risk.flags

    if reload_dose_due(ctx, phase):
        flags.append("RELOAD_DOSE_DUE")

    both = baseline is not None and latest is not None
    return PatientStatus(
        as_of=as_of,
        phase=phase,
        baseline=baseline,
        latest=latest,
        lvef_drop=baseline.value - latest.value if both else None,
        ctrcd=ctrcd_grade(baseline, latest, gls_decline),
        next_assessment_due=due,
        days_until_due=(due - as_of).days if due is not None else None,
        assessment_status=status,
        recommendation=recommendation.value,
        recommendation_reason=recommendation.reason,
        cotreatment_risk=risk.risk,
        doxorubicin_equivalent_mg_m2=risk.doxorubicin_equivalent_mg_m2,
        flags=tuple(sorted(set(flags))),
        hold_not_actioned_dates=not_actioned,
        infusion_during_hold_dates=during_hold,
        schedule_rule=schedule_rule,
        course=ctx.course,
        first_infusion=ctx.first_infusion,
        end_date=ctx.end,
        open_cardiac_hold=recommendation.open_cardiac_hold,
        hold_age_days=recommendation.hold_age_days,
        gls_relative_decline=gls_relative_decline(baseline, latest) if both else None,
    )
