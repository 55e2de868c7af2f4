"""What staff must see before recording an infusion (issue 10 item 6), as pure functions.

The status is evaluated on the infusion's date from the records before it (the proposed infusion
is not part of ``record``); the checks are the rules' own results (H2-H4, S6, D1, B2, H5), plus
the first infusion's length (the loading dose is given over 90 minutes, US label / EU SmPC).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .chair import cardiac_hold_words, hold_trigger
from .evaluate import evaluate
from .recommendation import infusion_inside_hold
from .records import Course, Infusion, PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .sentences import cite
from .status import PatientStatus
from .vocabulary import HOLD_RECOMMENDATIONS, AssessmentStatus, HoldReason, label
from .wording import day, in_sentence

# The first (loading) dose is given over 90 minutes.
FIRST_INFUSION_MINUTES = 90


@dataclass(frozen=True, slots=True)
class InfusionWarning:
    code: str  # a flag code, or RECOMMENDATION_HOLD / RECOMMENDATION_DISCONTINUE / SHORT_FIRST...
    rule: str
    text: str
    # Shown in red: the dose must not be given (a hold recommended, or inside a cardiac hold;
    # issue 13 item 11).
    danger: bool = False


def infusion_checks(
    record: PatientRecord,
    course: Course,
    infusion: Infusion,
    as_of: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
) -> tuple[PatientStatus, tuple[InfusionWarning, ...]]:
    """The status at ``as_of`` (normally the infusion's date) and the warnings for recording
    ``infusion`` in ``course`` (one of ``record.courses``, compared by identity or equality)."""
    status = evaluate(record, as_of, settings)
    texts = status.flag_texts
    warnings = []
    if status.recommendation in HOLD_RECOMMENDATIONS:
        warnings.append(
            InfusionWarning(
                f"RECOMMENDATION_{status.recommendation.upper()}",
                status.recommendation_reason.rsplit("[", 1)[-1].rstrip("]"),
                f"The recommendation is not to give this dose. {status.recommendation_reason}",
                danger=True,
            )
        )
    if status.assessment_status == AssessmentStatus.OVERDUE:
        warnings.append(
            InfusionWarning(
                "ASSESSMENT_OVERDUE",
                "S6",
                f"Check the heart before this dose. {texts['ASSESSMENT_OVERDUE']}",
            )
        )
    if "RELOAD_DOSE_DUE" in status.flags and not infusion.loading_dose:
        sentence, _ = texts["RELOAD_DOSE_DUE"].rsplit(" [", 1)
        warnings.append(
            InfusionWarning(
                "RELOAD_DOSE_DUE",
                "D1",
                f"{sentence} This infusion is not marked as a loading dose. {cite('D1')}",
            )
        )
    if "BASELINE_MISSING" in status.flags:
        warnings.append(
            InfusionWarning("BASELINE_MISSING", "B2", texts["BASELINE_MISSING"]),
        )
    holds = tuple(
        sorted((h for h in course.holds if not h.entered_in_error), key=lambda h: h.start)
    )
    hold = infusion_inside_hold(holds, infusion.date)
    if hold is not None:
        ends = f"ends on {day(hold.end)}" if hold.end is not None else "is still open"
        reason = in_sentence(label(HoldReason(hold.reason)))
        cardiac = hold.reason == HoldReason.CARDIAC
        # Issue 13 item 11: a cardiac hold says, first, the LVEF behind it and what to do.
        words = f"{cardiac_hold_words(hold_trigger(record, hold))} " if cardiac else ""
        warnings.append(
            InfusionWarning(
                "INFUSION_DURING_HOLD",
                "H5",
                f"{words}The date falls inside a treatment hold "
                f"({reason}) that started on {day(hold.start)} "
                f"and {ends}: an infusion during a hold is flagged. {cite('H5')}",
                danger=cardiac,
            )
        )
    first = not any(not i.entered_in_error and i.date <= infusion.date for i in course.infusions)
    minutes = infusion.duration_minutes
    if first and minutes is not None and minutes < FIRST_INFUSION_MINUTES:
        warnings.append(
            InfusionWarning(
                "SHORT_FIRST_INFUSION",
                "D1",
                f"This is the course's first infusion and it is given over {minutes} minutes; "
                f"the first (loading) dose is given over {FIRST_INFUSION_MINUTES} minutes. "
                f"{cite('D1')}",
            )
        )
    return status, tuple(warnings)
