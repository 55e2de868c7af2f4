"""What people read for each value of the rules' vocabulary on the clinic screens, with the
colour of its badge (issue 10 item 1: out of the template tags). Keyed by the vocabulary's
StrEnums (tracker/monitoring/vocabulary.py); a test checks that every value has a label."""

from tracker.monitoring.vocabulary import AssessmentStatus, CotreatmentRisk, Phase, Recommendation

PHASE_LABELS = {
    Phase.NO_COURSE: "No course",
    Phase.PLANNED: "Planned",
    Phase.ACTIVE: "Active",
    Phase.HELD: "Held",
    Phase.COMPLETED: "Completed",
    Phase.DISCONTINUED: "Discontinued",
    Phase.SURVEILLANCE_COMPLETE: "Follow-up complete",
}
STATUS_LABELS = {
    AssessmentStatus.OVERDUE: ("Overdue", "danger"),
    AssessmentStatus.DUE_SOON: ("Due soon", "warning"),
    AssessmentStatus.OK: ("On schedule", "success"),
    AssessmentStatus.NOT_REQUIRED: ("Not required", "secondary"),
}
RECOMMENDATION_LABELS = {
    Recommendation.CONTINUE: ("Continue", "success"),
    Recommendation.HOLD: ("Hold", "danger"),
    Recommendation.MAY_RESUME: ("May resume", "info"),
    Recommendation.DISCONTINUE: ("Discontinue", "danger"),
    Recommendation.NONE: ("None", "secondary"),
}
RISK_LABELS = {
    CotreatmentRisk.NONE: ("No co-treatment risk", "secondary"),
    CotreatmentRisk.ELEVATED: ("Elevated co-treatment risk", "warning"),
    CotreatmentRisk.HIGH: ("High co-treatment risk", "danger"),
}

# What "continue" says when a flag still asks for something (issue 13 item 8): the most urgent
# reason in words, after "Continue treatment — but". A flag not named here is named by its title.
CONTINUE_BUT = {
    "ASSESSMENT_OVERDUE": "the LVEF scan is overdue",
    "BASELINE_MISSING": "there is no baseline LVEF",
    "LVEF_REPEAT_DUE": "a repeat LVEF is due within 3 weeks",
    "LVEF_BELOW_LLN": "the latest LVEF is below normal",
    "GLS_DECLINE": "the strain (GLS) has declined",
    "RELOAD_DOSE_DUE": "the next dose must be a loading dose",
    "BASELINE_BEFORE_ANTHRACYCLINE": "a new baseline scan is needed",
}
HELD_BUT = "treatment is on hold now"


def number(value) -> str:
    """A number as people write it: 423 not 423.00, 62.5 not 62.50 (issue 13 item 5)."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def points(value) -> str:
    """LVEF points: "1 point", "16 points"."""
    text = number(value)
    return f"{text} point" if text == "1" else f"{text} points"
