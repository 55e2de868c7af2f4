"""P1: the phase, first that holds in the order of the spec."""

import pytest

from .builders import (
    AS_OF,
    BASELINE_DAY,
    F,
    course,
    days_before,
    hold,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)


@pytest.mark.parametrize(
    ("rec", "phase"),
    [
        pytest.param(record(lvefs=[B]), "no_course", id="no_course"),
        pytest.param(
            record(
                [course(intent="metastatic", infusions=infusions(), end="2026-05-11")],
                [lvef("2026-05-20", 60)],
            ),
            "surveillance_complete",
            id="surveillance_complete-metastatic",
        ),
        pytest.param(
            record([course(infusions=infusions(), end="2026-05-11")], [B]),
            "completed",
            id="completed",
        ),
        pytest.param(
            record(
                [course(infusions=infusions(), end="2026-05-11", end_reason="discontinued")], [B]
            ),
            "discontinued",
            id="discontinued",
        ),
        pytest.param(
            record([course(infusions=infusions(), holds=(hold("2026-05-20"),))], [B]),
            "held",
            id="held-cardiac",
        ),
        pytest.param(
            record(
                [course(infusions=infusions(), holds=(hold("2026-05-20", reason="other"),))], [B]
            ),
            "held",
            id="held-other",
        ),
        pytest.param(record([course(infusions=infusions())], [B]), "active", id="active"),
        pytest.param(record([course("2026-07-01")], [B]), "planned", id="planned"),
    ],
)
def test_each_phase(rec, phase):
    assert run(rec).phase == phase


def test_surveillance_complete_comes_before_ended():
    # Metastatic intent with the completion assessment done: follow-up over, whatever the reason.
    c = course(
        intent="metastatic", infusions=infusions(), end="2026-05-11", end_reason="discontinued"
    )
    assert run(record([c], [lvef("2026-04-13", 58)])).phase == "surveillance_complete"


def test_ended_comes_before_held():
    c = course(infusions=infusions(), holds=(hold("2026-05-01"),), end="2026-05-11")
    assert run(record([c], [B])).phase == "completed"


def test_open_hold_without_first_infusion_is_planned():
    c = course("2026-05-01", holds=(hold("2026-05-10"),))
    assert run(record([c], [B])).phase == "planned"


def test_hold_of_a_previous_course_does_not_count():
    old = course("2025-01-06", infusions=infusions("2025-01-06", 3), holds=(hold("2025-03-01"),))
    current = course(F, infusions=infusions())
    assert run(record([old, current], [B])).phase == "active"


@pytest.mark.parametrize(
    ("end", "phase"),
    [
        pytest.param(days_before(1), "active", id="ended-yesterday"),
        pytest.param(AS_OF, "active", id="ends-on-as_of-closed"),
        pytest.param(days_before(-1), "held", id="ends-tomorrow-open"),
        pytest.param(None, "held", id="no-end-open"),
    ],
)
def test_hold_open_while_no_end_or_end_after_as_of(end, phase):
    c = course(infusions=infusions(), holds=(hold("2026-05-20", end),))
    assert run(record([c], [B])).phase == phase


def test_planned_start_in_the_past_without_infusion_is_still_planned():
    assert run(record([course("2026-01-05")], [B])).phase == "planned"
