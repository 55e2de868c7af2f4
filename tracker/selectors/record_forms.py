"""What a record form shows and proposes when it opens (issue 13 items 11 and 12), and the
warnings it checks before a save (issue 10: out of the views)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker import records as rt
from tracker.models import Infusion, Patient, TreatmentCourse
from tracker.monitoring.chair import (
    Weight,
    cardiac_hold_words,
    day_status,
    hold_trigger,
    loading_dose_advice,
)
from tracker.monitoring.recommendation import infusion_inside_hold
from tracker.monitoring.vocabulary import (
    HOLD_RECOMMENDATIONS,
    HoldReason,
    Modality,
    Recommendation,
    label,
)
from tracker.monitoring.wording import day, percent

from .records import load_records, rule_settings
from .timeline import infusion_warnings


@dataclass(frozen=True)
class FormNote:
    text: str
    danger: bool = False


@dataclass(frozen=True)
class FormSetup:
    initial: dict
    notes: list[FormNote] = field(default_factory=list)

    @property
    def page(self) -> dict:
        """For the form's template."""
        return {"notes": self.notes}


def last_weight(patient: Patient, before: date | None = None) -> Weight | None:
    """The patient's last weight recorded with an infusion (any course), on or before a day."""
    rows = Infusion.objects.filter(
        course__patient=patient,
        course__entered_in_error=False,
        entered_in_error=False,
        weight_kg__isnull=False,
    )
    if before is not None:
        rows = rows.filter(date__lte=before)
    row = rows.order_by("-date", "-pk").values_list("date", "weight_kg").first()
    return Weight(*row) if row else None


def form_setup(record_type, patient: Patient, course: TreatmentCourse | None, today: date):
    """The initial values and the notes of a new record's form: today's date; for an
    infusion the open hold, the recommendation and a loading dose due (ticked, D1); for an
    LVEF the baseline's modality and the baseline and latest values; for a hold ``cardiac``
    when the rules recommend holding (H1-H4)."""
    initial = {record_type.dates[0]: today}
    if record_type not in (rt.INFUSION, rt.LVEF, rt.HOLD):
        return FormSetup(initial)
    record = load_records(Patient.objects.filter(pk=patient.pk))[patient.pk]
    status = day_status(record, today, rule_settings())
    notes = _recommendation_notes(status)
    if record_type == rt.INFUSION:
        notes = _infusion_notes(record, status, course, patient, today, initial) + notes
    elif record_type == rt.LVEF:
        baseline = status.baseline
        initial["modality"] = baseline.modality if baseline else Modality.ECHO
        notes = _lvef_notes(status)
    elif status.recommendation in HOLD_RECOMMENDATIONS:
        initial["reason"] = HoldReason.CARDIAC
    return FormSetup(initial, notes)


def _recommendation_notes(status) -> list[FormNote]:
    if status.recommendation in (Recommendation.NONE, Recommendation.CONTINUE):
        return []
    name = label(Recommendation(status.recommendation))
    return [
        FormNote(
            f"Recommendation: {name}. {status.recommendation_reason}",
            danger=status.recommendation in HOLD_RECOMMENDATIONS,
        )
    ]


def _infusion_notes(record, status, course, patient, today, initial) -> list[FormNote]:
    notes = []
    rule_course = next((c for c in record.courses if c.sequence == course.pk), None)
    holds = sorted((h for h in rule_course.holds), key=lambda h: h.start) if rule_course else []
    hold = infusion_inside_hold(tuple(holds), today)
    if hold is not None:
        ends = f"until {day(hold.end)}" if hold.end else "still open"
        if hold.reason == HoldReason.CARDIAC:
            text = f"Treatment is on hold for the heart since {day(hold.start)}, {ends}. "
            text += cardiac_hold_words(hold_trigger(record, hold))
        else:
            text = f"Treatment is on hold (other reason) since {day(hold.start)}, {ends}."
        notes.append(FormNote(text, danger=True))
    if "RELOAD_DOSE_DUE" in status.flags and status.course is not None:
        weight = last_weight(patient, today)
        advice = loading_dose_advice(status.course, weight)
        notes.append(FormNote(f"A loading dose is due: {advice}. [D1]"))
        initial["loading_dose"] = True
    return notes


def _lvef_notes(status) -> list[FormNote]:
    def shown(what, m):
        modality = label(Modality(m.modality)).lower()
        return f"{what}: LVEF {percent(m.value)} by {modality} on {day(m.date)}."

    notes = []
    if status.baseline is not None:
        notes.append(FormNote(shown("Baseline", status.baseline)))
    elif status.course is not None:  # without a course no baseline is expected yet
        notes.append(FormNote("No baseline LVEF yet; the echocardiogram is proposed."))
    if status.latest is not None and status.latest != status.baseline:
        notes.append(FormNote(shown("Latest", status.latest)))
    return notes


def record_warnings(record_type, course: TreatmentCourse | None, data: dict):
    """The warnings to confirm before saving a new record (today: infusions only)."""
    if record_type != rt.INFUSION or course is None:
        return []
    return infusion_warnings(course, data)
