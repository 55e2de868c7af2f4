"""One evaluation of clinical-rules.md for one patient at one date."""

from __future__ import annotations

from datetime import date

from .baseline import baseline_flags, baseline_of
from .cotreatment import cotreatment_risk
from .definitions import build_context
from .dosing import reload_dose_due
from .explain import explain
from .lvef import ctrcd_grade, gls_declined, gls_relative_decline, hold_criterion, lvef_flags
from .phase import phase_of
from .recommendation import hold_actions, recommend
from .records import PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .schedule import assessment_status, next_assessment_due
from .stability import stable_until
from .status import PatientStatus
from .vocabulary import AssessmentStatus

# Changes whenever rule code changes, so that stored statuses evaluated by older code are redone.
RULES_VERSION = "2.0"


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
    if status == AssessmentStatus.OVERDUE:
        flags.append("ASSESSMENT_OVERDUE")
    elif status == AssessmentStatus.DUE_SOON:
        flags.append("ASSESSMENT_DUE_SOON")

    gls_decline = gls_declined(baseline, latest)
    criterion = hold_criterion(ctx.profile, latest, baseline, settings.lln)  # H1 on L
    flags += lvef_flags(ctx, phase, baseline, gls_decline, criterion)

    recommendation = recommend(ctx, phase, baseline, criterion)
    flags += recommendation.flags

    actions = hold_actions(ctx, baseline)
    if actions.not_actioned:
        flags.append("HOLD_NOT_ACTIONED")
    if actions.during_hold:
        flags.append("INFUSION_DURING_HOLD")

    risk = cotreatment_risk(ctx)
    flags += risk.flags

    if reload_dose_due(ctx, phase):
        flags.append("RELOAD_DOSE_DUE")

    both = baseline is not None and latest is not None
    gls_relative = gls_relative_decline(baseline, latest) if both else None
    codes = tuple(sorted(set(flags)))
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
        flags=codes,
        hold_not_actioned_dates=actions.not_actioned,
        infusion_during_hold_dates=actions.during_hold,
        schedule_rule=schedule_rule,
        course=ctx.course,
        first_infusion=ctx.first_infusion,
        end_date=ctx.end,
        open_cardiac_hold=recommendation.open_cardiac_hold,
        hold_age_days=recommendation.hold_age_days,
        gls_relative_decline=gls_relative,
        rule_set=settings.rule_set,
        profile=ctx.profile.key if ctx.profile is not None else "",
        explanations=explain(
            ctx,
            codes,
            baseline,
            due,
            schedule_rule,
            criterion,
            recommendation,
            actions,
            risk.doxorubicin_equivalent_mg_m2,
            gls_relative,
        ),
        stable_until=stable_until(record, ctx, due),
        rules_version=RULES_VERSION,
    )
