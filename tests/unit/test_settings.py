"""RuleSettings: the institution-configurable values (LLN, S6 due-soon window)."""

from decimal import Decimal

import pytest

from tracker.monitoring import DEFAULT_SETTINGS, RuleSettings

from .builders import BASELINE_DAY, active_record, lvef, run


def test_defaults():
    assert (DEFAULT_SETTINGS.lln, DEFAULT_SETTINGS.due_soon_days) == (Decimal("50"), 14)


@pytest.mark.parametrize(
    "lln", [54, 54.0, "54", Decimal("54.0")], ids=["int", "float", "str", "dec"]
)
def test_lln_is_an_exact_decimal(lln):
    settings = RuleSettings(lln=lln)
    assert settings.lln == Decimal(54)
    assert isinstance(settings.lln, Decimal)
    status = run(active_record(lvef(BASELINE_DAY, "53.9")), settings=settings)
    assert "BASELINE_BELOW_LLN" in status.flags


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        DEFAULT_SETTINGS.lln = Decimal(40)  # type: ignore[misc]
