"""`monitoring_report` on the seven worked examples of clinical-rules.md v2 gives exactly the
values the spec lists (as_of 2026-06-01, LLN 50, rule set us_label), through the real import."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from tracker import interchange, services

pytestmark = pytest.mark.django_db
F = date(2026, 1, 5)


def _every_21_days(until):
    day, days = F, []
    while day <= until:
        days.append(day)
        day += timedelta(days=21)
    return days


def _course(until, agent="trastuzumab", intent="adjuvant", holds=(), end=None, start=F):
    return {
        "agent": agent,
        "intent": intent,
        "schedule": "every_3_weeks",
        "planned_start": start.isoformat(),
        "end_date": end[0] if end else None,
        "end_reason": end[1] if end else None,
        "infusions": [
            {"date": d.isoformat(), "dose_mg": 480} for d in _every_21_days(until) if d >= start
        ],
        "holds": [{"start": s, "end": None, "reason": "cardiac"} for s in holds],
    }


def _patient(mrn, courses, lvef, cotreatments=()):
    return {
        "mrn": mrn,
        "given_name": "Worked",
        "family_name": "Example",
        "date_of_birth": "1960-01-01",
        "courses": courses,
        "lvef": [{"date": d, "value": v, "modality": "echo"} for d, v in lvef],
        "cotreatments": list(cotreatments),
    }


B = ("2025-12-20", 62)
AC = [
    {"drug": "doxorubicin", "start": "2025-09-01", "end": "2025-11-10",
     "cumulative_dose_mg_m2": 240},
    {"drug": "cyclophosphamide", "start": "2025-09-01", "end": "2025-11-10",
     "cumulative_dose_mg_m2": 2400},
]  # fmt: skip
SC = {
    **_course(date(2026, 5, 25), agent="trastuzumab_sc", start=date(2026, 5, 20)),
    "infusions": [{"date": "2026-05-25", "dose_mg": 600}],
}
EXAMPLES = [
    _patient("EX1", [_course(date(2026, 5, 11))], [B]),
    _patient("EX2", [_course(date(2026, 5, 11))], [B, ("2026-03-18", 46)]),
    _patient(
        "EX3",
        [_course(date(2026, 3, 9), holds=["2026-03-20"])],
        [B, ("2026-03-18", 46), ("2026-04-20", 55)],
    ),
    _patient("EX4", [_course(date(2026, 5, 11))], [B], AC),
    _patient("EX4B", [_course(date(2026, 5, 11))], [("2025-10-15", 62)], AC),
    _patient(
        "EX5",
        [_course(date(2026, 3, 9), holds=["2026-03-20"])],
        [B, ("2026-03-18", 46), ("2026-03-22", 47)],
    ),
    _patient(
        "EX5B",
        [_course(date(2026, 3, 9), holds=["2026-03-20"])],
        [B, ("2026-03-18", 46), ("2026-03-22", 47), ("2026-05-20", 47)],
    ),
    _patient(
        "EX6",
        [_course(date(2026, 5, 11), end=("2026-05-11", "completed")), SC],
        [B, ("2026-05-18", 52)],
    ),
    _patient(
        "EX7",
        [_course(date(2026, 6, 1), agent="trastuzumab_deruxtecan", intent="metastatic")],
        [("2026-01-02", 60), ("2026-05-20", 48)],
    ),
    _patient(
        "EX7B",
        [_course(date(2026, 6, 1), agent="trastuzumab_deruxtecan", intent="metastatic")],
        [("2026-01-02", 60), ("2026-05-20", 44)],
    ),
]
AC_FLAGS = ["ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE", "ANTHRACYCLINE_EXPOSURE"]
# What the spec lists for each: phase, recommendation, next due, assessment status, CTRCD, flags.
SPEC = {
    "EX1": ("active", "continue", "2026-03-20", "overdue", "none", ["ASSESSMENT_OVERDUE"]),
    "EX2": ("active", "hold", "2026-04-15", "overdue", "moderate",
            ["ASSESSMENT_OVERDUE", "HOLD_NOT_ACTIONED", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA"]),
    "EX3": ("held", "may_resume", "2026-05-18", "overdue", "none",
            ["ASSESSMENT_OVERDUE", "RESUME_CRITERIA_MET"]),
    "EX4": ("active", "continue", "2026-03-20", "overdue", "none",
            [*AC_FLAGS, "ASSESSMENT_OVERDUE", "CYCLOPHOSPHAMIDE_EXPOSURE"]),
    "EX4B": ("active", "continue", "2026-01-15", "overdue", "none",
             [*AC_FLAGS, "ASSESSMENT_OVERDUE", "BASELINE_BEFORE_ANTHRACYCLINE",
              "CYCLOPHOSPHAMIDE_EXPOSURE"]),
    "EX5": ("held", "hold", "2026-04-19", "overdue", "moderate",
            ["ASSESSMENT_OVERDUE", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA"]),
    "EX5B": ("held", "discontinue", "2026-06-17", "ok", "moderate",
             ["LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA", "PERSISTENT_DECLINE"]),
    "EX6": ("active", "continue", "2026-08-18", "ok", "none", []),
    "EX7": ("active", "continue", "2026-08-20", "ok", "moderate", ["LVEF_BELOW_LLN"]),
    "EX7B": ("active", "hold", "2026-06-10", "due_soon", "moderate",
             ["ASSESSMENT_DUE_SOON", "HOLD_NOT_ACTIONED", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA"]),
}  # fmt: skip


@pytest.fixture
def report():
    interchange.import_document({"patients": EXAMPLES}, actor=services.import_actor())
    out = io.StringIO()
    call_command("monitoring_report", "--as-of", "2026-06-01", stdout=out)
    return json.loads(out.getvalue())


def test_the_report_names_the_rule_set(report):
    assert report["as_of"] == "2026-06-01"
    assert report["rule_set"] == "us_label"


@pytest.mark.parametrize("mrn", SPEC)
def test_worked_example(report, mrn):
    (row,) = [p for p in report["patients"] if p["mrn"] == mrn]
    phase, recommendation, due, status, ctrcd, flags = SPEC[mrn]
    assert row["phase"] == phase
    assert row["recommendation"] == recommendation
    assert row["next_assessment_due"] == due
    assert row["assessment_status"] == status
    assert row["ctrcd"] == ctrcd
    assert row["flags"] == flags


def test_worked_example_values_the_spec_names(report):
    rows = {p["mrn"]: p for p in report["patients"]}
    assert rows["EX2"]["lvef_drop"] == 16.0
    assert rows["EX4"]["doxorubicin_equivalent_mg_m2"] == 240.0
    assert rows["EX4"]["cotreatment_risk"] == "high"
    assert rows["EX4B"]["baseline_lvef"] == {
        "date": "2025-10-15",
        "value": 62.0,
        "modality": "echo",
    }
    # Example 6: the episode runs from 2026-01-05 across the switch, so B is 62, not 52.
    assert rows["EX6"]["baseline_lvef"]["value"] == 62.0
    assert rows["EX6"]["lvef_drop"] == 10.0
    assert rows["EX7"]["lvef_drop"] == 12.0


def _report(*args):
    out = io.StringIO()
    call_command("monitoring_report", "--as-of", "2026-06-01", *args, stdout=out)
    return json.loads(out.getvalue())


def test_rule_set_from_the_setting_and_from_the_option(settings):
    interchange.import_document({"patients": EXAMPLES[1:2]}, actor=services.import_actor())
    # EU SmPC: suspend for 10 points or more to below 50%; repeat within about 3 weeks (S3).
    eu = _report("--rule-set", "eu_smpc")
    assert eu["rule_set"] == "eu_smpc"
    (row,) = eu["patients"]
    assert (row["recommendation"], row["next_assessment_due"]) == ("hold", "2026-04-08")
    assert _report()["patients"][0]["next_assessment_due"] == "2026-04-15"  # us_label: 28 days
    settings.RULE_SET = "eu_smpc"
    assert _report()["rule_set"] == "eu_smpc"
    assert _report("--rule-set", "us_label")["rule_set"] == "us_label"


def test_an_unknown_rule_set_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("monitoring_report", "--rule-set", "uk", stdout=io.StringIO())
