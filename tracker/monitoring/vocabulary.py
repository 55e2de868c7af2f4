"""The vocabulary of clinical-rules.md and interchange.md, one StrEnum per kind, with labels.

Every other module (rules, and later the models' choices, forms, import and screens) takes its
values from here, so a value exists once and a test can check that each one has a label. The
labels are plain English for the screens (issue 10 item 3).
"""

from __future__ import annotations

from enum import StrEnum


class Phase(StrEnum):  # P1
    NO_COURSE = "no_course"
    PLANNED = "planned"
    ACTIVE = "active"
    HELD = "held"
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"
    SURVEILLANCE_COMPLETE = "surveillance_complete"


class Recommendation(StrEnum):  # H2-H4
    CONTINUE = "continue"
    HOLD = "hold"
    MAY_RESUME = "may_resume"
    DISCONTINUE = "discontinue"
    NONE = "none"


class AssessmentStatus(StrEnum):  # S6
    OK = "ok"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    NOT_REQUIRED = "not_required"


class CotreatmentRisk(StrEnum):  # C7
    NONE = "none"
    ELEVATED = "elevated"
    HIGH = "high"


class CtrcdGrade(StrEnum):  # ESC 2022 Table 3
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"
    UNKNOWN = "unknown"


class HoldReason(StrEnum):
    CARDIAC = "cardiac"
    OTHER = "other"


class Agent(StrEnum):  # section 0, "HER2 agents"
    TRASTUZUMAB = "trastuzumab"
    TRASTUZUMAB_SC = "trastuzumab_sc"
    PERTUZUMAB_TRASTUZUMAB = "pertuzumab_trastuzumab"
    PERTUZUMAB_TRASTUZUMAB_SC = "pertuzumab_trastuzumab_sc"  # Phesgo, new in version 2
    TRASTUZUMAB_EMTANSINE = "trastuzumab_emtansine"
    TRASTUZUMAB_DERUXTECAN = "trastuzumab_deruxtecan"


class Intent(StrEnum):
    ADJUVANT = "adjuvant"
    NEOADJUVANT = "neoadjuvant"
    METASTATIC = "metastatic"


class Schedule(StrEnum):
    WEEKLY = "weekly"
    EVERY_3_WEEKS = "every_3_weeks"


class EndReason(StrEnum):
    COMPLETED = "completed"
    DISCONTINUED = "discontinued"


class Modality(StrEnum):
    ECHO = "echo"
    MUGA = "muga"
    CMR = "cmr"


class Reaction(StrEnum):
    NONE = "none"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Drug(StrEnum):  # section 5
    DOXORUBICIN = "doxorubicin"
    EPIRUBICIN = "epirubicin"
    DAUNORUBICIN = "daunorubicin"
    IDARUBICIN = "idarubicin"
    MITOXANTRONE = "mitoxantrone"
    CYCLOPHOSPHAMIDE = "cyclophosphamide"


class ScanRequestState(StrEnum):  # issue 12 item 1: workflow, not read by the rules
    REQUESTED = "requested"
    BOOKED = "booked"
    DONE = "done"
    DID_NOT_ATTEND = "did_not_attend"
    CANCELLED = "cancelled"


class ReviewDecision(StrEnum):  # issue 12 item 2: workflow, not read by the rules
    HOLD_RECORDED = "hold_recorded"
    CONTINUE_DESPITE_CRITERIA = "continue_despite_criteria"
    DISCONTINUE = "discontinue"
    RESUME = "resume"
    REFER_TO_CARDIOLOGY = "refer_to_cardiology"


class ContactMethod(StrEnum):  # issue 12 item 3
    PHONE = "phone"
    LETTER = "letter"
    EMAIL = "email"
    IN_PERSON = "in_person"
    MESSAGE = "message"


class ContactOutcome(StrEnum):  # issue 12 item 3
    REACHED_BOOKED = "reached_booked"
    REACHED_DECLINED = "reached_declined"
    REACHED_WILL_CALL_BACK = "reached_will_call_back"
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"
    LETTER_SENT = "letter_sent"


class RuleSet(StrEnum):  # section 0, "Rule set"
    US_LABEL = "us_label"
    EU_SMPC = "eu_smpc"


class ChairState(StrEnum):  # the chair list's "safe to dose?" (issue 12 item 6; chair.py)
    STOP = "stop"
    CHECK = "check"
    GO = "go"


EARLY_STAGE_INTENTS = (Intent.ADJUVANT, Intent.NEOADJUVANT)
ANTHRACYCLINES = (
    Drug.DOXORUBICIN,
    Drug.EPIRUBICIN,
    Drug.DAUNORUBICIN,
    Drug.IDARUBICIN,
    Drug.MITOXANTRONE,
)
# H2-H4 give a recommendation only in these phases.
TREATMENT_PHASES = (Phase.ACTIVE, Phase.HELD)
# The recommendations that ask the clinician to withhold the drug.
HOLD_RECOMMENDATIONS = (Recommendation.HOLD, Recommendation.DISCONTINUE)

