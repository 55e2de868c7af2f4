"""Every flag of clinical-rules.md, with the rule that raises it and what it means in words."""

from __future__ import annotations

from dataclasses import dataclass

DANGER = "danger"
WARNING = "warning"
INFO = "info"
# A permanent fact about the patient's past treatment (C1-C3): information, not an alarm, so it
# reads grey ("secondary" is the badge colour it is shown in; issue 13 item 7).
FACT = "secondary"
SEVERITIES = (DANGER, WARNING, INFO, FACT)
# Flags that ask someone to do something: with one of them a "continue" is not shown as green
# (issue 13 item 8).
ACTION_SEVERITIES = (DANGER, WARNING)

US_MONITORING = "US label, Cardiac monitoring"
US_DOSE = "US label, Dose modifications for cardiomyopathy"
US_BOXED = "US label, Boxed warning"
ESC_TABLE_3 = "ESC 2022 Table 3"
ESC_TABLE_5 = "ESC 2022 Table 5 and section 4.1"
EU_SMPC = "EU SmPC"
ESC_FIGURE_5 = "ESC 2022 Figure 5 note e; EU SmPC"
PROFILE_LABEL = "The agent's label (rule profile, clinical-rules.md section 4)"
DOSING = "EU SmPC Missed doses; Phesgo label"


@dataclass(frozen=True, slots=True)
class Flag:
    code: str
    rule: str
    source: str
    severity: str
    title: str
    explanation: str


_ALL = (
    Flag(
        "BASELINE_MISSING",
        "B2",
        US_MONITORING,
        DANGER,
        "Baseline LVEF missing",
        "No LVEF was measured in the 3 months before the first infusion. Arrange an echo or MUGA "
        "scan now so later results can be compared with a baseline.",
    ),
    Flag(
        "BASELINE_BELOW_LLN",
        "B3",
        US_MONITORING,
        WARNING,
        "Baseline LVEF below normal",
        "The heart's pumping (LVEF) was already below the normal limit before treatment. Make "
        "sure the cardiology team has reviewed it before and during treatment.",
    ),
    Flag(
        "BASELINE_LOW_NORMAL",
        "B3",
        ESC_FIGURE_5,
        WARNING,
        "Baseline LVEF low-normal (50-54%)",
        "The heart's pumping (LVEF) before treatment was normal but below 55%. Refer to the "
        "cardio-oncology team before treatment; take care in early breast cancer.",
    ),
    Flag(
        "BASELINE_BEFORE_ANTHRACYCLINE",
        "B4",
        US_MONITORING,
        WARNING,
        "Baseline taken before anthracycline",
        "The baseline LVEF was measured before the anthracycline chemotherapy ended, so it does "
        "not show the heart just before HER2 therapy. A new baseline scan is needed.",
    ),
    Flag(
        "ASSESSMENT_OVERDUE",
        "S6",
        US_MONITORING,
        DANGER,
        "Assessment overdue",
        "The next heart scan (LVEF) is past its due date. Book the scan as soon as possible.",
    ),
    Flag(
        "ASSESSMENT_DUE_SOON",
        "S6",
        US_MONITORING,
        INFO,
        "Assessment due soon",
        "The next heart scan (LVEF) is due soon (within two weeks by default). Check that it "
        "is booked before the due date.",
    ),
    Flag(
        "LVEF_BELOW_LLN",
        "L1",
        US_MONITORING,
        WARNING,
        "LVEF below normal",
        "The latest LVEF is below the lower limit of normal. Check the hold criteria and tell "
        "the treating doctor.",
    ),
    Flag(
        "LVEF_SEVERE",
        "L2",
        ESC_TABLE_3,
        DANGER,
        "LVEF below 40%",
        "The latest LVEF is below 40%, a severe reduction in heart function. Do not give the "
        "next dose until a doctor has reviewed the patient.",
    ),
    Flag(
        "MODALITY_MISMATCH",
        "L3",
        US_MONITORING,
        INFO,
        "Different scan type from baseline",
        "The latest LVEF was measured with a different type of scan than the baseline, so the "
        "change may partly reflect the method. Confirm with the baseline's type of scan.",
    ),
    Flag(
        "GLS_DECLINE",
        "L4",
        ESC_TABLE_3,
        WARNING,
        "Strain (GLS) decline",
        "The heart muscle strain (GLS) has fallen by more than 15% of its baseline, an early "
        "sign of heart damage. Tell the treating doctor; closer monitoring may be needed.",
    ),
    Flag(
        "LVEF_HOLD_CRITERIA",
        "H1",
        PROFILE_LABEL,
        DANGER,
        "LVEF meets hold criteria",
        "The latest LVEF meets the criteria of the drug's label (or a new fall to below 40%, "
        "ESC 2022) to withhold treatment. Hold and tell the doctor.",
    ),
    Flag(
        "LVEF_REPEAT_DUE",
        "L5",
        PROFILE_LABEL,
        WARNING,
        "Repeat LVEF within 3 weeks",
        "The latest LVEF lies in the range where the drug's label continues treatment but asks "
        "for a repeat LVEF within 3 weeks. Book the repeat scan.",
    ),
    Flag(
        "RESUME_CRITERIA_MET",
        "H2",
        PROFILE_LABEL,
        INFO,
        "May resume",
        "The repeat LVEF after the hold has recovered as the drug's label requires, and the "
        "hold has lasted as long as the label asks. The doctor may decide to restart treatment.",
    ),
    Flag(
        "PERSISTENT_DECLINE",
        "H2",
        PROFILE_LABEL,
        DANGER,
        "LVEF decline not recovered",
        "The repeat LVEF after a hold for the heart has not recovered as the drug's label "
        "requires (persistent, not improved or confirmed). The label advises stopping (or "
        "strongly considering stopping) treatment; the doctor must decide.",
    ),
    Flag(
        "REPEATED_HOLDS",
        "H4",
        US_DOSE,
        DANGER,
        "Repeated cardiac holds",
        "Treatment has been held for the heart more than 3 times in this treatment episode, "
        "or a fourth suspension would be needed. The US label advises stopping trastuzumab "
        "permanently; the doctor must decide.",
    ),
    Flag(
        "HOLD_NOT_ACTIONED",
        "H5",
        PROFILE_LABEL,
        DANGER,
        "Infusion given despite hold criteria",
        "An infusion was given after an LVEF that met the hold criteria, with no cardiac hold "
        "recorded. Check whether the dose should have been held and tell the doctor.",
    ),
    Flag(
        "INFUSION_DURING_HOLD",
        "H5",
        PROFILE_LABEL,
        DANGER,
        "Infusion during a hold",
        "An infusion is recorded on a day when treatment was on hold. Check the records: either "
        "the infusion or the hold dates are wrong.",
    ),
    Flag(
        "ANTHRACYCLINE_EXPOSURE",
        "C1",
        US_BOXED,
        FACT,
        "Anthracycline exposure",
        "The patient has had anthracycline chemotherapy (for example doxorubicin), which adds to "
        "the risk of heart damage. Keep to the monitoring schedule.",
    ),
    Flag(
        "CYCLOPHOSPHAMIDE_EXPOSURE",
        "C2",
        US_BOXED,
        FACT,
        "Cyclophosphamide exposure",
        "The patient has had cyclophosphamide, which adds to the risk of heart damage. Keep to "
        "the monitoring schedule.",
    ),
    Flag(
        "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
        "C3",
        US_BOXED,
        FACT,
        "Anthracycline and cyclophosphamide",
        "The patient has had both an anthracycline and cyclophosphamide (as in the AC regimen), "
        "the highest-risk group for heart damage. Monitor the heart closely.",
    ),
    Flag(
        "CONCURRENT_ANTHRACYCLINE",
        "C4",
        US_BOXED,
        DANGER,
        "Anthracycline given with HER2 therapy",
        "Anthracycline treatment overlaps the HER2 treatment period, which greatly raises "
        "the risk of heart damage. Tell the treating doctor.",
    ),
    Flag(
        "HIGH_CUMULATIVE_ANTHRACYCLINE",
        "C5",
        ESC_TABLE_5,
        DANGER,
        "High cumulative anthracycline dose",
        "The total anthracycline dose is 250 mg/m2 doxorubicin-equivalent or more, a high risk "
        "of heart damage. Monitor the heart closely.",
    ),
    Flag(
        "ANTHRACYCLINE_DOSE_UNKNOWN",
        "C5",
        ESC_TABLE_5,
        INFO,
        "Anthracycline dose unknown",
        "An anthracycline is recorded without its total dose, so the cumulative dose cannot be "
        "checked. Add the dose from the chemotherapy records.",
    ),
    Flag(
        "ANTHRACYCLINE_AFTER_HER2",
        "C6",
        EU_SMPC,
        WARNING,
        "Anthracycline soon after trastuzumab",
        "An anthracycline was started within 7 months of the last HER2 dose; trastuzumab "
        "stays in the body that long. Tell the doctor and monitor the heart closely.",
    ),
    Flag(
        "RELOAD_DOSE_DUE",
        "D1",
        DOSING,
        WARNING,
        "Loading dose needed",
        "The next dose is late enough that it must be given as a loading dose again (IV "
        "trastuzumab: 4 mg/kg weekly or 8 mg/kg three-weekly over 90 minutes; Phesgo: the "
        "initial dose).",
    ),
)

