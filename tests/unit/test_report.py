"""status_to_report: one patient object of the monitoring report of interchange.md."""

import json

from tracker.monitoring import DEFAULT_SETTINGS, status_to_report
from tracker.monitoring.report import REPORT_KEYS, report_document

from .builders import AS_OF, course, example_2, lvef, record, run

# The report example of interchange.md version 2 (worked example 2), verbatim.
INTERCHANGE_EXAMPLE = json.loads(
    """
{
  "as_of": "2026-06-01",
  "rule_set": "us_label",
  "patients": [
    {
      "mrn": "A1001",
      "phase": "active",
      "baseline_lvef": {"date": "2025-12-20", "value": 62.0, "modality": "echo"},
      "latest_lvef": {"date": "2026-03-18", "value": 46.0, "modality": "echo"},
      "lvef_drop": 16.0,
      "ctrcd": "moderate",
      "next_assessment_due": "2026-04-15",
      "assessment_status": "overdue",
      "recommendation": "hold",
      "cotreatment_risk": "none",
      "doxorubicin_equivalent_mg_m2": 0.0,
      "flags": ["ASSESSMENT_OVERDUE", "HOLD_NOT_ACTIONED", "LVEF_BELOW_LLN", "LVEF_HOLD_CRITERIA"]
    }
  ]
}
"""
)
EXAMPLE_PATIENT = INTERCHANGE_EXAMPLE["patients"][0]


def test_worked_example_2_gives_the_interchange_example_exactly():
    report = status_to_report(run(example_2()), "A1001")
    assert report == EXAMPLE_PATIENT
    assert list(report) == list(EXAMPLE_PATIENT)
    assert list(report) == list(REPORT_KEYS)
    assert list(report["baseline_lvef"]) == ["date", "value", "modality"]
    as_json = json.dumps(report_document(AS_OF, DEFAULT_SETTINGS.rule_set, [report]))
    assert json.loads(as_json) == INTERCHANGE_EXAMPLE
    assert list(json.loads(as_json)) == ["as_of", "rule_set", "patients"]


def test_types_of_numbers():
    report = status_to_report(run(example_2()), "A1001")
    assert isinstance(report["baseline_lvef"]["value"], float)
    assert isinstance(report["lvef_drop"], float)
    assert isinstance(report["doxorubicin_equivalent_mg_m2"], float)


def test_no_course_still_gives_latest_lvef_and_nulls():
    report = status_to_report(run(record(lvefs=[lvef("2026-02-01", "57.5", "muga")])), "Z9")
    assert report["mrn"] == "Z9"
    assert report["phase"] == "no_course"
    assert report["baseline_lvef"] is None
    assert report["latest_lvef"] == {"date": "2026-02-01", "value": 57.5, "modality": "muga"}
    assert report["lvef_drop"] is None
    assert report["ctrcd"] == "unknown"
    assert report["next_assessment_due"] is None
    assert report["assessment_status"] == "not_required"
    assert report["recommendation"] == "none"
    assert report["flags"] == []


def test_planned_without_any_lvef():
    report = status_to_report(run(record([course("2026-07-01")])), "P1")
    assert report["latest_lvef"] is None
    assert report["next_assessment_due"] == "2026-07-01"
    assert report["flags"] == ["BASELINE_MISSING"]


def test_flag_details_follow_the_flags():
    status = run(example_2())
    assert [flag.code for flag in status.flag_details] == list(status.flags)
    assert status.flag_details[0].rule == "S6"  # ASSESSMENT_OVERDUE sorts first (v2 S3)
    assert [e.code for e in status.explanations] == list(status.flags)
