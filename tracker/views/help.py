"""How the tracker decides: every rule, every rule profile and every flag, generated from the rules
themselves (tracker/monitoring/catalogue.py, profiles.py, flags.py; issue 13 item 6)."""

from __future__ import annotations

from django.shortcuts import render

from tracker import selectors
from tracker.monitoring import FLAGS, PROFILES, catalogue, profile_for
from tracker.monitoring.vocabulary import Agent, Intent, RuleSet, label

from .common import require as _require


def _profiles(rule_set: str) -> list[dict]:
    # Trastuzumab's profile is the one choice the clinic's rule set makes (section 0).
    trastuzumab = {profile_for(Agent.TRASTUZUMAB, Intent.ADJUVANT, rs) for rs in RuleSet}
    in_use = profile_for(Agent.TRASTUZUMAB, Intent.ADJUVANT, rule_set)
    return [
        {
            "profile": profile,
            "hold": profile.hold,
            "discontinue": catalogue.discontinue_text(profile),
            "h4": profile.repeated_holds_limit is not None,
            "not_used_here": profile in trastuzumab and profile != in_use,
        }
        for profile in PROFILES
    ]


def flag_help(request):
    _require(request, "view_patient")
    rule_set = selectors.rule_settings().rule_set
    sections = [(section, catalogue.rules_in(section)) for section in catalogue.SECTIONS]
    flags = sorted(FLAGS.values(), key=lambda f: f.rule)
    anchors = {rule.id: rule.anchor for rule in catalogue.RULES}
    return render(
        request,
        "tracker/flags.html",
        {
            "sections": sections,
            "profiles_section": catalogue.DECLINE,
            "profiles": _profiles(rule_set),
            "rule_set": rule_set,
            "rule_set_label": label(rule_set),
            "episode_gap": catalogue.EPISODE_GAP,
            "flags": [(flag, anchors[flag.rule]) for flag in flags],
        },
    )
