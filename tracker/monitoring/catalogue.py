"""Every rule id of clinical-rules.md v2, explained in a nurse's words (issue 13 item 6).

One entry per rule id, in the spec's order, for the "How the tracker decides" page. Numbers that
live in a rule module as a named constant are read from it, never retyped; numbers that belong to
a rule profile are described as "by the patient's rule profile" (the profiles are listed on the
page from profiles.py itself).
"""

from __future__ import annotations

from dataclasses import dataclass

from .baseline import BASELINE_WINDOW_MONTHS, LOW_NORMAL_BELOW
from .cotreatment import ANTHRACYCLINE_AVOIDANCE_MONTHS, HIGH_CUMULATIVE_MG_M2
from .definitions import EPISODE_GAP_DAYS
from .dosing import MISSED_DOSE_GRACE_DAYS, PHESGO_RELOAD_DAYS, SCHEDULE_INTERVAL_DAYS
from .lvef import (
    CTRCD_MODERATE_BELOW,
    CTRCD_MODERATE_DROP,
    CTRCD_SEVERE_BELOW,
    GLS_DECLINE_PERCENT,
    HOLD_DROP,
    HOLD_DROP_BELOW_LLN,
    SEVERE_BELOW,
)
from .profiles import ESC_SEVERE, PROFILES, TRASTUZUMAB_EU, TRASTUZUMAB_US, Discontinue
from .rule_settings import DEFAULT_SETTINGS
from .schedule import (
    COMPLETION_WINDOW_DAYS,
    FOLLOW_UP_GRACE_DAYS,
    FOLLOW_UP_INTERVAL_MONTHS,
    FOLLOW_UP_MONTHS,
    ON_TREATMENT_INTERVAL_MONTHS,
    ON_TREATMENT_WINDOW_MONTHS,
)
from .vocabulary import Schedule

# Sources, as the page names them.
US_LABEL = "US label"
EU_SMPC = "EU SmPC"
ESC_2022 = "ESC 2022"
AGENT_LABEL = "the agent's label"
SPEC = "clinical-rules.md (the tracker's own definitions)"

# Sections of the page, in order.
PHASE = "Phase"
BASELINE = "Baseline"
SCHEDULE = "Schedule of LVEF scans"
DECLINE = "LVEF decline and rule profiles"
COTREATMENT = "Co-treatment risk"
DOSING = "Dosing"
SECTIONS = (PHASE, BASELINE, SCHEDULE, DECLINE, COTREATMENT, DOSING)

_LLN = DEFAULT_SETTINGS.lln
_DUE_SOON = DEFAULT_SETTINGS.due_soon_days
_WEEKLY = SCHEDULE_INTERVAL_DAYS[Schedule.WEEKLY]
_THREE_WEEKLY = SCHEDULE_INTERVAL_DAYS[Schedule.EVERY_3_WEEKS]
_HOLDS_LIMIT = TRASTUZUMAB_US.repeated_holds_limit
_US_DROP = HOLD_DROP
# L5: the agents whose profiles have a repeat band ("Kadcyla, early-stage" -> "Kadcyla").
_BAND_AGENTS = " and ".join(dict.fromkeys(p.name.split(",")[0] for p in PROFILES if p.repeat_band))
_US_DROP_BELOW_LLN = HOLD_DROP_BELOW_LLN


@dataclass(frozen=True, slots=True)
class Rule:
    id: str  # the spec's rule id ("S2"); "CTRCD grade" has none of its own
    section: str
    title: str
    source: str
    explanation: str
    flags: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        """The page's anchor for this rule: ``rule-S2`` (``rule-CTRCD`` for the grade)."""
        return "rule-" + self.id.split()[0]


