"""monitoring_report (interchange.md) through the database, and the selectors' bounded queries."""

import csv
import io
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory
from tests.unit.test_report import INTERCHANGE_EXAMPLE
from tracker import selectors, services
from tracker.models import LvefMeasurement

pytestmark = pytest.mark.django_db

EXAMPLE_2 = Path(__file__).with_name("worked_example_2.json")

# interchange.md, "Report": the report of worked example 2 of clinical-rules.md, key for key.
EXPECTED_EXAMPLE_2 = INTERCHANGE_EXAMPLE


def report(*args):
    out = io.StringIO()
    call_command("monitoring_report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def example_2():
    call_command("import_patients", str(EXAMPLE_2), stdout=io.StringIO())


def test_worked_example_2_report_matches_the_interchange_example(example_2):
    text = report("--as-of", "2026-06-01")
    assert json.loads(text) == EXPECTED_EXAMPLE_2
    assert list(json.loads(text)["patients"][0]) == list(EXPECTED_EXAMPLE_2["patients"][0])


def test_csv_has_one_flat_row_per_patient(example_2):
    rows = list(csv.DictReader(io.StringIO(report("--as-of", "2026-06-01", "--format", "csv"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["baseline_lvef_date"] == "2025-12-20"
    assert row["baseline_lvef_value"] == "62.0"
    assert row["latest_lvef_modality"] == "echo"
    # Version 2: the repeat is due 4 weeks after the hold-level decline, recorded hold or not
    # (S3), so example 2 is overdue.
    assert row["flags"] == "ASSESSMENT_OVERDUE;HOLD_NOT_ACTIONED;LVEF_BELOW_LLN;LVEF_HOLD_CRITERIA"
    assert row["next_assessment_due"] == "2026-04-15"


def test_patients_sorted_by_mrn_in_plain_string_order():
    for mrn in ["b1", "B2", "A10", "A9", "a1"]:
        PatientFactory(mrn=mrn)
    mrns = [p["mrn"] for p in json.loads(report("--as-of", "2026-06-01"))["patients"]]
    assert mrns == ["A10", "A9", "B2", "a1", "b1"]


def test_patient_without_course_still_has_latest_lvef():
    LvefFactory(patient=PatientFactory(mrn="N1"), date=date(2026, 1, 1), value=Decimal("55.5"))
    (row,) = json.loads(report("--as-of", "2026-06-01"))["patients"]
    assert row["phase"] == "no_course"
    assert row["latest_lvef"] == {"date": "2026-01-01", "value": 55.5, "modality": "echo"}
    assert row["recommendation"] == "none"


def test_mrn_filter_and_unknown_mrn(example_2):
    PatientFactory(mrn="Z1")
    only = json.loads(report("--as-of", "2026-06-01", "--mrn", "Z1"))
    assert [p["mrn"] for p in only["patients"]] == ["Z1"]
    both = json.loads(report("--as-of", "2026-06-01", "--mrn", "Z1", "A1001"))
    assert [p["mrn"] for p in both["patients"]] == ["A1001", "Z1"]
    with pytest.raises(CommandError, match="unknown MRN: NOPE"):
        report("--mrn", "NOPE")


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "01/06/2026"])
def test_bad_as_of_is_refused(bad):
    with pytest.raises(CommandError, match="--as-of: must be a date written YYYY-MM-DD"):
        report("--as-of", bad)


def test_as_of_defaults_to_today():
    assert json.loads(report())["as_of"] == date.today().isoformat()


def test_entered_in_error_lvef_is_ignored(example_2, nurse):
    decline = LvefMeasurement.objects.get(value=Decimal("46"))
    services.mark_entered_in_error(decline, actor=nurse, reason="another patient's echo")
    (row,) = json.loads(report("--as-of", "2026-06-01"))["patients"]
    assert row["latest_lvef"]["value"] == 62.0
    assert row["recommendation"] == "continue"
    assert row["flags"] == ["ASSESSMENT_OVERDUE"]  # worked example 1 again


def test_lln_comes_from_settings(example_2, settings):
    settings.LVEF_LOWER_LIMIT_NORMAL = Decimal("45")
    (row,) = json.loads(report("--as-of", "2026-06-01"))["patients"]
    assert "LVEF_BELOW_LLN" not in row["flags"]
    assert row["recommendation"] == "hold"  # drop of 16 still meets H1


def test_due_soon_window_comes_from_settings(example_2, settings):
    # Example 2's repeat is due 2026-04-15 (S3): 16 days after 2026-03-30.
    assert json.loads(report("--as-of", "2026-03-30"))["patients"][0]["assessment_status"] == "ok"
    settings.ASSESSMENT_DUE_SOON_DAYS = 16
    assert (
        json.loads(report("--as-of", "2026-03-30"))["patients"][0]["assessment_status"]
        == "due_soon"
    )


def _make_patients(n):
    for _ in range(n):
        course = CourseFactory()
        InfusionFactory(course=course)
        LvefFactory(patient=course.patient)


def test_loading_records_takes_the_same_queries_for_5_and_40_patients():
    _make_patients(5)
    with CaptureQueriesContext(connection) as few:
        selectors.evaluate_patients(selectors.active_patients(), date(2026, 6, 1))
    _make_patients(35)
    with CaptureQueriesContext(connection) as many:
        evaluated = selectors.evaluate_patients(selectors.active_patients(), date(2026, 6, 1))
    assert len(evaluated) == 40
    assert len(few.captured_queries) == len(many.captured_queries) <= 7


def test_report_query_count_is_bounded(django_assert_max_num_queries):
    _make_patients(30)
    # One query lists the patients' ids in MRN order, then 7 per chunk of patients (issue 16).
    with django_assert_max_num_queries(8):
        report("--as-of", "2026-06-01")


# --- streamed (issue 16 item 1) ---------------------------------------------------------------


def test_the_streamed_json_is_the_text_of_the_whole_document(example_2, monkeypatch):
    from tracker.interchange import report as report_module

    for mrn in ["b1", "B2", "A10", "A9", "a1"]:
        PatientFactory(mrn=mrn)
    monkeypatch.setattr(report_module, "REPORT_CHUNK", 2)
    whole = report_module.build_report(date(2026, 6, 1))
    assert report("--as-of", "2026-06-01") == json.dumps(whole, indent=2) + "\n"
    assert [p["mrn"] for p in whole["patients"]] == ["A10", "A1001", "A9", "B2", "a1", "b1"]


def test_the_streamed_json_of_no_patient_is_the_whole_documents():
    out = report("--as-of", "2026-06-01")
    document = {"as_of": "2026-06-01", "rule_set": "us_label", "patients": []}
    assert out == json.dumps(document, indent=2) + "\n"


def test_the_report_reads_in_chunks_of_bounded_queries(monkeypatch):
    """Queries per chunk, not per patient: 7 patients in chunks of 2 are 4 chunks."""
    from tracker.interchange import report as report_module

    for i in range(7):
        CourseFactory(patient=PatientFactory(mrn=f"Q{i}"))
    monkeypatch.setattr(report_module, "REPORT_CHUNK", 2)
    with CaptureQueriesContext(connection) as few:
        report("--as-of", "2026-06-01")
    monkeypatch.setattr(report_module, "REPORT_CHUNK", 1000)
    with CaptureQueriesContext(connection) as one:
        report("--as-of", "2026-06-01")
    per_chunk = len(one) - 1  # one query lists the patients
    assert len(few) == 1 + 4 * per_chunk
