"""quality_report (quality-measures.md, "Report format") through the database, key for key."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tracker import interchange, services
from tracker.interchange.quality_report import build_quality_report
from tracker.models import Patient

pytestmark = pytest.mark.django_db


def patient(mrn, infusion_days, lvefs=()):
    return {
        "mrn": mrn,
        "given_name": "Ada",
        "family_name": "Byron",
        "date_of_birth": "1961-04-02",
        "sex": "female",
        "courses": [
            {
                "agent": "trastuzumab",
                "intent": "adjuvant",
                "schedule": "every_3_weeks",
                "planned_start": infusion_days[0],
                "infusions": [{"date": d, "dose_mg": 360} for d in infusion_days],
            }
        ],
        "lvef": [{"date": d, "value": v, "modality": "echo"} for d, v in lvefs],
    }


@pytest.fixture
def clinic():
    doc = {
        "patients": [
            # Worked example 2: baseline met; the decline of 2026-03-18 not held within 7 days.
            patient(
                "A1001",
                ["2026-01-05", "2026-01-26", "2026-02-16", "2026-03-09", "2026-03-30"],
                [("2025-12-20", 62), ("2026-03-18", 46)],
            ),
            # No LVEF at all: Q1 closed without one; overdue since F (57 days on 2026-03-31).
            patient("A1002", ["2026-02-02", "2026-02-23", "2026-03-16"]),
            # F 2026-03-25: Q1 still pending on 2026-04-10; overdue 6 days on 2026-03-31.
            patient("A1003", ["2026-03-25"]),
        ]
    }
    interchange.import_document(doc, actor=services.import_actor())


def report(*args):
    out = io.StringIO()
    call_command("quality_report", *args, stdout=out)
    return out.getvalue()


ARGS = ("--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "2026-04-10")


def empty(measure_id):
    return {
        "id": measure_id,
        "denominator": 0,
        "numerator": 0,
        "percent": None,
        "not_met": [],
        "pending": [],
    }


EXPECTED = {
    "from": "2026-01-01",
    "to": "2026-03-31",
    "as_of": "2026-04-10",
    "rule_set": "us_label",
    "measures": [
        {
            "id": "Q1",
            "denominator": 2,
            "numerator": 1,
            "percent": 50.0,
            "not_met": ["A1002"],
            "pending": ["A1003"],
        },
        {
            "id": "Q1s",
            "denominator": 3,
            "numerator": 1,
            "percent": 33.3,
            "not_met": ["A1002", "A1003"],
            "pending": [],
        },
        empty("Q2"),
        empty("Q3"),
        empty("Q4"),
        {
            "id": "Q5",
            "denominator": 1,
            "numerator": 0,
            "percent": 0.0,
            "not_met": ["A1001"],
            "pending": [],
        },
        empty("Q6"),
        {
            "id": "Q7",
            "denominator": 3,
            "numerator": 1,
            "percent": 33.3,
            "not_met": ["A1002", "A1003"],
            "pending": [],
            "median_days_overdue": 31.5,
        },
    ],
}


def test_json_report_key_for_key(clinic):
    built = json.loads(report(*ARGS))
    assert built == EXPECTED
    assert list(built) == ["from", "to", "as_of", "rule_set", "measures"]
    for got, expected in zip(built["measures"], EXPECTED["measures"], strict=True):
        assert list(got) == list(expected)


def test_csv_has_one_row_per_measure(clinic):
    text = report(*ARGS, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0] == (
        "id,denominator,numerator,percent,not_met,pending,median_days_overdue"
    )
    assert [r["id"] for r in rows] == ["Q1", "Q1s", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7"]
    q1, q1s, q2 = rows[0], rows[1], rows[2]
    assert (q1["denominator"], q1["numerator"], q1["percent"]) == ("2", "1", "50.0")
    assert (q1["not_met"], q1["pending"], q1["median_days_overdue"]) == ("A1002", "A1003", "")
    assert q1s["not_met"] == "A1002;A1003"
    assert q2["percent"] == ""
    assert rows[7]["median_days_overdue"] == "31.5"


def test_entered_in_error_patients_are_left_out(clinic):
    services.mark_entered_in_error(
        Patient.objects.get(mrn="A1002"), actor=services.import_actor(), reason="wrong patient"
    )
    built = json.loads(report(*ARGS))
    assert built["measures"][0]["not_met"] == []
    assert built["measures"][7]["median_days_overdue"] == 6


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--from", "2026-13-01", "--to", "2026-03-31"), "--from"),
        (("--from", "2026-01-01", "--to", "31/03/2026"), "--to"),
        (("--from", "2026-01-01", "--to", "2026-03-31", "--as-of", "soon"), "--as-of"),
        (("--from", "2026-04-01", "--to", "2026-03-31"), "--from"),
    ],
)
def test_bad_dates_name_the_option(args, option):
    with pytest.raises(CommandError, match=f"^{option}: "):
        report(*args)


def test_queries_do_not_grow_with_the_number_of_patients(clinic):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            build_quality_report(date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 10))
        return len(ctx.captured_queries)

    before = queries()
    more = [patient(f"B{n}", ["2026-02-02"], [("2026-01-20", 60)]) for n in range(5)]
    interchange.import_document({"patients": more}, actor=services.import_actor())
    assert queries() == before
