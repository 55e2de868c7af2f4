"""The monitoring report on the demo data matches interchange.md key for key and value for
value type, for every patient; the demo shows every flag and every profile of clinical-rules.md
version 2 (issue 11: "the demo data shows every new flag and every profile")."""

import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command

from devdata.demo import DEMO_EXPECTATIONS, demo_document
from tracker import interchange, monitoring, selectors, services
from tracker.models import MonitoringStatus
from tracker.monitoring.vocabulary import Agent, Intent, RuleSet

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
        shown = {key: patient[key] for key in expected}
        assert {**shown, "flags": tuple(patient["flags"])} == expected, patient["mrn"]
    flags = {code for patient in report["patients"] for code in patient["flags"]}
    assert flags == set(monitoring.FLAGS)


def _import_demo(today):
    interchange.import_document(demo_document(today), actor=services.import_actor())


def _evaluate_demo(today, rule_set):
    """MRN -> the engine's status of each imported demo patient under ``rule_set``."""
    patients = selectors.active_patients()
    mrns = dict(patients.values_list("pk", "mrn"))
    rules = selectors.rule_settings(rule_set)
    return {
        mrns[pk]: monitoring.evaluate(record, today, rules)
        for pk, record in selectors.load_records(patients).items()
    }


def test_demo_expectations_cover_every_flag():
    shown = {code for expected in DEMO_EXPECTATIONS.values() for code in expected["flags"]}
    assert shown == set(monitoring.FLAGS)


def test_demo_shows_every_profile_the_us_label_rule_set_can_select():
    """Section 4: every (agent, profile) pair us_label can select is some demo patient's
    current course, so trastuzumab IV and SC and the IV and Phesgo combination all show."""
    today = date.today()
    _import_demo(today)
    selectable = {
        (agent.value, monitoring.profile_for(agent, intent, RuleSet.US_LABEL).key)
        for agent in Agent
        for intent in Intent
    }
    statuses = _evaluate_demo(today, "us_label")
    shown = {(s.course.agent, s.profile) for s in statuses.values() if s.course is not None}
    assert shown == selectable
    stored = set(MonitoringStatus.objects.exclude(profile="").values_list("profile", flat=True))
    assert stored == {key for _, key in selectable}


def test_demo_under_the_eu_smpc_rule_set():
    """RULE_SET=eu_smpc changes only the trastuzumab profile (section 0); a discontinue there
    reads "strongly consider discontinuing" (section 4)."""
    today = date.today()
    _import_demo(today)
    out = io.StringIO()
    call_command("monitoring_report", "--as-of", today.isoformat(), "--rule-set", "eu_smpc",
                 stdout=out)  # fmt: skip
    report = json.loads(out.getvalue())
    assert report["rule_set"] == "eu_smpc"
    assert len(report["patients"]) == len(DEMO_EXPECTATIONS)

    statuses = _evaluate_demo(today, "eu_smpc")
    eu = {mrn for mrn, s in statuses.items() if s.profile == "trastuzumab_eu_smpc"}
    trastuzumab = {
        mrn
        for mrn, s in statuses.items()
        if s.course is not None and s.course.agent in (Agent.TRASTUZUMAB, Agent.TRASTUZUMAB_SC)
    }
    assert eu and eu == trastuzumab
    stopped = {mrn for mrn in eu if statuses[mrn].recommendation == "discontinue"}
    # D1032: the repeat is no better than the trigger: "not improved" under the SmPC.
    assert "D1032" in stopped
    for mrn in stopped:
        assert "strongly consider discontinuing" in statuses[mrn].recommendation_reason.lower()
    # H4 (repeated holds) belongs to the US label profile only.
    assert all("REPEATED_HOLDS" not in statuses[mrn].flags for mrn in eu)
    # The other profiles do not depend on the rule set.
    us = _evaluate_demo(today, "us_label")
    for mrn, status in statuses.items():
        if mrn not in eu:
            assert (status.profile, status.flags) == (us[mrn].profile, us[mrn].flags), mrn


def test_demo_switch_to_sc_keeps_the_iv_baseline():
    """Worked example 6: the SC course continues the IV course's episode, so the baseline is
    the one before the first IV infusion (62%), not the 52% at the switch."""
    today = date.today()
    _import_demo(today)
    status = _evaluate_demo(today, "us_label")["D1046"]
    assert status.course.agent == Agent.TRASTUZUMAB_SC
    assert status.baseline.value == 62 and status.latest.value == 52
    # F is the IV course's first infusion, months before the SC course was planned.
    assert status.baseline.date < status.first_infusion < status.course.planned_start
    assert status.lvef_drop == 10 and status.recommendation == "continue"


def test_demo_phesgo_doses_are_the_fixed_sc_doses():
    """Phesgo: dose_mg is the trastuzumab component, 600 mg, loading (8 minutes) on the first
    dose of a course, maintenance (5 minutes) after."""
    for patient in demo_document(date.today())["patients"]:
        for course in patient["courses"]:
            if course["agent"] != "pertuzumab_trastuzumab_sc":
                continue
            infusions = course["infusions"]
            assert infusions and {i["dose_mg"] for i in infusions} == {600}
            assert [i["loading_dose"] for i in infusions] == [True] + [False] * (len(infusions) - 1)
            assert [i["duration_minutes"] for i in infusions] == [8] + [5] * (len(infusions) - 1)


def _record(patient: dict) -> monitoring.PatientRecord:
    """The engine's record of one demo patient, straight from the document (list order gives
    the recording order, as in an import: section 0, ties)."""

    def day(value):
        return None if value is None else date.fromisoformat(value)

    def number(value):
        return None if value is None else Decimal(str(value))

    courses = tuple(
        monitoring.Course(
            c["agent"],
            c["intent"],
            c["schedule"],
            day(c["planned_start"]),
            day(c["end_date"]),
            c["end_reason"],
            tuple(
                monitoring.Infusion(day(i["date"]), number(i["dose_mg"]), i["loading_dose"])
                for i in c["infusions"]
            ),
            tuple(monitoring.Hold(day(h["start"]), day(h["end"]), h["reason"]) for h in c["holds"]),
            sequence=n,
        )
        for n, c in enumerate(patient["courses"])
    )
    lvef = tuple(
        monitoring.LvefMeasurement(
            day(m["date"]), number(m["value"]), m["modality"], number(m.get("gls")), sequence=n
        )
        for n, m in enumerate(patient["lvef"])
    )
    cotreatments = tuple(
        monitoring.CoTreatment(
            t["drug"], day(t["start"]), day(t["end"]), number(t.get("cumulative_dose_mg_m2"))
        )
        for t in patient["cotreatments"]
    )
    return monitoring.PatientRecord(patient["mrn"], courses, lvef, cotreatments)


@pytest.mark.parametrize(
    "today",
    ["2026-03-01", "2026-03-31", "2026-05-31", "2026-12-31", "2027-02-28", "2028-02-29"],
)
def test_demo_looks_the_same_on_any_day(today):
    """Dates are relative to ``today`` with margins from every threshold: month ends and a
    leap day give the designed picture too (engine only, no database)."""
    today = date.fromisoformat(today)
    for patient in demo_document(today)["patients"]:
        status = monitoring.evaluate(_record(patient), today)
        shown = {key: str(getattr(status, key)) for key in DEMO_EXPECTATIONS[patient["mrn"]]}
        shown["flags"] = tuple(status.flags)
        assert shown == DEMO_EXPECTATIONS[patient["mrn"]], patient["mrn"]
