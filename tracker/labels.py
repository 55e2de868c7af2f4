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
# Follow-up complete with an anthracycline recorded (issue 13 item 8): S5 schedules no scan after
# follow-up and no rule restarts it for a later anthracycline (B4 is about the baseline before a
# first infusion); C1 records the exposure and C7 grades the risk. Said in words, not a bare
# "Follow-up complete" beside the C1 text "Keep to the monitoring schedule".
FOLLOW_UP_ANTHRACYCLINE = (
    "Follow-up is complete, so the rules schedule no further LVEF scan (S5), and an "
    "anthracycline given afterwards does not start a new schedule. The anthracycline is "
    "recorded (C1) and the co-treatment risk is shown (C7); whether to scan the heart again is "
    "the clinician's decision."
)


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


# The quality measures (quality-measures.md, issue 14): name, what is counted, and who is counted
# and met, in a nurse's words; the measure id is shown after them.
QUALITY_MEASURES = {
    "Q1": ("Baseline before treatment", "episodes",
           "Treatment episodes that started in the period; met with an LVEF from 120 days "
           "before to 30 days after the first infusion."),
    "Q1s": ("Baseline in the 3 months before treatment", "episodes",
            "The same episodes; met with an LVEF in the 3 months up to the first infusion "
            "(the stricter rule B1)."),
    "Q2": ("Adequate monitoring on treatment", "episodes",
           "Episodes of at least 120 days that ended in the period; met with a baseline (Q1) "
           "and never more than 120 days between LVEF assessments from the first infusion to "
           "the end."),
    "Q3": ("Assessment at the end of treatment", "episodes",
           "Episodes that ended in the period; met with an LVEF from 28 days before to 28 "
           "days after the end."),
    "Q4": ("Follow-up after early-stage treatment", "episodes",
           "Early-stage episodes whose 2-year follow-up ended in the period; met with never "
           "more than 6 months and 28 days between LVEF assessments after the end (S5)."),
    "Q5": ("Declines acted on", "declines",
           "LVEF measurements in the period that newly met the hold criteria on treatment "
           "(H1); met with a cardiac hold, or a recorded review, within 7 days."),
    "Q6": ("Repeat assessment while held", "cardiac holds",
           "Cardiac holds that started in the period; met with an LVEF within the recheck "
           "interval and 7 days."),
    "Q7": ("On time at the end of the period", "patients",
           "Patients planned, on treatment, held, completed or discontinued at the period's "
           "end; met when their assessment was not overdue (S6)."),
}  # fmt: skip
# The day that places an item in a period, per measure (the drill-down's date column).
QUALITY_ITEM_DAYS = {
    "Q1": "First infusion",
    "Q1s": "First infusion",
    "Q2": "End of treatment",
    "Q3": "End of treatment",
    "Q4": "2 years after the end",
    "Q5": "LVEF date",
    "Q6": "Hold started",
    "Q7": "Taken on",
}
QUALITY_OUTCOMES = {"not_met": "Not met", "pending": "Pending"}
