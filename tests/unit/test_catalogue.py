"""The rule catalogue (issue 13 item 6): every rule id of the spec once, every flag raised by the
rule the flag names, every explanation a sentence."""

import re
from pathlib import Path

import pytest

from tracker.monitoring import FLAGS, PROFILES, catalogue

SPEC = Path(__file__).resolve().parents[2] / "docs" / "clinical-rules.md"


def _spec_ids() -> list[str]:
    text = SPEC.read_text(encoding="utf-8")
    # Rule ids are bold (**S2**); P1 is named only in its heading, "## 1. Phase (P1)".
    ids = set(re.findall(r"\*\*([A-Z]\d)\*\*", text))
    ids |= set(re.findall(r"^## .*\(([A-Z]\d)\)$", text, flags=re.MULTILINE))
    return sorted(ids)


def test_the_spec_ids_are_parsed():
    ids = _spec_ids()
    assert {"P1", "B1", "S6", "L5", "H5", "C7", "D1"} <= set(ids)
    assert len(ids) == 29


def test_every_spec_rule_id_is_catalogued_exactly_once():
    ids = [rule.id for rule in catalogue.RULES]
    assert len(ids) == len(set(ids))
    assert sorted(set(ids) - {"CTRCD grade"}) == _spec_ids()
    assert "CTRCD grade" in ids


def test_every_flag_is_raised_by_the_rule_it_names():
    raised = {code: rule.id for rule in catalogue.RULES for code in rule.flags}
    assert set(raised) == set(FLAGS)
    for code, flag in FLAGS.items():
        assert raised[code] == flag.rule, code


@pytest.mark.parametrize("rule", catalogue.RULES, ids=lambda r: r.id)
def test_every_explanation_is_a_sentence_that_starts_with_its_id(rule):
    assert rule.explanation.startswith(rule.id + ":")
    assert rule.explanation.endswith(".")
    assert len(rule.explanation.split()) >= 8
    assert rule.source and rule.title
    assert rule.section in catalogue.SECTIONS
    assert re.fullmatch(r"rule-[A-Z][A-Z0-9]*", rule.anchor)


def test_numbers_come_from_the_rule_modules():
    assert "due 3 months after the latest one" in catalogue.BY_ID["S2"].explanation
    assert "250 mg/m²" in catalogue.BY_ID["C5"].explanation
    assert "more than 3 times" in catalogue.BY_ID["H4"].explanation
    assert catalogue.BY_ID["CTRCD grade"].anchor == "rule-CTRCD"
    # Profile numbers are read from the profiles.
    assert "28 days on the US label, 21 days on the EU SmPC" in catalogue.BY_ID["S3"].explanation
    assert "a fall of 16 points or more" in catalogue.BY_ID["H1"].explanation
    assert "(Kadcyla and Enhertu only)" in catalogue.BY_ID["L5"].explanation


def test_sections_are_in_the_spec_order_and_each_has_rules():
    order = [catalogue.SECTIONS.index(rule.section) for rule in catalogue.RULES]
    assert order == sorted(order)
    for section in catalogue.SECTIONS:
        assert catalogue.rules_in(section)


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.key)
def test_every_profile_has_its_discontinue_condition_in_words(profile):
    text = catalogue.discontinue_text(profile)
    assert text.startswith(profile.discontinue)
    assert "{" not in text and "None" not in text
    if profile.discontinue_repeat_after_days:
        assert f"{profile.discontinue_repeat_after_days} days" in text
