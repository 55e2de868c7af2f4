"""Issue 13 item 8: the recommendation as shown (tracker_tags.ShownRecommendation, Django): never
a green "Continue" while a flag asks for action or treatment is held, and what is expected once
follow-up is complete with an anthracycline recorded (S5, C1, C7)."""

import pytest

from tracker import labels


# Issue 13 item 8: "continue" is never green while a flag asks for action (danger or warning
# severity) or treatment is held, and the sentence says why; exposure facts alone keep it green.
def _status(phase="active", recommendation="continue", flags=()):
    from types import SimpleNamespace

    return SimpleNamespace(phase=phase, recommendation=recommendation, flags=tuple(flags))


def _action_codes():
    from tracker.monitoring.flags import ACTION_SEVERITIES, FLAGS

    return sorted(code for code, flag in FLAGS.items() if flag.severity in ACTION_SEVERITIES)


@pytest.mark.parametrize("code", _action_codes())
def test_continue_with_an_action_flag_is_neutral_and_says_why(code):
    from tracker.monitoring.flags import FLAGS
    from tracker.templatetags.tracker_tags import ShownRecommendation

    shown = ShownRecommendation(_status(flags=[code]))
    assert shown.colour == "secondary"
    reason = labels.CONTINUE_BUT.get(code, f"see \u201c{FLAGS[code].title}\u201d")
    assert shown.text == f"Continue treatment \u2014 but {reason}"


@pytest.mark.parametrize(
    ("phase", "flags", "colour", "expected"),
    [
        pytest.param("held", (), "secondary", False, id="held-other-reason"),
        pytest.param("active", ("ANTHRACYCLINE_EXPOSURE",), "success", False, id="fact-only"),
        pytest.param("active", (), "success", False, id="nothing-asked"),
    ],
)
def test_continue_colour_by_phase_and_flags(phase, flags, colour, expected):
    from tracker.templatetags.tracker_tags import ShownRecommendation

    shown = ShownRecommendation(_status(phase=phase, flags=flags))
    assert (shown.colour, bool(shown.expected)) == (colour, expected)


@pytest.mark.parametrize(
    ("phase", "flags", "expected"),
    [
        pytest.param("surveillance_complete", ("ANTHRACYCLINE_EXPOSURE",), True, id="S5-with-C1"),
        pytest.param("surveillance_complete", ("CYCLOPHOSPHAMIDE_EXPOSURE",), False, id="S5-C2"),
        pytest.param("surveillance_complete", (), False, id="S5-alone"),
        pytest.param("completed", ("ANTHRACYCLINE_EXPOSURE",), False, id="S5-still-running"),
    ],
)
def test_follow_up_complete_with_anthracycline_says_what_is_expected(phase, flags, expected):
    from tracker.templatetags.tracker_tags import ShownRecommendation

    shown = ShownRecommendation(_status(phase=phase, recommendation="none", flags=flags))
    assert bool(shown.expected) == expected
    assert shown.colour == "secondary" and shown.label == "None"
    if expected:
        assert "(S5)" in shown.expected and "(C1)" in shown.expected
