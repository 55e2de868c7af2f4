"""The institution-configurable values of clinical-rules.md.

The LLN, the due-soon window and the rule set are configurable here; every label threshold is a
named value of its rule profile (profiles.py), every other fixed number a named constant in the
module of its rule family, citing its rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .vocabulary import RuleSet


@dataclass(frozen=True, slots=True)
class RuleSettings:
    # Section 0: the institution's lower limit of normal LVEF (percent).
    lln: Decimal = Decimal("50")
    # S6: "due soon" when as_of is within this many days before the due date, or on it.
    due_soon_days: int = 14
    # Section 0, "Rule set": us_label (default) or eu_smpc; changes only the trastuzumab profile.
    rule_set: RuleSet = RuleSet.US_LABEL

    def __post_init__(self) -> None:
        # Section 0: exact decimals. A setting read as int or float ("50", 50.0) is taken at its
        # written value, never as a binary fraction.
        if not isinstance(self.lln, Decimal):
            object.__setattr__(self, "lln", Decimal(str(self.lln)))
        # A setting read as text ("eu_smpc") becomes the enum; an unknown value is refused here,
        # at start-up, rather than silently using another rule set.
        object.__setattr__(self, "rule_set", RuleSet(self.rule_set))


DEFAULT_SETTINGS = RuleSettings()
