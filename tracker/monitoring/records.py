"""Plain records the clinical rules read: what the selectors (or an import file) hand in.

No Django here (a test enforces it): the rules must be readable beside clinical-rules.md and
testable in milliseconds. Records marked ``entered_in_error`` are carried so that the rules, not
each caller, apply section 0 ("records entered in error are ignored everywhere").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Vocabulary of ../shared/interchange.md.
AGENTS = (
    "trastuzumab",
    "trastuzumab_sc",
    "pertuzumab_trastuzumab",
    "trastuzumab_emtansine",
    "trastuzumab_deruxtecan",
)
INTENTS = ("adjuvant", "neoadjuvant", "metastatic")
EARLY_STAGE_INTENTS = ("adjuvant", "neoadjuvant")
SCHEDULES = ("weekly", "every_3_weeks")
END_REASONS = ("completed", "discontinued")
HOLD_REASONS = ("cardiac", "other")
MODALITIES = ("echo", "muga", "cmr")
REACTIONS = ("none", "mild", "moderate", "severe")
ANTHRACYCLINES = ("doxorubicin", "epirubicin", "daunorubicin", "idarubicin", "mitoxantrone")
CYCLOPHOSPHAMIDE = "cyclophosphamide"
COTREATMENT_DRUGS = ANTHRACYCLINES + (CYCLOPHOSPHAMIDE,)


@dataclass(frozen=True, slots=True)
class Infusion:
    date: date
    dose_mg: Decimal
    loading_dose: bool = False
    duration_minutes: int | None = None
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class Hold:
    start: date
    end: date | None
    reason: str  # HOLD_REASONS
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class Course:
    agent: str
    intent: str
    schedule: str
    planned_start: date
    end_date: date | None = None
    end_reason: str | None = None
    infusions: tuple[Infusion, ...] = ()
    holds: tuple[Hold, ...] = ()
    # Recording order: of two courses with the same planned start, the higher is current
    # (section 0, ties).
    sequence: int = 0
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class LvefMeasurement:
    date: date
    value: Decimal
    modality: str  # MODALITIES
    gls: Decimal | None = None
    # Recording order: of two measurements on one date, the higher is more recent (section 0, ties).
    sequence: int = 0
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class CoTreatment:
    drug: str  # COTREATMENT_DRUGS
    start: date
    end: date | None = None
    cumulative_dose_mg_m2: Decimal | None = None
    entered_in_error: bool = False


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """Everything the rules need about one patient; ``key`` is what the caller uses (the MRN)."""

    key: str = ""
    courses: tuple[Course, ...] = ()
    lvef: tuple[LvefMeasurement, ...] = ()
    cotreatments: tuple[CoTreatment, ...] = field(default=())
