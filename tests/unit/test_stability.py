"""stable_until and rules_version (issue 10 item 5), and the v2 invariants over random histories:
flags sorted and unique, recommendation none outside active/held, and a later date never turns
discontinue into hold without a new measurement."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tracker.monitoring import RULES_VERSION, PatientRecord, RuleSettings, evaluate

from .builders import active_record, hold, infusions, lvef, run
from .test_properties import FAST, scenarios

# Fields that depend on as_of itself rather than on the records.
AS_OF_FIELDS = {"as_of": None, "days_until_due": None, "hold_age_days": None}


def comparable(status):
    return dataclasses.replace(status, **AS_OF_FIELDS)


def sample_dates(start: date, until: date | None, offsets: list[int]) -> list[date]:
    top = (until - start).days if until is not None else 1500
    days = {1, top - 1, top // 2, *(o % max(top, 1) for o in offsets)}
    return sorted(start + timedelta(days=n) for n in days if 0 < n < top)


@FAST
@given(
    scenarios(),
    st.lists(st.integers(0, 2000), max_size=4),
    st.sampled_from(["us_label", "eu_smpc"]),
)
def test_nothing_changes_before_stable_until(scenario, offsets, rule_set):
    rec, as_of = scenario
    settings = RuleSettings(rule_set=rule_set)
    status = evaluate(rec, as_of, settings)
    until = status.stable_until
    assert until is None or until > as_of
    for later in sample_dates(as_of, until, offsets):
        assert comparable(evaluate(rec, later, settings)) == comparable(status), later


def test_stable_until_examples():
    # Worked example 1: D1 becomes due on 2026-06-09 (gap 29 days > 21 + 7).
    example_1 = active_record(lvef("2025-12-20", 62))
    assert run(example_1).stable_until == date(2026, 6, 9)
    # Due-soon start: L 2026-05-01 + 3 months = 08-01, window 14 days -> 07-18.
    rec = active_record(
        lvef("2025-12-20", 62), lvef("2026-05-01", 60), infusions_=infusions(count=1)
    )
    rec = dataclasses.replace(
        rec, courses=(dataclasses.replace(rec.courses[0], agent="trastuzumab_sc"),)
    )
    assert run(rec).stable_until == date(2026, 7, 18)
    assert run(rec, "2026-07-18").stable_until == date(2026, 8, 2)  # the day after due: overdue
    assert run(rec, "2026-08-02").stable_until is None


def test_stable_until_hold_ages():
    # US label: minimum hold 28 days (04-29) then the persistent age above 56 (05-28).
    rec = active_record(
        lvef("2025-12-20", 62),
        lvef("2026-04-05", 45),
        infusions_=infusions(count=4),
        holds=(hold("2026-04-01"),),
    )
    # S3 due 05-03 (L + 28): due soon from 04-19, overdue from 05-04.
    assert run(rec, "2026-04-10").stable_until == date(2026, 4, 19)
    assert run(rec, "2026-04-19").stable_until == date(2026, 4, 29)
    assert run(rec, "2026-04-29").stable_until == date(2026, 5, 4)
    assert run(rec, "2026-05-04").stable_until == date(2026, 5, 28)
    assert run(rec, "2026-05-28").recommendation == "hold"  # R is 4 days after the start


def test_stable_until_future_records():
    rec = active_record(lvef("2025-12-20", 62), lvef("2026-06-20", 40))
    assert run(rec, "2026-05-12").stable_until == date(2026, 6, 9)  # D1 first
    assert run(rec, "2026-06-19").stable_until == date(2026, 6, 20)


def test_rules_version():
    assert RULES_VERSION == "2.0"
    assert run(active_record()).rules_version == RULES_VERSION


def _until(rec: PatientRecord, as_of: date) -> PatientRecord:
    """The same patient with nothing dated after as_of (hold and course ends included)."""

    def keep_course(c):
        return dataclasses.replace(
            c,
            end_date=c.end_date if c.end_date is not None and c.end_date <= as_of else None,
            end_reason=c.end_reason if c.end_date is not None and c.end_date <= as_of else None,
            infusions=tuple(i for i in c.infusions if i.date <= as_of),
            holds=tuple(
                dataclasses.replace(h, end=h.end if h.end is not None and h.end <= as_of else None)
                for h in c.holds
                if h.start <= as_of
            ),
        )

    return PatientRecord(
        rec.key,
        tuple(keep_course(c) for c in rec.courses),
        tuple(m for m in rec.lvef if m.date <= as_of),
        tuple(c for c in rec.cotreatments if c.start <= as_of),
    )


@FAST
@given(scenarios(), st.integers(1, 800), st.sampled_from(["us_label", "eu_smpc"]))
def test_a_later_date_never_turns_discontinue_into_hold(scenario, days, rule_set):
    rec, as_of = scenario
    settings = RuleSettings(rule_set=rule_set)
    frozen = _until(rec, as_of)
    now = evaluate(frozen, as_of, settings)
    later = evaluate(frozen, as_of + timedelta(days=days), settings)
    assert list(later.flags) == sorted(set(later.flags))
    assert (later.recommendation == "none") is (later.phase not in ("active", "held"))
    if now.recommendation == "discontinue":
        assert later.recommendation == "discontinue"
