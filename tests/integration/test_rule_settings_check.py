"""An unknown rule set is refused at start-up by a system check, naming the setting."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_an_unknown_rule_set_fails_the_system_check(settings):
    settings.RULE_SET = "eu"
    expected = r"(?s)tracker.E001.*not valid.*RULE_SET must be us_label or eu_smpc"
    with pytest.raises(SystemCheckError, match=expected):
        call_command("check")


@pytest.mark.parametrize("rule_set", ["us_label", "eu_smpc"])
def test_the_two_rule_sets_pass(settings, rule_set):
    settings.RULE_SET = rule_set
    call_command("check")
