"""Plain records the clinical rules read: what the selectors (or an import file) hand in.

No Django here (a test enforces it): the rules must be readable beside clinical-rules.md and
testable in milliseconds. Records marked ``entered_in_error`` are carried so that the rules, not
each caller, apply section 0 ("records entered in error are ignored everywhere").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .vocabulary import ANTHRACYCLINES as _ANTHRACYCLINES
from .vocabulary import EARLY_STAGE_INTENTS as _EARLY_STAGE_INTENTS
from .vocabulary import (
    Agent,
    Drug,
    EndReason,
    HoldReason,
    Intent,
    Modality,
    Reaction,
    Schedule,
)

# Vocabulary of ../shared/interchange.md, derived from the enums of vocabulary.py (the names stay
# for the callers that import them as ``records.AGENTS`` etc.).
AGENTS = tuple(Agent)
INTENTS = tuple(Intent)
EARLY_STAGE_INTENTS = _EARLY_STAGE_INTENTS
SCHEDULES = tuple(Schedule)
END_REASONS = tuple(EndReason)
HOLD_REASONS = tuple(HoldReason)
MODALITIES = tuple(Modality)
REACTIONS = tuple(Reaction)
ANTHRACYCLINES = _ANTHRACYCLINES
CYCLOPHOSPHAMIDE = Drug.CYCLOPHOSPHAMIDE
COTREATMENT_DRUGS = tuple(Drug)


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
