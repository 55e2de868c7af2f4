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
