"""The LVEF chart draws the decline bands of the patient's own rule profile (issue 10 item 4)."""

from datetime import date
from decimal import Decimal

import pytest

from tracker import charts
from tracker.monitoring import LvefMeasurement, profile_for

B = LvefMeasurement(date(2026, 1, 2), Decimal("60"), "echo")
L = LvefMeasurement(date(2026, 5, 20), Decimal("48"), "echo")


def _chart(profile):
    return str(
        charts.lvef_chart(
            measurements=[B, L],
            baseline=B,
            lln=Decimal("50"),
            as_of=date(2026, 6, 1),
            profile=profile,
        )
    )


@pytest.mark.parametrize(
    ("agent", "intent", "rule_set", "titles"),
    [
        (
            "trastuzumab",
            "adjuvant",
            "us_label",
            ["fall of 10 points or more to below the lower limit", "fall of 16 points or more"],
        ),
        ("trastuzumab", "adjuvant", "eu_smpc", ["fall of 10 points or more to below 50%"]),
        ("trastuzumab_deruxtecan", "metastatic", "us_label", ["Enhertu", "Enhertu"]),
    ],
)
def test_bands_follow_the_profile(agent, intent, rule_set, titles):
    profile = profile_for(agent, intent, rule_set)
    svg = _chart(profile)
    bands = svg.count('class="band band-')
    assert bands == len(titles)
    for title in titles:
        assert title in svg
    assert svg.count("band-last") == 1


def test_enhertu_bands_are_its_own_falls_not_trastuzumabs():
    svg = _chart(profile_for("trastuzumab_deruxtecan", "metastatic", "us_label"))
    assert "16 points" not in svg
    assert "more than 20 points" in svg or "20 points" in svg


def test_the_legend_names_the_profile_and_its_falls():
    legend = charts.band_legend(profile_for("trastuzumab_emtansine", "adjuvant", "us_label"))
    assert legend.startswith("Shaded bands (Kadcyla")
    assert "10 points or more below baseline" in legend and "16 points" not in legend
    us = charts.band_legend(None)
    assert "10 points or more" in us and "16 points or more" in us
