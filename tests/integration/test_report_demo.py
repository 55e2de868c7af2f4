"""The monitoring report on the demo data matches interchange.md key for key and value for
value type, for every patient."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command

from devdata.demo import DEMO_EXPECTATIONS, demo_document
from tracker import interchange, services

pytestmark = pytest.mark.django_db

PHASES = {"no_course", "planned", "active", "held", "completed", "discontinued",
          "surveillance_complete"}  # fmt: skip
KEYS = ["mrn", "phase", "baseline_lvef", "latest_lvef", "lvef_drop", "ctrcd",
        "next_assessment_due", "assessment_status", "recommendation", "cotreatment_risk",
        "doxorubicin_equivalent_mg_m2", "flags"]  # fmt: skip


def _lvef_ok(value):
    return value is None or (
        list(value) == ["date", "value", "modality"]
        and date.fromisoformat(value["date"])
        and isinstance(value["value"], float)
        and value["modality"] in ("echo", "muga", "cmr")
    )


def test_report_on_demo_data_matches_the_interchange_format():
    today = date.today()
    interchange.import_document(demo_document(today), actor=services.import_actor())
    out = io.StringIO()
    call_command("monitoring_report", "--as-of", today.isoformat(), stdout=out)
    report = json.loads(out.getvalue())
    assert list(report) == ["as_of", "rule_set", "patients"]
    assert report["rule_set"] == "us_label"
    assert report["as_of"] == today.isoformat()
    mrns = [p["mrn"] for p in report["patients"]]
    assert mrns == sorted(mrns) and len(mrns) == len(DEMO_EXPECTATIONS)
    for patient in report["patients"]:
        assert list(patient) == KEYS
        assert patient["phase"] in PHASES
        assert _lvef_ok(patient["baseline_lvef"]) and _lvef_ok(patient["latest_lvef"])
        assert patient["lvef_drop"] is None or isinstance(patient["lvef_drop"], float)
        assert (patient["lvef_drop"] is None) == (
            patient["baseline_lvef"] is None or patient["latest_lvef"] is None
        )
        assert patient["ctrcd"] in ("none", "mild", "moderate", "severe", "unknown")
        due = patient["next_assessment_due"]
        assert due is None or date.fromisoformat(due)
        assert patient["assessment_status"] in ("ok", "due_soon", "overdue", "not_required")
        assert patient["recommendation"] in ("continue", "hold", "may_resume", "discontinue",
                                             "none")  # fmt: skip
        assert patient["cotreatment_risk"] in ("none", "elevated", "high")
        assert isinstance(patient["doxorubicin_equivalent_mg_m2"], float)
        assert patient["flags"] == sorted(set(patient["flags"]))
        expected = DEMO_EXPECTATIONS[patient["mrn"]]
        assert (patient["phase"], patient["recommendation"], tuple(patient["flags"])) == (
            expected["phase"],
            expected["recommendation"],
            tuple(expected["flags"]),
        ), patient["mrn"]
