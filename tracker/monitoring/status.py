"""The result of one evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .flags import FLAGS, Flag
from .records import Course, Hold, LvefMeasurement


@dataclass(frozen=True, slots=True)
class PatientStatus:
    as_of: date
    phase: str  # P1
    baseline: LvefMeasurement | None  # B1
    latest: LvefMeasurement | None  # L
    lvef_drop: Decimal | None  # B - L, None without both
    ctrcd: str  # none / mild / moderate / severe / unknown
    next_assessment_due: date | None  # S1-S5
    days_until_due: int | None  # due - as_of (negative when overdue)
    assessment_status: str  # S6
    recommendation: str  # H2-H4
    recommendation_reason: str
    cotreatment_risk: str  # C7
    doxorubicin_equivalent_mg_m2: Decimal  # C5
    flags: tuple[str, ...]  # sorted, unique
    hold_not_actioned_dates: tuple[date, ...] = ()  # H5
    infusion_during_hold_dates: tuple[date, ...] = ()  # H5
    # Context for screens: which rule set the due date, the current course, F, E, the open
    # cardiac hold deciding H2 and its age, the L4 relative GLS decline (percent).
    schedule_rule: str = ""
    course: Course | None = None
    first_infusion: date | None = None
    end_date: date | None = None
    open_cardiac_hold: Hold | None = None
    hold_age_days: int | None = None
    gls_relative_decline: Decimal | None = None
    # Version 2: the rule set and the profile applied (section 4; "" without a course), one
    # sentence per flag (same order as ``flags``), and the first later date on which the same
    # records could evaluate differently (None: never; issue 10 item 5).
    rule_set: str = "us_label"
    profile: str = ""
    explanations: tuple = ()
    stable_until: date | None = None
    rules_version: str = ""

    @property
    def flag_details(self) -> tuple[Flag, ...]:
        return tuple(FLAGS[code] for code in self.flags)

    @property
    def flag_texts(self) -> dict[str, str]:
        """Code -> the sentence for this patient (the catalogue's definition when none)."""
        texts = {e.code: e.text for e in self.explanations}
        return {code: texts.get(code, FLAGS[code].explanation) for code in self.flags}