RULES = (
    Rule(
        "P1",
        PHASE,
        "Where the patient is in treatment",
        SPEC,
        "P1: the patient's phase is the first of these that applies: no course recorded, "
        "follow-up complete, treatment completed or discontinued (the course has an end date), "
        "held (treatment has started and a hold is open today), active (treatment has started), "
        "or planned (no infusion yet).",
    ),
    Rule(
        "B1",
        BASELINE,
        "Which scan is the baseline",
        US_LABEL,
        f"B1: the baseline LVEF is the most recent scan in the {BASELINE_WINDOW_MONTHS} months "
        "before the first infusion of this stretch of treatment, up to and including that day; "
        "before any infusion, the most recent scan from "
        f"{BASELINE_WINDOW_MONTHS} months before the planned start onwards.",
    ),
    Rule(
        "B2",
        BASELINE,
        "No baseline scan",
        US_LABEL,
        "B2: when there is no baseline scan and the patient is planned, active or held, the "
        "tracker flags it so that one is done at once, because later scans cannot be compared "
        "without it.",
        ("BASELINE_MISSING",),
    ),
    Rule(
        "B3",
        BASELINE,
        "Baseline below normal or low-normal",
        f"{US_LABEL}; {ESC_2022} Figure 5 note e; {EU_SMPC}",
        f"B3: a baseline LVEF below the lower limit of normal (default {_LLN}%) is flagged, and "
        f"so is a baseline at or above that limit but below {LOW_NORMAL_BELOW}%, which should be "
        "referred to the cardio-oncology team before treatment.",
        ("BASELINE_BELOW_LLN", "BASELINE_LOW_NORMAL"),
    ),
    Rule(
        "B4",
        BASELINE,
        "Baseline taken before the anthracycline ended",
        US_LABEL,
        "B4: when the baseline scan was taken before an anthracycline chemotherapy ended, it does "
        "not show the heart just before HER2 therapy, so a new baseline scan is needed; this also "
        "warns before the first infusion.",
        ("BASELINE_BEFORE_ANTHRACYCLINE",),
    ),
    Rule(
        "S1",
        SCHEDULE,
        "Planned treatment",
        US_LABEL,
        "S1: before treatment starts, the first scan is due "
        f"{ON_TREATMENT_INTERVAL_MONTHS} months after the baseline scan, or on the planned start "
        "date when there is no baseline; a course that continues earlier treatment (a switch) "
        "keeps the on-treatment schedule of S2 and S3.",
    ),
    Rule(
        "S2",
        SCHEDULE,
        "On treatment",
        US_LABEL,
        f"S2: on treatment, the next LVEF scan is due {ON_TREATMENT_INTERVAL_MONTHS} months after "
        "the latest one (counting scans from "
        f"{ON_TREATMENT_WINDOW_MONTHS} months before the first infusion); when no scan was ever "
        "done, it is due on the day of the first infusion, that is at once.",
    ),
    Rule(
        "S3",
        SCHEDULE,
        "Repeat scan after a decline",
        AGENT_LABEL,
        "S3: when a cardiac hold is open, or the latest LVEF meets the hold criteria, or lies in "
        "the repeat band, the repeat scan is due the recheck interval after the latest scan, by "
        f"the patient's rule profile (for example {TRASTUZUMAB_US.recheck_days} days on the US "
        f"label, {TRASTUZUMAB_EU.recheck_days} days on the EU SmPC), and this replaces the usual "
        "schedule until treatment ends; with a hold open and no scan at all, it is due at once.",
    ),
    Rule(
        "S4",
        SCHEDULE,
        "End of treatment",
        US_LABEL,
        "S4: when treatment ends, a completion scan is due within "
        f"{COMPLETION_WINDOW_DAYS} days of the end date (a scan from {COMPLETION_WINDOW_DAYS} "
        "days before the end also counts), but a scan that was already due earlier stays due "
        "on its own date.",
    ),
    Rule(
        "S5",
        SCHEDULE,
        "Follow-up after treatment",
        US_LABEL,
        "S5: after the completion scan, an early-stage patient has a scan every "
        f"{FOLLOW_UP_INTERVAL_MONTHS} months until one is done {FOLLOW_UP_MONTHS} months after "
        f"the end of treatment (less {FOLLOW_UP_GRACE_DAYS} days), and then follow-up is "
        "complete; for a metastatic patient, follow-up is complete once the completion scan "
        "is done.",
    ),
    Rule(
        "S6",
        SCHEDULE,
        "Overdue or due soon",
        US_LABEL,
        "S6: a scan is overdue when today is after its due date, and due soon when the due date "
        f"is within the next {_DUE_SOON} days (by default) or today.",
        ("ASSESSMENT_OVERDUE", "ASSESSMENT_DUE_SOON"),
    ),
    Rule(
        "L1",
        DECLINE,
        "LVEF below normal",
        US_LABEL,
        f"L1: the latest LVEF is below the lower limit of normal (default {_LLN}%).",
        ("LVEF_BELOW_LLN",),
    ),
    Rule(
        "L2",
        DECLINE,
        "Severe LVEF",
        ESC_2022,
        f"L2: the latest LVEF is below {SEVERE_BELOW}%, which is severe.",
        ("LVEF_SEVERE",),
    ),
    Rule(
        "L3",
        DECLINE,
        "Different scan type",
        US_LABEL,
        "L3: the latest scan is of another type than the baseline (echo, MUGA or cardiac MRI), so "
        "the fall is measured across methods and should be confirmed with the baseline's method.",
        ("MODALITY_MISMATCH",),
    ),
    Rule(
        "L4",
        DECLINE,
        "Strain (GLS) decline",
        ESC_2022,
        "L4: when both the baseline and the latest scan have a strain (GLS) value, a relative fall "
        f"of more than {GLS_DECLINE_PERCENT}% of the baseline strain is flagged as an early sign "
        "of heart damage.",
        ("GLS_DECLINE",),
    ),
    Rule(
        "L5",
        DECLINE,
        "Repeat band",
        AGENT_LABEL,
        "L5: for active or held patients, an LVEF in the repeat band of the patient's rule "
        f"profile ({_BAND_AGENTS} only) lets treatment continue but asks for a repeat scan "
        "within 3 weeks.",
        ("LVEF_REPEAT_DUE",),
    ),
    Rule(
        "CTRCD grade",
        DECLINE,
        "Grade of heart damage (CTRCD)",
        f"{ESC_2022} Table 3",
        f"CTRCD grade: severe when the LVEF is below {CTRCD_SEVERE_BELOW}% and has fallen; "
        f"moderate when it is from {CTRCD_SEVERE_BELOW}% to below {CTRCD_MODERATE_BELOW}% and "
        f"has fallen {CTRCD_MODERATE_DROP} points or more (or has fallen with a strain decline); "
        f"mild when it is {CTRCD_MODERATE_BELOW}% or more with a strain decline; unknown without "
        "a baseline (these numbers are fixed, not the clinic's lower limit).",
    ),
    Rule(
        "H1",
        DECLINE,
        "Hold criteria met",
        AGENT_LABEL,
        "H1: the latest LVEF meets the hold criteria of the patient's rule profile (for "
        f"example, on the US label, a fall of {_US_DROP} points or more from baseline, or a fall "
        f"of {_US_DROP_BELOW_LLN} points or more to below normal; for every profile without its "
        f"own threshold, a new fall to below {ESC_SEVERE.below}%), so the next dose should be "
        "held.",
        ("LVEF_HOLD_CRITERIA",),
    ),
    Rule(
        "H2",
        DECLINE,
        "During a cardiac hold",
        AGENT_LABEL,
        "H2: while a cardiac hold is open, the repeat scan after the hold's start decides: when it "
        "has recovered and the hold has lasted the minimum time of the patient's rule profile, "
        "treatment may resume; when it has not recovered and the profile's discontinue condition "
        "holds, the tracker recommends discontinuing; otherwise the hold continues.",
        ("RESUME_CRITERIA_MET", "PERSISTENT_DECLINE"),
    ),
    Rule(
        "H3",
        DECLINE,
        "No hold open",
        AGENT_LABEL,
        "H3: with no cardiac hold open, the tracker recommends holding the next dose when the "
        "latest LVEF meets the hold criteria, and continuing treatment otherwise.",
    ),
    Rule(
        "H4",
        DECLINE,
        "Held too many times",
        US_LABEL,
        f"H4: on the US label for trastuzumab only, a patient held for the heart more than "
        f"{_HOLDS_LIMIT} times in this stretch of treatment, or held {_HOLDS_LIMIT} times and "
        "needing a further hold, should discontinue trastuzumab.",
        ("REPEATED_HOLDS",),
    ),
    Rule(
        "H5",
        DECLINE,
        "Infusion given despite a decline or during a hold",
        AGENT_LABEL,
        "H5: an infusion given when the latest scan on or before its date met the hold criteria "
        "and no cardiac hold was started is flagged, and so is an infusion given while a hold "
        "(of any reason) was open.",
        ("HOLD_NOT_ACTIONED", "INFUSION_DURING_HOLD"),
    ),
    Rule(
        "C1",
        COTREATMENT,
        "Anthracycline given",
        US_LABEL,
        "C1: the patient has had an anthracycline (doxorubicin, epirubicin, daunorubicin, "
        "idarubicin or mitoxantrone), which adds to the risk to the heart.",
        ("ANTHRACYCLINE_EXPOSURE",),
    ),
    Rule(
        "C2",
        COTREATMENT,
        "Cyclophosphamide given",
        US_LABEL,
        "C2: the patient has had cyclophosphamide (Cytoxan), which adds to the risk to the heart.",
        ("CYCLOPHOSPHAMIDE_EXPOSURE",),
    ),
    Rule(
        "C3",
        COTREATMENT,
        "Both anthracycline and cyclophosphamide",
        US_LABEL,
        "C3: the patient has had both an anthracycline and cyclophosphamide, at any times, as in "
        "the AC regimen, which the label names as the highest-risk group.",
        ("ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",),
    ),
    Rule(
        "C4",
        COTREATMENT,
        "Anthracycline during HER2 therapy",
        US_LABEL,
        "C4: an anthracycline was given during HER2 therapy (from the first infusion to the end "
        "of a course), which the label warns against.",
        ("CONCURRENT_ANTHRACYCLINE",),
    ),
    Rule(
        "C5",
        COTREATMENT,
        "Cumulative anthracycline dose",
        f"{ESC_2022} Table 5 and section 4.1",
        "C5: the recorded anthracycline doses, converted to doxorubicin equivalents, add up to "
        f"{HIGH_CUMULATIVE_MG_M2} mg/m² or more, a high lifetime dose; a record without a dose is "
        "flagged too, because the total is then unknown.",
        ("HIGH_CUMULATIVE_ANTHRACYCLINE", "ANTHRACYCLINE_DOSE_UNKNOWN"),
    ),
    Rule(
        "C6",
        COTREATMENT,
        "Anthracycline soon after HER2 therapy",
        EU_SMPC,
        "C6: an anthracycline was started after HER2 therapy and within "
        f"{ANTHRACYCLINE_AVOIDANCE_MONTHS} months of the last HER2 infusion before it, a time in "
        "which the SmPC says to avoid anthracyclines.",
        ("ANTHRACYCLINE_AFTER_HER2",),
    ),
    Rule(
        "C7",
        COTREATMENT,
        "Overall co-treatment risk",
        f"{US_LABEL}; {ESC_2022}",
        "C7: the co-treatment risk is high when C3, C4 or the C5 dose threshold applies, "
        "elevated when the patient has had an anthracycline or cyclophosphamide, and none "
        "otherwise.",
    ),
    Rule(
        "D1",
        DOSING,
        "Reload dose after a missed dose",
        f"{EU_SMPC} Missed doses; Phesgo label",
        "D1: for an active patient on IV trastuzumab (alone or with pertuzumab), when more than "
        f"the schedule interval ({_WEEKLY} or {_THREE_WEEKLY} days) plus "
        f"{MISSED_DOSE_GRACE_DAYS} days have passed since the last infusion, the next dose is a "
        f"loading dose; on Phesgo, after {PHESGO_RELOAD_DAYS} days or more, the initial dose is "
        "given again.",
        ("RELOAD_DOSE_DUE",),
    ),
)

