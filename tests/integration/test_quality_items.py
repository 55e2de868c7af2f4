"""The pieces the quality page is built from (issue 14 items 3-4): the per-patient items computed
once for every period, their reasons in words, the store that replaces one patient's items, Q7's
S6 from the rules' own steps, the published figures of the spec, and the quarters."""

import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from tests.unit.builders import course, example_1, example_2, hold, infusions, lvef, record
from tracker.monitoring import RuleSettings, evaluate
from tracker.monitoring.quality import (
    MEASURE_IDS,
    NOT_MET,
    PENDING,
    PUBLISHED,
    ItemStore,
    assessment_at,
    measures_of,
    patient_items,
    q7_items,
    quality_measures,
)
from tracker.selectors.quality import (
    Period,
    last_complete_quarter,
    quarter,
    quarter_of,
    trend_quarters,
)

SPEC = Path(__file__).resolve().parents[2] / "docs" / "quality-measures.md"
F = date(2026, 1, 5)
AS_OF = date(2026, 12, 1)
RULES = RuleSettings()


def plus(days, ref=F):
    return ref + timedelta(days=days)


def clinic():
    """A few histories touching every measure: a decline not held, a hold without a repeat,
    no baseline, an ended course without its completion scan."""
    declined = record(
        [course(infusions=infusions(count=4))],
        (lvef("2025-12-20", 62), lvef("2026-03-18", 46)),
        key="A1001",
    )
    no_baseline = record([course(infusions=infusions(count=3))], (), key="A1002")
    held = record(
        [course(infusions=infusions(count=4), holds=(hold("2026-03-20"),))],
        (lvef("2025-12-20", 62),),
        key="A1003",
    )
    ended = record(
        [course(infusions=infusions(count=8), end=plus(150))],
        (lvef(plus(-10), 60), lvef(plus(90), 60)),
        key="A1004",
    )
    return [declined, no_baseline, held, ended, example_1(), example_2()]


QUARTERS = [quarter(2025, 4), quarter(2026, 1), quarter(2026, 2), quarter(2026, 3)]


@pytest.mark.parametrize("period", QUARTERS, ids=lambda p: p.code)
def test_one_pass_of_items_gives_every_period_as_computed_alone(period):
    records = clinic()
    days = tuple(min(q.end, AS_OF) for q in QUARTERS)
    store = ItemStore()
    for owner, r in enumerate(records):  # owners are patient ids: two records share a key
        store.replace(owner, patient_items(r, AS_OF, RULES) + q7_items(r, days, RULES))
    alone = quality_measures(records, period.start, period.end, AS_OF)
    assert store.measures(period.start, period.end, AS_OF) == alone
    assert any(m.denominator for m in alone)


def test_replacing_one_patient_is_the_same_as_computing_all_again():
    records = clinic()
    day = (quarter(2026, 1).end,)
    store = ItemStore()
    for owner, r in enumerate(records):
        store.replace(owner, patient_items(r, AS_OF, RULES) + q7_items(r, day, RULES))
    # A1002 (owner 1) gets its baseline; A1003 (owner 2) leaves (entered in error).
    fixed = record([course(infusions=infusions(count=3))], (lvef(plus(-5), 60),), key="A1002")
    store.replace(1, patient_items(fixed, AS_OF, RULES) + q7_items(fixed, day, RULES))
    store.remove(2)
    kept = [records[0], fixed, *records[3:]]
    period = quarter(2026, 1)
    assert store.measures(period.start, period.end, AS_OF) == quality_measures(
        kept, period.start, period.end, AS_OF
    )
    assert set(store.owners()) == {0, 1, 3, 4, 5}


def test_measures_of_an_empty_store_are_all_null():
    measures = measures_of([], F, F, AS_OF)
    assert [m.id for m in measures] == list(MEASURE_IDS)
    assert all(m.percent is None for m in measures)


@pytest.mark.parametrize("when", [plus(n) for n in range(-30, 400, 17)])
@pytest.mark.parametrize("example", [example_1, example_2], ids=["example_1", "example_2"])
def test_q7_s6_steps_agree_with_evaluate(example, when):
    rec = example()
    phase, status, due = assessment_at(rec, when, RULES)
    full = evaluate(rec, when, RULES)
    assert (phase, status, due) == (full.phase, full.assessment_status, full.next_assessment_due)


def test_q7_items_carry_the_days_overdue():
    rec = record([course(infusions=infusions(count=3))], (), key="A1002")
    [item] = q7_items(rec, (date(2026, 3, 31),), RULES)
    status = evaluate(rec, date(2026, 3, 31), RULES)
    assert item.outcome == NOT_MET and item.overdue_days == -status.days_until_due
    assert item.reason == (
        f"On 31 Mar 2026 the LVEF assessment was {item.overdue_days} days overdue (S6, Q7)."
    )