FLAGS: dict[str, Flag] = {flag.code: flag for flag in _ALL}

# The order in which people read the flags (issue 13 item 7): what stops the next dose first,
# then what must be booked or checked, then information, and the permanent exposure facts
# (C1-C3) last. Display only: the report keeps ``PatientStatus.flags`` sorted by code.
URGENCY = (
    "LVEF_SEVERE",
    "LVEF_HOLD_CRITERIA",
    "PERSISTENT_DECLINE",
    "HOLD_NOT_ACTIONED",
    "INFUSION_DURING_HOLD",
    "REPEATED_HOLDS",
    "CONCURRENT_ANTHRACYCLINE",
    "BASELINE_MISSING",
    "ASSESSMENT_OVERDUE",
    "LVEF_BELOW_LLN",
    "GLS_DECLINE",
    "LVEF_REPEAT_DUE",
    "BASELINE_BELOW_LLN",
    "BASELINE_LOW_NORMAL",
    "BASELINE_BEFORE_ANTHRACYCLINE",
    "ANTHRACYCLINE_AFTER_HER2",
    "RELOAD_DOSE_DUE",
    "HIGH_CUMULATIVE_ANTHRACYCLINE",
    "RESUME_CRITERIA_MET",
    "ASSESSMENT_DUE_SOON",
    "MODALITY_MISMATCH",
    "ANTHRACYCLINE_DOSE_UNKNOWN",
    "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE",
    "ANTHRACYCLINE_EXPOSURE",
    "CYCLOPHOSPHAMIDE_EXPOSURE",
)
_RANK = {code: index for index, code in enumerate(URGENCY)}


def by_urgency(flags):
    """Flags (or codes) most urgent first; an unranked code after the ranked ones."""
    return sorted(flags, key=lambda f: _RANK.get(getattr(f, "code", f), len(_RANK)))
