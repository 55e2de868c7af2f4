"""The "How the tracker decides" page (issue 13 item 6): every rule id, every rule profile and
every flag, generated from the rules themselves."""

import re
from html import unescape

import pytest
from django.test import override_settings

from tracker.monitoring import FLAGS, PROFILES, catalogue


def _page(client) -> str:
    response = client.get("/flags/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def _element(page: str, element_id: str) -> str:
    """The HTML from the element with ``element_id`` up to the next anchored rule or profile."""
    start = page.index(f'id="{element_id}"')
    following = re.compile(r'id="(rule|profile|section)-[^"]*"')
    match = following.search(page, start + len(element_id) + 5)
    stop = match.start() if match else len(page)
    # A profile's heading id (profile-<key>-name) belongs to its own section.
    while match and match.group(0) == f'id="{element_id}-name"':
        match = following.search(page, match.end())
        stop = match.start() if match else len(page)
    return page[start:stop]


@pytest.fixture
def page(viewer_client):
    return _page(viewer_client)


def test_the_page_is_titled_how_the_tracker_decides(page):
    assert "<title>How the tracker decides" in page
    assert re.search(r"<h1[^>]*>How the tracker decides</h1>", page)


def test_every_rule_id_has_an_anchor_and_its_explanation(page):
    for rule in catalogue.RULES:
        assert page.count(f'id="{rule.anchor}"') == 1, rule.id
        assert rule.explanation in _element(page, rule.anchor), rule.id
        assert f'href="#{rule.anchor}"' in page  # the table of contents


def test_the_sections_come_in_the_spec_order(page):
    positions = [page.index(f"{n}. {s}</h2>") for n, s in enumerate(catalogue.SECTIONS, 1)]
    assert positions == sorted(positions)
    # The rule profiles sit with the LVEF decline rules, before co-treatment.
    assert positions[3] < page.index('id="profiles"') < positions[4]


def test_every_profile_has_its_section_with_its_own_numbers(page):
    for profile in PROFILES:
        section = _element(page, f"profile-{profile.key}")
        assert profile.name in section
        assert f'class="recheck">{profile.recheck_days} days<' in section
        assert f'class="minimum-hold">{profile.minimum_hold_days} days<' in section
        assert catalogue.discontinue_text(profile) in section
        for test in profile.hold:
            assert f"{test.source}: {test.rule}." in section
        assert ("Held too many times (H4): applies" in section) == (
            profile.repeated_holds_limit is not None
        )
        assert ("strongly consider discontinuing" in section) == profile.strongly_consider


def test_the_us_label_profile_reads_its_numbers(page):
    section = _element(page, "profile-trastuzumab_us_label")
    assert 'class="recheck">28 days<' in section
    assert "more than 3 cardiac holds" in section
    assert "at least 56 days after the hold started" in section
    kadcyla = _element(page, "profile-trastuzumab_emtansine_early")
    assert 'class="minimum-hold">0 days</strong> (no minimum)' in kadcyla


def test_every_flag_rule_id_links_to_its_rule(page):
    table = page[page.index('id="flags"') :]
    for code, flag in FLAGS.items():
        row = re.search(rf"<tr>(?:(?!</tr>).)*<code[^>]*>{code}</code>.*?</tr>", table, re.S)
        assert row, code
        assert f'<a href="#rule-{flag.rule}">{flag.rule}</a>' in row.group(0), code
        assert f'id="rule-{flag.rule}"' in page


def test_the_clinics_rule_set_is_named(page):
    assert "This clinic uses the <strong>US prescribing information</strong> rule set" in page
    eu = _element(page, "profile-trastuzumab_eu_smpc")
    assert "not this clinic's rule set" in eu
    assert "not this clinic's rule set" not in _element(page, "profile-trastuzumab_us_label")


@override_settings(RULE_SET="eu_smpc")
def test_an_eu_clinic_sees_its_rule_set(viewer_client):
    page = _page(viewer_client)
    assert "This clinic uses the <strong>EU SmPC</strong> rule set" in page
    assert "not this clinic's rule set" in _element(page, "profile-trastuzumab_us_label")
    assert "not this clinic's rule set" not in _element(page, "profile-trastuzumab_eu_smpc")


def test_the_page_needs_login(client):
    response = client.get("/flags/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "How the tracker decides" not in response.content.decode()