# --- reasons in words --------------------------------------------------------------------------


def reasons(rec, as_of=AS_OF):
    return {(i.measure, i.outcome): i.reason for i in patient_items(rec, as_of, RULES)}


def test_q1_and_q1s_reasons_name_the_window_and_the_first_infusion():
    rec = record([course(infusions=infusions(count=3))], (), key="A1002")
    said = reasons(rec)
    assert said["Q1", NOT_MET] == (
        "No LVEF from 7 Sep 2025 to 4 Feb 2026 around the first infusion on 5 Jan 2026 (Q1)."
    )
    assert said["Q1s", NOT_MET] == (
        "No baseline LVEF in the 3 months up to the first infusion on 5 Jan 2026 (B1, Q1s)."
    )
    assert reasons(rec, plus(10))["Q1", PENDING] == (
        "First infusion on 5 Jan 2026: an LVEF can still be recorded until 4 Feb 2026 (Q1)."
    )


def test_q2_and_q3_reasons():
    rec = record(
        [course(infusions=infusions(count=8), end=plus(150))], (lvef(plus(-10), 60),), key="A1"
    )
    said = reasons(rec)
    assert said["Q2", NOT_MET] == (
        "150 days without an LVEF from 5 Jan 2026 to 4 Jun 2026 on treatment, more than 120 "
        "days (Q2)."
    )
    assert said["Q3", NOT_MET] == (
        "No LVEF from 7 May 2026 to 2 Jul 2026 around the end of treatment on 4 Jun 2026 (Q3)."
    )


def test_q5_and_q6_reasons():
    declined = record(
        [course(infusions=infusions(count=4), holds=(hold("2026-03-20"),))],
        (lvef("2025-12-20", 62), lvef("2026-03-10", 46)),
    )
    said = reasons(declined)
    assert said["Q5", NOT_MET] == (
        "LVEF 46% on 10 Mar 2026 met the hold criteria (H1); no cardiac hold before the next "
        "infusion and no review by 17 Mar 2026 (Q5)."
    )
    assert said["Q6", NOT_MET] == (
        "Cardiac hold from 20 Mar 2026: no repeat LVEF by 24 Apr 2026 (the recheck interval of "
        "28 days and 7 days) (Q6)."
    )
    assert reasons(declined, date(2026, 3, 12))["Q5", PENDING].endswith(
        "a cardiac hold or a review can still follow until 17 Mar 2026 (Q5)."
    )


def test_met_items_have_no_reason():
    rec = record([course(infusions=infusions(count=3))], (lvef(plus(-5), 60),))
    assert all(i.reason == "" for i in patient_items(rec, AS_OF, RULES) if i.outcome == "met")


# --- the published figures are the spec's table ------------------------------------------------


def test_published_figures_are_those_of_the_spec():
    text = SPEC.read_text(encoding="utf-8")
    table = text[text.index("## Published comparisons") : text.index("## Report format")]
    rows = re.findall(r"^\| (Q\d) \| ([\d.]+) % (?:\(([^)]*)\) )?\| ([^|]+) \| ([^|]+) \|$",
                      table, flags=re.MULTILINE)  # fmt: skip
    assert len(rows) == len(PUBLISHED) == 5
    for (measure, figure, note, population, source), published in zip(rows, PUBLISHED, strict=True):
        assert published.measure == measure
        assert published.percent == Decimal(figure)
        assert published.population == population.strip()
        assert published.source == source.strip()
        assert published.note == (note or "")


# --- quarters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 1, 1), (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 3, 31), (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2026, 4, 1), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 12, 2), (date(2026, 7, 1), date(2026, 9, 30))),
    ],
)
def test_the_default_is_the_last_complete_quarter(today, expected):
    period = last_complete_quarter(today)
    assert (period.start, period.end) == expected and period.quarter


def test_quarter_labels_and_codes():
    assert quarter(2026, 3).label == "Jul to Sep 2026" and quarter(2026, 3).code == "2026-Q3"
    assert quarter_of(date(2024, 2, 29)) == quarter(2024, 1)
    assert Period(date(2026, 3, 1), date(2026, 3, 31)).label == "1 Mar 2026 to 31 Mar 2026"


def test_the_trend_is_the_8_quarters_up_to_the_period():
    trend = trend_quarters(quarter(2026, 3))
    assert [q.code for q in trend] == [
        "2024-Q4", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"
    ]  # fmt: skip
    ranged = trend_quarters(Period(date(2025, 11, 5), date(2026, 2, 10)))
    assert ranged[-1] == quarter(2026, 1) and len(ranged) == 8
