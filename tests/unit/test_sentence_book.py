"""The sentence book: the exact words a nurse reads for every flag, for each phase's "no
recommendation" and for the warnings before an infusion, in one scenario each (docs/testing.md:
the wording mutants of explain.py, sentences.py and checks.py survived where no test pinned a
whole sentence). The structure of every sentence (the source, then the rule id; dates as
"18 Mar 2026") is checked over random histories by test_explanations.py; here the words are.

A change of wording is made here on purpose, with the scenario's sentence read again."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tracker.monitoring import FLAGS, Infusion, infusion_checks
from tracker.monitoring.wording import in_sentence

from .builders import (
    BASELINE_DAY,
    active_record,
    cotreatment,
    course,
    hold,
    infusions,
    lvef,
    record,
    run,
)

B = lvef(BASELINE_DAY, 62)
WEEKLY = infusions(count=20, every=7)  # 5 Jan to 18 May 2026
SCENARIOS = {
    "baseline below the LLN": lambda: active_record(lvef(BASELINE_DAY, 48), lvef("2026-05-20", 47)),
    "low-normal baseline, scan due soon": lambda: active_record(
        lvef(BASELINE_DAY, 53), lvef("2026-03-10", 53)
    ),
    "baseline before the anthracycline ended": lambda: active_record(
        B,
        lvef("2026-05-20", 60),
        cotreatments=(cotreatment("doxorubicin", "2025-12-01", "2025-12-28"),),
    ),
    "severe fall on another scan, GLS down": lambda: active_record(
        lvef(BASELINE_DAY, 62, gls=-20), lvef("2026-05-01", 38, "muga", gls=-16)
    ),
    "Kadcyla repeat band": lambda: active_record(
        lvef(BASELINE_DAY, 52), lvef("2026-05-25", 47), agent="trastuzumab_emtansine"
    ),
    "hold not actioned, more than six infusions": lambda: active_record(
        B, lvef("2026-02-10", 44), infusions_=WEEKLY
    ),
    "infusion inside another hold": lambda: active_record(
        B, lvef("2026-05-20", 60), holds=(hold("2026-02-01", "2026-03-01", reason="other"),)
    ),
    "AC regimen, high dose, concurrent and after HER2": lambda: active_record(
        B,
        lvef("2026-05-20", 60),
        cotreatments=(
            cotreatment("doxorubicin", "2026-02-01", "2026-03-01", 200),
            cotreatment("epirubicin", "2026-03-02", None, 100),
            cotreatment("cyclophosphamide", "2026-02-01", "2026-03-01"),
        ),
    ),
    "no course": lambda: record([], [B]),
    "course planned": lambda: record([course("2026-07-01")], [B]),
    "course discontinued": lambda: record(
        [course(infusions=infusions(count=3), end="2026-02-20", end_reason="discontinued")],
        [B, lvef("2026-02-18", 60)],
    ),
    "held for the heart, no LVEF yet": lambda: active_record(holds=(hold("2026-05-20"),)),
    "recovered after the minimum hold": lambda: active_record(
        B, lvef("2026-05-27", 58), holds=(hold("2026-04-22"),)
    ),
    "persistent decline": lambda: active_record(
        B, lvef("2026-03-15", 44), lvef("2026-05-30", 45), holds=(hold("2026-04-01"),)
    ),
    "held for the heart four times": lambda: active_record(
        B,
        lvef("2026-05-20", 60),
        holds=(
            hold("2026-01-10", "2026-01-12"),
            hold("2026-01-30", "2026-02-01"),
            hold("2026-02-20", "2026-02-22"),
            hold("2026-03-12", "2026-03-14"),
        ),
    ),
}
CHECKS = {
    "checks: no baseline, first infusion short": (
        lambda: record([course("2026-03-01")], []),
        0,
        Infusion(date(2026, 3, 2), Decimal(600), loading_dose=True, duration_minutes=30),
    ),
    "checks: discontinue after four holds": (
        lambda: record(
            [
                course(
                    infusions=infusions(count=4),
                    holds=tuple(
                        hold(s, e)
                        for s, e in (
                            ("2026-01-10", "2026-01-12"),
                            ("2026-01-30", "2026-02-01"),
                            ("2026-02-20", "2026-02-22"),
                            ("2026-03-12", "2026-03-14"),
                        )
                    ),
                )
            ],
            [B],
        ),
        0,
        Infusion(date(2026, 3, 16), Decimal(420)),
    ),
    "checks: inside an open hold for the heart": (
        lambda: record(
            [course(infusions=infusions(count=4), holds=(hold("2026-03-12"),))],
            [B, lvef("2026-03-01", 61)],
        ),
        0,
        Infusion(date(2026, 3, 13), Decimal(420)),
    ),
    "checks: inside a closed hold": (
        lambda: record(
            [
                course(
                    infusions=infusions(count=4),
                    holds=(hold("2026-03-12", "2026-03-14", reason="other"),),
                )
            ],
            [B, lvef("2026-03-01", 61)],
        ),
        0,
        Infusion(date(2026, 3, 13), Decimal(420)),
    ),
}


EXPECTED = {
    "baseline below the LLN": (
        ("Continue: LVEF 47% (20 May 2026) does not meet the hold criteria of the US label. [H3]"),
        {
            "BASELINE_BELOW_LLN": (
                "The baseline LVEF 48% (20 Dec 2025) is below the lower limit of normal (50%). "
                "ESC 2022: review by cardio-oncology before and during treatment. [B3]"
            ),
            "LVEF_BELOW_LLN": (
                "The latest LVEF 47% (20 May 2026) is below the lower limit of normal (50%). "
                "Tell the treating doctor. [L1]"
            ),
        },
    ),
    "low-normal baseline, scan due soon": (
        ("Continue: LVEF 53% (10 Mar 2026) does not meet the hold criteria of the US label. [H3]"),
        {
            "ASSESSMENT_DUE_SOON": (
                "The next LVEF scan is due on 10 Jun 2026 (3 months after the LVEF of 53% on 10 "
                "Mar 2026). Check that it is booked. [S2, S6]"
            ),
            "BASELINE_LOW_NORMAL": (
                "The baseline LVEF 53% (20 Dec 2025) is normal but below 55%. ESC 2022 (Figure "
                "5): refer to cardio-oncology before treatment; EU SmPC: caution in early breast "
                "cancer with an LVEF of 55% or less. [B3]"
            ),
        },
    ),
    "baseline before the anthracycline ended": (
        ("Continue: LVEF 60% (20 May 2026) does not meet the hold criteria of the US label. [H3]"),
        {
            "ANTHRACYCLINE_DOSE_UNKNOWN": (
                "An anthracycline is recorded without its total dose, so the cumulative dose is "
                "unknown. Add the dose from the chemotherapy records. ESC 2022 (Table 5). [C5]"
            ),
            "ANTHRACYCLINE_EXPOSURE": (
                "The patient has had an anthracycline, which adds to the risk of heart damage. "
                "US label (boxed warning). [C1]"
            ),
            "BASELINE_BEFORE_ANTHRACYCLINE": (
                "The baseline LVEF 62% (20 Dec 2025) was taken before the doxorubicin ended on "
                "28 Dec 2025, so it does not show the heart just before HER2 therapy. Repeat the "
                "baseline scan. [B4]"
            ),
        },
    ),
    "severe fall on another scan, GLS down": (
        (
            "Hold: LVEF fell 24 points from the baseline of 62% (1 May 2026). US label: withhold "
            "for a fall of 16 points or more. [H1]"
        ),
        {
            "ASSESSMENT_OVERDUE": (
                "The next LVEF scan was due on 29 May 2026 (a repeat 28 days after the LVEF of "
                "38% on 1 May 2026) and is overdue. Book it as soon as possible. [S3, S6]"
            ),
            "GLS_DECLINE": (
                "Heart muscle strain (GLS) fell 20% relative to the baseline, more than 15%: an "
                "early sign of heart damage. ESC 2022 Table 3. [L4]"
            ),
            "HOLD_NOT_ACTIONED": (
                "Infusion given on 11 May 2026 after the LVEF 38% (1 May 2026), which met the "
                "hold criteria, with no hold for the heart recorded. Check whether the dose "
                "should have been held and tell the doctor. [H5]"
            ),
            "LVEF_BELOW_LLN": (
                "The latest LVEF 38% (1 May 2026) is below the lower limit of normal (50%). Tell "
                "the treating doctor. [L1]"
            ),
            "LVEF_HOLD_CRITERIA": (
                "LVEF fell 24 points from the baseline of 62% (1 May 2026). US label: withhold "
                "for a fall of 16 points or more. [H1]"
            ),
            "LVEF_SEVERE": (
                "The latest LVEF 38% (1 May 2026) is below 40%: severely reduced heart function. "
                "A doctor must review before the next dose. ESC 2022 Table 3. [L2]"
            ),
            "MODALITY_MISMATCH": (
                "The latest LVEF (1 May 2026: MUGA scan) and the baseline (Echocardiogram) were "
                "measured with different types of scan, so part of the change may be the method. "
                "Confirm with the baseline's type of scan. [L3]"
            ),
        },
    ),
    "Kadcyla repeat band": (
        (
            "Continue: LVEF 47% (25 May 2026) does not meet the hold criteria of the Kadcyla US "
            "label. [H3]"
        ),
        {
            "ASSESSMENT_DUE_SOON": (
                "The next LVEF scan is due on 15 Jun 2026 (a repeat 21 days after the LVEF of "
                "47% on 25 May 2026). Check that it is booked. [S3, S6]"
            ),
            "BASELINE_LOW_NORMAL": (
                "The baseline LVEF 52% (20 Dec 2025) is normal but below 55%. ESC 2022 (Figure "
                "5): refer to cardio-oncology before treatment; EU SmPC: caution in early breast "
                "cancer with an LVEF of 55% or less. [B3]"
            ),
            "LVEF_BELOW_LLN": (
                "The latest LVEF 47% (25 May 2026) is below the lower limit of normal (50%). "
                "Tell the treating doctor. [L1]"
            ),
            "LVEF_REPEAT_DUE": (
                "The latest LVEF 47% (25 May 2026) lies in the range where the Kadcyla US label "
                "continues treatment but asks for a repeat LVEF within 3 weeks (by 15 Jun 2026). "
                "[L5]"
            ),
        },
    ),
    "hold not actioned, more than six infusions": (
        (
            "Hold: LVEF fell 18 points from the baseline of 62% (10 Feb 2026). US label: "
            "withhold for a fall of 16 points or more. [H1]"
        ),
        {
            "ASSESSMENT_OVERDUE": (
                "The next LVEF scan was due on 10 Mar 2026 (a repeat 28 days after the LVEF of "
                "44% on 10 Feb 2026) and is overdue. Book it as soon as possible. [S3, S6]"
            ),
            "HOLD_NOT_ACTIONED": (
                "Infusion given on 16 Feb 2026, 23 Feb 2026, 2 Mar 2026, 9 Mar 2026, 16 Mar "
                "2026, 23 Mar 2026 and 8 more after the LVEF 44% (10 Feb 2026), which met the "
                "hold criteria, with no hold for the heart recorded. Check whether the dose "
                "should have been held and tell the doctor. [H5]"
            ),
            "LVEF_BELOW_LLN": (
                "The latest LVEF 44% (10 Feb 2026) is below the lower limit of normal (50%). "
                "Tell the treating doctor. [L1]"
            ),
            "LVEF_HOLD_CRITERIA": (
                "LVEF fell 18 points from the baseline of 62% (10 Feb 2026). US label: withhold "
                "for a fall of 16 points or more. [H1]"
            ),
        },
    ),
    "infusion inside another hold": (
        ("Continue: LVEF 60% (20 May 2026) does not meet the hold criteria of the US label. [H3]"),
        {
            "INFUSION_DURING_HOLD": (
                "Infusion recorded on 16 Feb 2026, inside a treatment hold (other) that started "
                "on 1 Feb 2026. Either the infusion or the hold dates are wrong. [H5]"
            ),
        },
    ),
    "AC regimen, high dose, concurrent and after HER2": (
        ("Continue: LVEF 60% (20 May 2026) does not meet the hold criteria of the US label. [H3]"),
        {
            "ANTHRACYCLINE_AFTER_HER2": (
                "An anthracycline was started within 7 months of the last HER2 infusion. EU "
                "SmPC: avoid anthracyclines for up to 7 months after trastuzumab; monitor the "
                "heart closely. [C6]"
            ),
            "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE": (
                "The patient has had both an anthracycline and cyclophosphamide (as in the AC "
                "regimen). US label: the group with the most heart problems; monitor closely. "
                "[C3]"
            ),
            "ANTHRACYCLINE_EXPOSURE": (
                "The patient has had an anthracycline, which adds to the risk of heart damage. "
                "US label (boxed warning). [C1]"
            ),
            "CONCURRENT_ANTHRACYCLINE": (
                "An anthracycline was given during HER2 treatment. US label (boxed warning): "
                "this greatly raises the risk of heart damage; tell the treating doctor. [C4]"
            ),
            "CYCLOPHOSPHAMIDE_EXPOSURE": (
                "The patient has had cyclophosphamide, which adds to the risk of heart damage. "
                "US label (boxed warning). [C2]"
            ),
            "HIGH_CUMULATIVE_ANTHRACYCLINE": (
                "The recorded anthracycline doses add up to 280 mg/m2 doxorubicin-equivalent, "
                "250 or more. ESC 2022 (section 4.1): high risk of heart damage; monitor "
                "closely. [C5]"
            ),
        },
    ),
    "no course": (
        (
            "No recommendation: the patient has no HER2 course. A recommendation is given only "
            "while a course is active or on hold. [P1]"
        ),
        {},
    ),
    "course planned": (
        (
            "No recommendation: the course has not started (no infusion yet). A recommendation "
            "is given only while a course is active or on hold. [P1]"
        ),
        {
            "BASELINE_MISSING": (
                "No baseline LVEF: no LVEF is recorded since 1 Apr 2026 (3 months before the "
                "planned start on 1 Jul 2026). Arrange a scan now. US label: assess LVEF before "
                "the first dose. [B2]"
            ),
        },
    ),
    "course discontinued": (
        (
            "No recommendation: the course is discontinued. A recommendation is given only while "
            "a course is active or on hold. [P1]"
        ),
        {},
    ),
    "held for the heart, no LVEF yet": (
        (
            "Hold: no LVEF has been measured since the hold for the heart started on 20 May "
            "2026; the repeat scan decides. [H2]"
        ),
        {
            "ASSESSMENT_OVERDUE": (
                "The next LVEF scan was due on 5 Jan 2026 (on hold for the heart with no LVEF "
                "yet: due at the first infusion) and is overdue. Book it as soon as possible. "
                "[S3, S6]"
            ),
            "BASELINE_MISSING": (
                "No baseline LVEF: no LVEF is recorded from 5 Oct 2025 to the first infusion on "
                "5 Jan 2026. Arrange a scan now. US label: assess LVEF before the first dose. "
                "[B2]"
            ),
        },
    ),
    "recovered after the minimum hold": (
        (
            "May resume: LVEF 58% (27 May 2026) has recovered (recovered means at least the "
            "lower limit of normal and no more than 15 points below baseline) and the hold has "
            "lasted at least 28 days. US label: treatment may be resumed. [H2]"
        ),
        {
            "INFUSION_DURING_HOLD": (
                "Infusion recorded on 11 May 2026, inside a treatment hold (cardiac (LVEF "
                "decline or heart failure)) that started on 22 Apr 2026. Either the infusion or "
                "the hold dates are wrong. [H5]"
            ),
            "RESUME_CRITERIA_MET": (
                "LVEF 58% (27 May 2026) has recovered (recovered means at least the lower limit "
                "of normal and no more than 15 points below baseline) and the hold has lasted at "
                "least 28 days. US label: treatment may be resumed. [H2]"
            ),
        },
    ),
    "persistent decline": (
        (
            "Discontinue: LVEF 45% (30 May 2026), 59 days after the hold for the heart started "
            "on 1 Apr 2026, has not recovered (recovered means at least the lower limit of "
            "normal and no more than 15 points below baseline). US label: discontinue for a "
            "persistent decline, when a repeat dated 56 days (8 weeks) or more after the hold "
            "started has not recovered and the hold is more than 8 weeks old. [H2]"
        ),
        {
            "HOLD_NOT_ACTIONED": (
                "Infusion given on 30 Mar 2026 after the LVEF 44% (15 Mar 2026), which met the "
                "hold criteria, with no hold for the heart recorded. Check whether the dose "
                "should have been held and tell the doctor. [H5]"
            ),
            "INFUSION_DURING_HOLD": (
                "Infusion recorded on 20 Apr 2026, 11 May 2026, inside a treatment hold (cardiac "
                "(LVEF decline or heart failure)) that started on 1 Apr 2026. Either the "
                "infusion or the hold dates are wrong. [H5]"
            ),
            "LVEF_BELOW_LLN": (
                "The latest LVEF 45% (30 May 2026) is below the lower limit of normal (50%). "
                "Tell the treating doctor. [L1]"
            ),
            "LVEF_HOLD_CRITERIA": (
                "LVEF fell 17 points from the baseline of 62% (30 May 2026). US label: withhold "
                "for a fall of 16 points or more. [H1]"
            ),
            "PERSISTENT_DECLINE": (
                "LVEF 45% (30 May 2026), 59 days after the hold for the heart started on 1 Apr "
                "2026, has not recovered (recovered means at least the lower limit of normal and "
                "no more than 15 points below baseline). US label: discontinue for a persistent "
                "decline, when a repeat dated 56 days (8 weeks) or more after the hold started "
                "has not recovered and the hold is more than 8 weeks old. [H2]"
            ),
        },
    ),
    "held for the heart four times": (
        (
            "Discontinue: Treatment has been held for the heart 4 times in this treatment "
            "episode, more than 3 times. US label: discontinue after more than 3 suspensions for "
            "LVEF decline. [H4]"
        ),
        {
            "REPEATED_HOLDS": (
                "Treatment has been held for the heart 4 times in this treatment episode, more "
                "than 3 times. US label: discontinue after more than 3 suspensions for LVEF "
                "decline. [H4]"
            ),
        },
    ),
    "checks: no baseline, first infusion short": (
        None,
        {
            "ASSESSMENT_OVERDUE": (
                "Check the heart before this dose. The next LVEF scan was due on 1 Mar 2026 (no "
                "baseline LVEF: due before or at the first infusion) and is overdue. Book it as "
                "soon as possible. [S1, S6]"
            ),
            "BASELINE_MISSING": (
                "No baseline LVEF: no LVEF is recorded since 1 Dec 2025 (3 months before the "
                "planned start on 1 Mar 2026). Arrange a scan now. US label: assess LVEF before "
                "the first dose. [B2]"
            ),
            "SHORT_FIRST_INFUSION": (
                "This is the course's first infusion and it is given over 30 minutes; the first "
                "(loading) dose is given over 90 minutes. [D1]"
            ),
        },
    ),
    "checks: discontinue after four holds": (
        None,
        {
            "RECOMMENDATION_DISCONTINUE": (
                "The recommendation is not to give this dose. Discontinue: Treatment has been "
                "held for the heart 4 times in this treatment episode, more than 3 times. US "
                "label: discontinue after more than 3 suspensions for LVEF decline. [H4]"
            ),
        },
    ),
    "checks: inside an open hold for the heart": (
        None,
        {
            "RECOMMENDATION_HOLD": (
                "The recommendation is not to give this dose. Hold: no LVEF has been measured "
                "since the hold for the heart started on 12 Mar 2026; the repeat scan decides. "
                "[H2]"
            ),
            "INFUSION_DURING_HOLD": (
                "LVEF 61% on 1 Mar 2026 — do not give the next dose until a doctor has "
                "reviewed. The date falls inside a treatment hold (cardiac (LVEF decline or "
                "heart failure)) that started on 12 Mar 2026 and is still open: an infusion "
                "during a hold is flagged. [H5]"
            ),
        },
    ),
    "checks: inside a closed hold": (
        None,
        {
            "INFUSION_DURING_HOLD": (
                "The date falls inside a treatment hold (other) that started on 12 Mar 2026 and "
                "ends on 14 Mar 2026: an infusion during a hold is flagged. [H5]"
            ),
        },
    ),
}


# Flags pinned word for word elsewhere: RESUME_CRITERIA_MET, PERSISTENT_DECLINE and
# REPEATED_HOLDS (test_recommendation.py, test_mutation_gaps.py, test_mutation_survivors.py),
# RELOAD_DOSE_DUE (test_mutation_gaps.py).
PINNED_ELSEWHERE = {
    "RESUME_CRITERIA_MET",
    "PERSISTENT_DECLINE",
    "REPEATED_HOLDS",
    "RELOAD_DOSE_DUE",
}


def test_the_book_has_every_flag():
    written = {code for name in SCENARIOS for code in EXPECTED[name][1]}
    assert written | PINNED_ELSEWHERE == set(FLAGS)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_the_sentences_of(name):
    status = run(SCENARIOS[name]())
    reason, texts = EXPECTED[name]
    assert status.recommendation_reason == reason
    assert {e.code: e.text for e in status.explanations} == texts


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_warnings_before_an_infusion_of(name):
    build, index, proposed = CHECKS[name]
    rec = build()
    _, warnings = infusion_checks(rec, rec.courses[index], proposed, proposed.date)
    assert {w.code: w.text for w in warnings} == EXPECTED[name][1]


def test_a_label_inside_a_sentence_keeps_its_acronym():
    # "a treatment hold (cardiac (lvef decline ...))" read "lvef" in lower case until the
    # sentence book pinned it: only the first letter is lowered (wording.in_sentence).
    assert in_sentence("Cardiac (LVEF decline or heart failure)") == (
        "cardiac (LVEF decline or heart failure)"
    )
    assert in_sentence("Other") == "other"
    assert in_sentence("") == ""