ENUMS: tuple[type[StrEnum], ...] = (
    Phase,
    Recommendation,
    AssessmentStatus,
    CotreatmentRisk,
    CtrcdGrade,
    HoldReason,
    Agent,
    Intent,
    Schedule,
    EndReason,
    Modality,
    Reaction,
    Drug,
    ScanRequestState,
    ReviewDecision,
    ContactMethod,
    ContactOutcome,
    RuleSet,
    ChairState,
)

# Keyed by enum class: the same value ("none", "completed") means different things in two enums.
LABELS: dict[type[StrEnum], dict[str, str]] = {
    Phase: {
        "no_course": "No treatment course",
        "planned": "Planned (not started)",
        "active": "On treatment",
        "held": "Treatment on hold",
        "completed": "Treatment completed",
        "discontinued": "Treatment discontinued",
        "surveillance_complete": "Follow-up complete",
    },
    Recommendation: {
        "continue": "Continue treatment",
        "hold": "Hold treatment",
        "may_resume": "May resume treatment",
        "discontinue": "Discontinue treatment",
        "none": "No recommendation",
    },
    AssessmentStatus: {
        "ok": "Up to date",
        "due_soon": "Due soon",
        "overdue": "Overdue",
        "not_required": "Not required",
    },
    CotreatmentRisk: {"none": "None", "elevated": "Elevated", "high": "High"},
    CtrcdGrade: {
        "none": "None",
        "mild": "Mild",
        "moderate": "Moderate",
        "severe": "Severe",
        "unknown": "Unknown (no baseline)",
    },
    HoldReason: {"cardiac": "Cardiac (LVEF decline or heart failure)", "other": "Other"},
    Agent: {
        "trastuzumab": "Trastuzumab IV (Herceptin and biosimilars)",
        "trastuzumab_sc": "Trastuzumab SC (Herceptin SC / Hylecta)",
        "pertuzumab_trastuzumab": "Pertuzumab IV with trastuzumab IV (Perjeta)",
        "pertuzumab_trastuzumab_sc": "Pertuzumab and trastuzumab SC (Phesgo)",
        "trastuzumab_emtansine": "Trastuzumab emtansine (Kadcyla, T-DM1)",
        "trastuzumab_deruxtecan": "Trastuzumab deruxtecan (Enhertu, T-DXd)",
    },
    Intent: {"adjuvant": "Adjuvant", "neoadjuvant": "Neoadjuvant", "metastatic": "Metastatic"},
    Schedule: {"weekly": "Weekly", "every_3_weeks": "Every 3 weeks"},
    EndReason: {"completed": "Completed", "discontinued": "Discontinued"},
    Modality: {"echo": "Echocardiogram", "muga": "MUGA scan", "cmr": "Cardiac MRI"},
    Reaction: {"none": "None", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"},
    Drug: {
        "doxorubicin": "Doxorubicin (Adriamycin)",
        "epirubicin": "Epirubicin",
        "daunorubicin": "Daunorubicin",
        "idarubicin": "Idarubicin",
        "mitoxantrone": "Mitoxantrone",
        "cyclophosphamide": "Cyclophosphamide (Cytoxan)",
    },
    ScanRequestState: {
        "requested": "Requested",
        "booked": "Booked",
        "done": "Done",
        "did_not_attend": "Did not attend",
        "cancelled": "Cancelled",
    },
    ReviewDecision: {
        "hold_recorded": "Hold recorded",
        "continue_despite_criteria": "Continue despite the criteria",
        "discontinue": "Discontinue",
        "resume": "Resume treatment",
        "refer_to_cardiology": "Refer to cardiology",
    },
    ContactMethod: {
        "phone": "Phone",
        "letter": "Letter",
        "email": "Email",
        "in_person": "In person",
        "message": "Message",
    },
    ContactOutcome: {
        "reached_booked": "Reached, booked",
        "reached_declined": "Reached, declined",
        "reached_will_call_back": "Reached, will call back",
        "no_answer": "No answer",
        "wrong_number": "Wrong number",
        "letter_sent": "Letter sent",
    },
    RuleSet: {"us_label": "US prescribing information", "eu_smpc": "EU SmPC"},
    ChairState: {
        "stop": "Stop: do not dose",
        "check": "Check before dosing",
        "go": "Go: nothing stops this dose",
    },
}


def label(member: StrEnum) -> str:
    """The plain-English label of one enum member."""
    return LABELS[type(member)][member.value]


def choices(enum: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs in declaration order, for model and form choices."""
    return [(m.value, label(m)) for m in enum]
