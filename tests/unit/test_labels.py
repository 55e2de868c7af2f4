"""Every value of the vocabulary the screens show has a label (issue 10 item 3)."""

import pytest

from tracker import labels
from tracker.monitoring.vocabulary import AssessmentStatus, CotreatmentRisk, Phase, Recommendation


@pytest.mark.parametrize(
    ("enum", "table"),
    [
        (Phase, labels.PHASE_LABELS),
        (AssessmentStatus, labels.STATUS_LABELS),
        (Recommendation, labels.RECOMMENDATION_LABELS),
        (CotreatmentRisk, labels.RISK_LABELS),
    ],
)
def test_every_value_has_a_screen_label(enum, table):
    assert set(table) == set(enum)
    for value in enum:
        text = table[value] if isinstance(table[value], str) else table[value][0]
        assert text and text[0].isupper()