BY_ID = {rule.id: rule for rule in RULES}

# Definitions the rules lean on, for the page's introduction.
EPISODE_GAP = (
    "A stretch of treatment (an episode) runs across courses, such as a switch from IV to SC, "
    f"until two infusions are more than {EPISODE_GAP_DAYS} days apart; a restart after a longer "
    "gap begins a new stretch with a new baseline."
)

# H2's three discontinue conditions (section 4 table, last column), in words.
DISCONTINUE_WORDS = {
    Discontinue.PERSISTENT: (
        "persistent decline: the repeat scan has not recovered, it was taken at least "
        "{repeat} days after the hold started, and the hold is more than {age} days old"
    ),
    Discontinue.NOT_IMPROVED: (
        "not improved: the repeat scan has not recovered, it was taken at least {repeat} days "
        "after the hold started, and it is no higher than the scan that triggered the hold"
    ),
    Discontinue.CONFIRMED: "confirmed: the repeat scan has not recovered",
}


def discontinue_text(profile) -> str:
    """When a hold of ``profile`` ends in discontinue (H2), in words, from its own numbers."""
    return DISCONTINUE_WORDS[profile.discontinue].format(
        repeat=profile.discontinue_repeat_after_days, age=profile.discontinue_hold_age_above_days
    )


def rules_in(section: str) -> tuple[Rule, ...]:
    return tuple(rule for rule in RULES if rule.section == section)
