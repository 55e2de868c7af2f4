"""The institution-configurable values of clinical-rules.md.

Only the LLN and the due-soon window are configurable here; every other threshold is a named
constant in the module of its rule family, citing its rule id.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class RuleSettings:
    # Section 0: the institution's lower limit of normal LVEF (percent).
    lln: Decimal = Decimal("50")
    # S6: "due soon" when as_of is within this many days before the due date, or on it.
    due_soon_days: int = 14

    def __post_init__(self) -> None:
        # Section 0: exact decimals. A setting read as int or float ("50", 50.0) is taken at its
        # written value, never as a binary fraction.
        if not isinstance(self.lln, Decimal):
            object.__setattr__(self, "lln", Decimal(str(self.lln)))


DEFAULT_SETTINGS = RuleSettings()
