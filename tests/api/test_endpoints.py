"""The API's endpoints by content (issue 15 item 1): the patient list with the stored status,
its filters and keyset pages; the detail with records and the fresh evaluation; records
created, read, changed and marked entered in error through the services (audited, history
kept, status recomputed); 409 on a stale edit; no DELETE; JSON errors with field paths; the
worklist sections and the two reports."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory
from tracker import services
from tracker.models import AuditEvent, Infusion, LvefMeasurement, MonitoringStatus

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
V1 = "/api/v1"


def ago(days):
    return TODAY - timedelta(days=days)


@pytest.fixture
def clinic():
    """A0001 on trastuzumab with a baseline, last infused 60 days ago (reload dose due, D1);
    B0002 with no course; C0003 on a course without a baseline (B2)."""
    a = PatientFactory(mrn="A0001", family_name="Alder")
    course = CourseFactory(patient=a, planned_start=ago(60))
    InfusionFactory(course=course, date=ago(60))
    LvefFactory(patient=a, date=ago(70), value=62)
    PatientFactory(mrn="B0002", family_name="Birch")
    c = PatientFactory(mrn="C0003", family_name="Cedar")
    InfusionFactory(course=CourseFactory(patient=c, planned_start=ago(5)), date=ago(5))
    services.status_refresh()
    return {"a": a, "course": course, "c": c}


@pytest.fixture
def nurse_api(api):
    return api("nurse")


# --- patients --------------------------------------------------------------------------------


def test_patient_list_rows_carry_the_stored_status(clinic, nurse_api):
    body = nurse_api.get(f"{V1}/patients/").json()
    assert body["count"] == 3 and body["next"] is None
    rows = {row["mrn"]: row for row in body["results"]}
    assert list(rows) == ["A0001", "B0002", "C0003"]
    a = rows["A0001"]
    assert a["family_name"] == "Alder"
    assert a["phase"] == "active"
    assert a["latest_lvef"]["value"] == 62.0 and a["latest_lvef"]["date"] == ago(70).isoformat()
    assert a["flags"] == ["RELOAD_DOSE_DUE"]
    stored = MonitoringStatus.objects.get(patient=clinic["a"])
    assert a["next_assessment_due"] == stored.next_assessment_due.isoformat()
    assert a["days_until_due"] == (stored.next_assessment_due - TODAY).days
    assert rows["B0002"]["phase"] == "no_course"
    assert rows["B0002"]["assessment_status"] == "not_required"
    assert "BASELINE_MISSING" in rows["C0003"]["flags"]
    assert AuditEvent.objects.filter(action="list_view", detail__startswith="API").exists()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("phase=no_course", ["B0002"]),
        ("phase=active", ["A0001", "C0003"]),
        ("section=dose", ["A0001"]),
        ("section=check_record", ["B0002", "C0003"]),
        ("q=birch", ["B0002"]),
        ("q=A0001", ["A0001"]),
        ("assessment_status=not_required", ["B0002"]),
    ],
)
def test_patient_list_filters(clinic, nurse_api, query, expected):
    body = nurse_api.get(f"{V1}/patients/?{query}").json()
    assert [row["mrn"] for row in body["results"]] == expected
    assert body["count"] == len(expected)


def test_patient_list_keyset_pages(clinic, nurse_api):
    first = nurse_api.get(f"{V1}/patients/?limit=2").json()
    assert [row["mrn"] for row in first["results"]] == ["A0001", "B0002"]
    assert first["count"] == 3
    assert "after=B0002" in first["next"] and "limit=2" in first["next"]
    second = nurse_api.get(first["next"]).json()
    assert [row["mrn"] for row in second["results"]] == ["C0003"]
    assert second["next"] is None
    assert second["count"] == 3  # the count is of the whole list, not the page
    # a patient added between pages neither repeats nor shifts a row
    PatientFactory(mrn="A0000")
    services.status_refresh()
    again = nurse_api.get(f"{V1}/patients/?limit=2&after=B0002").json()
    assert [row["mrn"] for row in again["results"]] == ["C0003"]


@pytest.mark.parametrize(
    ("query", "path"),
    [
        ("limit=0", "query.limit"),
        ("limit=201", "query.limit"),
        ("limit=many", "query.limit"),
        ("phase=sideways", "query.phase"),
        ("colour=red", "query.colour"),
    ],
)
def test_patient_list_bad_query_names_the_parameter(clinic, nurse_api, query, path):
    response = nurse_api.get(f"{V1}/patients/?{query}")
    assert response.status_code == 400
    assert path in [e["path"] for e in response.json()["errors"]]


def test_patient_detail_has_records_and_the_fresh_evaluation(clinic, nurse_api):
    response = nurse_api.get(f"{V1}/patients/A0001/")
    assert response.status_code == 200
    body = response.json()
    assert body["mrn"] == "A0001" and body["family_name"] == "Alder"
    status = body["status"]
    assert status["as_of"] == TODAY.isoformat()
    assert status["phase"] == "active" and status["flags"] == ["RELOAD_DOSE_DUE"]
    assert [e["rule"] for e in status["explanations"]] == ["D1"]
    assert "loading dose" in status["explanations"][0]["text"]
    assert status["rules_version"]
    records = body["records"]
    assert [c["agent"] for c in records["courses"]] == ["trastuzumab"]
    assert [i["date"] for i in records["infusions"]] == [ago(60).isoformat()]
    assert [m["value"] for m in records["lvef"]] == [62.0]
    assert AuditEvent.objects.filter(
        action="patient_view", patient=clinic["a"], detail="API patient"
    ).exists()


def test_unknown_patient_is_a_json_404(clinic, nurse_api):
    response = nurse_api.get(f"{V1}/patients/Z9999/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


# --- records ---------------------------------------------------------------------------------


def test_lvef_create_read_update_audited_and_status_recomputed(clinic, nurse_api, nurse):
    url = f"{V1}/patients/A0001/lvef/"
    before = MonitoringStatus.objects.get(patient=clinic["a"])
    assert before.latest_value == 62
    response = nurse_api.post(url, {"date": ago(1).isoformat(), "value": 45, "modality": "echo"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["value"] == 45.0 and created["created_by"]
    assert response["Location"] == f"{url}{created['id']}/"
    row = LvefMeasurement.objects.get(pk=created["id"])
    assert row.created_by == nurse
    assert row.history.count() == 1
    assert AuditEvent.objects.filter(
        action="record_created", patient=clinic["a"], user=nurse
    ).exists()
    after = MonitoringStatus.objects.get(patient=clinic["a"])
    assert after.latest_value == 45 and after.latest_date == ago(1)
    assert after.recommendation != "continue"  # a 17-point drop below 50% (H1-H4)

    read = nurse_api.get(response["Location"]).json()
    assert read == created

    changed = nurse_api.patch(
        response["Location"], {"value": 58, "updated_at": created["updated_at"]}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["value"] == 58.0
    row.refresh_from_db()
    assert row.value == 58 and row.history.count() == 2
    assert AuditEvent.objects.filter(action="record_changed", patient=clinic["a"]).exists()
    assert MonitoringStatus.objects.get(patient=clinic["a"]).latest_value == 58

    stale = nurse_api.patch(
        response["Location"], {"value": 30, "updated_at": created["updated_at"]}
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["status"] == 409 and body["errors"][0]["path"] == "updated_at"
    assert body["current"]["value"] == 58.0
    row.refresh_from_db()
    assert row.value == 58


def test_infusion_create_and_update(clinic, api, nurse):
    client = api("nurse")
    course = clinic["course"]
    url = f"{V1}/patients/A0001/infusions/"
    body = {
        "course": course.pk,
        "date": ago(1).isoformat(),
        "dose_mg": 480,
        "weight_kg": 60,
        "duration_minutes": 90,
        "loading_dose": True,
    }
    # Not a loading dose two months after the last one: D1 warns, confirm as on the form.
    response = client.post(url, {**body, "loading_dose": False})
    assert response.status_code == 400, response.json()
    assert any("D1" in e["message"] for e in response.json()["errors"])
    assert all(e["path"] == "confirm_warnings" for e in response.json()["errors"])
    assert Infusion.objects.filter(course=course).count() == 1
    response = client.post(url, body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["course"] == course.pk and created["dose_mg"] == 480.0
    assert Infusion.objects.filter(course=course, entered_in_error=False).count() == 2
    assert AuditEvent.objects.filter(action="record_created", patient=clinic["a"]).exists()
    status = MonitoringStatus.objects.get(patient=clinic["a"])
    assert "RELOAD_DOSE_DUE" not in status.flags  # given yesterday: no longer overdue (D1)

    changed = client.patch(
        response["Location"], {"duration_minutes": 60, "updated_at": created["updated_at"]}
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["duration_minutes"] == 60


def test_infusion_for_another_patients_course_is_refused(clinic, nurse_api):
    other = CourseFactory(patient=clinic["c"])
    response = nurse_api.post(
        f"{V1}/patients/A0001/infusions/",
        {"course": other.pk, "date": ago(1).isoformat(), "dose_mg": 480, "weight_kg": 60,
         "duration_minutes": 90},
    )  # fmt: skip
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["course"]


def test_entered_in_error_with_a_reason_and_no_delete(clinic, nurse_api):
    row = LvefMeasurement.objects.get(patient=clinic["a"])
    url = f"{V1}/patients/A0001/lvef/{row.pk}/"
    assert nurse_api.delete(url).status_code == 405
    assert nurse_api.delete(f"{V1}/patients/A0001/").status_code == 405
    missing = nurse_api.post(f"{url}entered-in-error/", {})
    assert missing.status_code == 400
    assert [e["path"] for e in missing.json()["errors"]] == ["reason"]
    marked = nurse_api.post(f"{url}entered-in-error/", {"reason": "wrong patient's scan"})
    assert marked.status_code == 200, marked.json()
    body = marked.json()
    assert body["entered_in_error"] is True
    assert body["entered_in_error_reason"] == "wrong patient's scan"
    row.refresh_from_db()
    assert row.entered_in_error  # kept, marked
    assert MonitoringStatus.objects.get(patient=clinic["a"]).latest_value is None
    again = nurse_api.post(f"{url}entered-in-error/", {"reason": "again"})
    assert again.status_code == 409
    edit = nurse_api.patch(url, {"value": 50, "updated_at": body["updated_at"]})
    assert edit.status_code == 409


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"date": "2026-03-01", "value": 55, "modality": "echo", "colour": "red"}, "colour"),
        ({"date": "2026-03-01", "value": 55, "modality": "echo", "id": 5}, "id"),
        ({"date": "2026-03-01", "value": "fifty", "modality": "echo"}, "value"),
        ({"date": "2026-03-01", "value": 1e308, "modality": "echo"}, "value"),
        ({"date": "2026-03-01", "value": 10**400, "modality": "echo"}, "value"),
        ({"date": "2026-03-01", "value": 555, "modality": "echo"}, "value"),
        ({"date": "not a date", "value": 55, "modality": "echo"}, "date"),
        ({"date": "2026-03-01", "value": 55, "modality": "xray"}, "modality"),
        ({"date": "2026-03-01", "value": 55}, "modality"),
        ([1, 2], "body"),
        ("{not json", "body"),
    ],
)
def test_bad_bodies_are_json_with_the_field_path(clinic, nurse_api, body, path):
    import json

    raw = body if isinstance(body, str) else json.dumps(body)
    response = nurse_api.post(f"{V1}/patients/A0001/lvef/", raw)
    assert response.status_code == 400, response.content
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert path in [e["path"] for e in errors], errors
    assert all(e["message"] for e in errors)
    assert LvefMeasurement.objects.filter(patient=clinic["a"]).count() == 1


def test_unknown_endpoint_is_json(nurse_api):
    response = nurse_api.get(f"{V1}/nothing-here/")
    assert response.status_code == 404
    assert response.json()["status"] == 404


# --- worklist and reports --------------------------------------------------------------------


def test_worklist_sections(clinic, nurse_api):
    body = nurse_api.get(f"{V1}/worklist/").json()
    assert body["as_of"] == TODAY.isoformat() and body["total"] == 3
    sections = {s["key"]: s for s in body["sections"]}
    assert list(sections)[:2] == ["book_scan", "chase"]  # the worklist's order of actions
    assert [p["mrn"] for p in sections["dose"]["patients"]] == ["A0001"]
    assert sections["dose"]["count"] == 1
    assert "D1" in sections["dose"]["description"]
    check = sections["check_record"]["patients"]
    assert [p["mrn"] for p in check] == ["B0002", "C0003"]  # no course; no baseline (B2)
    assert all(p["reason"] for p in check)
    assert AuditEvent.objects.filter(action="worklist_view", detail__startswith="API").exists()


def test_worklist_limit_keeps_the_count(clinic, nurse_api):
    for n in range(3):
        c = PatientFactory(mrn=f"D000{n}")
        InfusionFactory(course=CourseFactory(patient=c, planned_start=ago(5)), date=ago(5))
    services.status_refresh()
    body = nurse_api.get(f"{V1}/worklist/?limit=2").json()
    section = next(s for s in body["sections"] if s["key"] == "check_record")
    assert section["count"] == 5 and len(section["patients"]) == 2
    assert nurse_api.get(f"{V1}/worklist/?limit=0").status_code == 400


def test_monitoring_report_as_of(clinic, nurse_api):
    past = ago(65).isoformat()  # after the course began, before its first infusion
    body = nurse_api.get(f"{V1}/reports/monitoring/?as_of={past}").json()
    assert body["as_of"] == past
    rows = {row["mrn"]: row for row in body["patients"]}
    assert set(rows) == {"A0001", "B0002", "C0003"}
    assert rows["A0001"]["latest_lvef"]["value"] == 62.0
    today = nurse_api.get(f"{V1}/reports/monitoring/").json()
    assert today["as_of"] == TODAY.isoformat()
    assert {r["mrn"]: r for r in today["patients"]}["A0001"]["flags"] == ["RELOAD_DOSE_DUE"]
    bad = nurse_api.get(f"{V1}/reports/monitoring/?as_of=yesterday")
    assert bad.status_code == 400
    assert [e["path"] for e in bad.json()["errors"]] == ["query.as_of"]


def test_monitoring_report_rule_set(clinic, nurse_api):
    for rule_set in ("us_label", "eu_smpc"):
        body = nurse_api.get(f"{V1}/reports/monitoring/?rule_set={rule_set}").json()
        assert body["rule_set"] == rule_set
    bad = nurse_api.get(f"{V1}/reports/monitoring/?rule_set=mine")
    assert bad.status_code == 400
    assert [e["path"] for e in bad.json()["errors"]] == ["query.rule_set"]


def test_quality_report(clinic, nurse_api):
    body = nurse_api.get(
        f"{V1}/reports/quality/?from={ago(90).isoformat()}&to={TODAY.isoformat()}"
    ).json()
    assert body["from"] == ago(90).isoformat() and body["to"] == TODAY.isoformat()
    ids = [m["id"] for m in body["measures"]]
    assert ids[0] == "Q1" and "Q7" in ids
    for measure in body["measures"]:
        assert measure["numerator"] <= measure["denominator"]
    missing = nurse_api.get(f"{V1}/reports/quality/")
    assert missing.status_code == 400
    assert {"query.from", "query.to"} <= {e["path"] for e in missing.json()["errors"]}
    backwards = nurse_api.get(f"{V1}/reports/quality/?from=2026-06-01&to=2026-01-01")
    assert [e["path"] for e in backwards.json()["errors"]] == ["query.from"]


def test_patient_create_and_stale_update(clinic, api):
    client = api("oncologist")
    response = client.post(
        f"{V1}/patients/",
        {"mrn": "E0005", "given_name": "Eve", "family_name": "Elm",
         "date_of_birth": "1970-05-06", "sex": "female"},
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response["Location"] == f"{V1}/patients/E0005/"
    created = response.json()
    assert AuditEvent.objects.filter(action="record_created", patient__mrn="E0005").exists()
    assert MonitoringStatus.objects.filter(patient__mrn="E0005", phase="no_course").exists()
    duplicate = client.post(
        f"{V1}/patients/",
        {"mrn": "E0005", "given_name": "Eve", "family_name": "Elm",
         "date_of_birth": "1970-05-06", "sex": "female"},
    )  # fmt: skip
    assert duplicate.status_code == 400
    assert "mrn" in [e["path"] for e in duplicate.json()["errors"]]
    url = response["Location"]
    ok = client.patch(url, {"notes": "prefers mornings", "updated_at": created["updated_at"]})
    assert ok.status_code == 200 and ok.json()["notes"] == "prefers mornings"
    stale = client.patch(url, {"notes": "overwritten", "updated_at": created["updated_at"]})
    assert stale.status_code == 409
    missing = client.patch(url, {"notes": "no version"})
    assert missing.status_code == 400
    assert [e["path"] for e in missing.json()["errors"]] == ["updated_at"]


def test_a_record_of_another_patient_is_not_found(clinic, nurse_api):
    row = LvefMeasurement.objects.get(patient=clinic["a"])
    other = nurse_api.get(f"{V1}/patients/B0002/lvef/{row.pk}/")
    assert other.status_code == 404
    assert other.json()["status"] == 404
    assert str(row.value) not in other.content.decode()  # nothing of A0001's LVEF leaks
    own = nurse_api.get(f"{V1}/patients/A0001/lvef/{row.pk}/")
    assert own.status_code == 200
    assert (own.json()["id"], float(own.json()["value"])) == (row.pk, float(row.value))
