"""The follow-through records of issue 12 through the REST API (issue 15: "each clinical record
type"): scan requests created, read, booked, cancelled with a reason, did-not-attend and marked
entered in error through the services; reviews by oncologists only; contacts. Errors name the
field; reads are audited like the other records'; nothing is deleted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory
from tracker import services
from tracker.models import AuditEvent, ContactLog, RecommendationReview, ScanRequest

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
P = "/api/v1/patients/A0001"


def ago(days):
    return TODAY - timedelta(days=days)


@pytest.fixture
def held():
    """A0001: LVEF 62% at baseline, 45% yesterday (a 17-point fall below 50%): hold (H1-H4),
    so a review is called for."""
    patient = PatientFactory(mrn="A0001")
    course = CourseFactory(patient=patient, planned_start=ago(60))
    InfusionFactory(course=course, date=ago(60))
    LvefFactory(patient=patient, date=ago(70), value=62)
    LvefFactory(patient=patient, date=ago(1), value=45)
    services.status_refresh()
    return patient


def test_a_scan_request_through_its_states(held, api, nurse):
    client = api("nurse")
    created = client.post(f"{P}/scans/", {"modality": "echo", "requested_on": ago(3).isoformat()})
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "requested" and body["requested_by"] == "nurse"
    assert created["Location"] == f"{P}/scans/{body['id']}/"
    second = client.post(f"{P}/scans/", {"modality": "echo", "requested_on": ago(1).isoformat()})
    assert second.status_code == 400
    assert [e["path"] for e in second.json()["errors"]] == ["requested_on"]  # one open

    url = created["Location"]
    unbooked_dna = client.post(f"{url}did-not-attend/", {})
    assert unbooked_dna.status_code == 400
    assert [e["path"] for e in unbooked_dna.json()["errors"]] == ["state"]
    no_date = client.post(f"{url}book/", {"place": "Echo lab"})
    assert [e["path"] for e in no_date.json()["errors"]] == ["booked_for"]
    booked = client.post(f"{url}book/", {"booked_for": (TODAY + timedelta(days=7)).isoformat(),
                                         "place": "Echo lab"})  # fmt: skip
    assert booked.status_code == 200, booked.json()
    assert booked.json()["state"] == "booked" and booked.json()["place"] == "Echo lab"
    dna = client.post(f"{url}did-not-attend/", {"closed_on": TODAY.isoformat()})
    assert dna.status_code == 200, dna.json()
    assert dna.json()["state"] == "did_not_attend" and dna.json()["closed_by"] == "nurse"
    again = client.post(f"{url}cancel/", {"reason": "too late"})
    assert again.status_code == 400 and again.json()["errors"][0]["path"] == "state"
    scan = ScanRequest.objects.get(pk=body["id"])
    assert scan.state == "did_not_attend" and scan.history.count() == 3
    assert AuditEvent.objects.filter(action="record_changed", patient=held, user=nurse).exists()

    read = client.get(url)
    assert read.json()["state"] == "did_not_attend"
    assert AuditEvent.objects.filter(
        action="patient_view", patient=held, detail=f"API scan request {scan.pk}"
    ).exists()
    listed = client.get(f"{P}/scans/").json()
    assert [row["id"] for row in listed] == [scan.pk]
    assert AuditEvent.objects.filter(detail="API scan request list").exists()


def test_cancel_needs_a_reason_and_entered_in_error_keeps_the_request(held, api):
    client = api("cardiology")  # cardiology may book, not request
    assert client.post(f"{P}/scans/", {"requested_on": TODAY.isoformat()}).status_code == 403
    nurse = api("nurse")
    url = nurse.post(f"{P}/scans/", {"requested_on": TODAY.isoformat()})["Location"]
    booked = client.post(f"{url}book/", {"booked_for": TODAY.isoformat()})
    assert booked.status_code == 200 and booked.json()["booked_for"] == TODAY.isoformat()
    no_reason = nurse.post(f"{url}cancel/", {})
    assert [e["path"] for e in no_reason.json()["errors"]] == ["reason"]
    blank = nurse.post(f"{url}cancel/", {"reason": "  "})
    assert blank.status_code == 400 and blank.json()["errors"][0]["path"] == "reason"
    unknown = nurse.post(f"{url}cancel/", {"reason": "moved away", "state": "done"})
    assert [e["path"] for e in unknown.json()["errors"]] == ["state"]  # not a field here
    assert ScanRequest.objects.get().state == "booked"
    marked = nurse.post(f"{url}entered-in-error/", {"reason": "wrong patient"})
    assert marked.status_code == 200 and marked.json()["entered_in_error"] is True
    after = nurse.post(f"{url}cancel/", {"reason": "moved away"})
    assert after.status_code == 400  # a request marked entered in error cannot change
    assert nurse.delete(url).status_code == 405
    assert ScanRequest.objects.count() == 1


def test_reviews_by_oncologists_only_with_the_reason_rule(held, api, oncologist):
    body = {"date": TODAY.isoformat(), "decision": "continue_despite_criteria"}
    for persona in ("nurse", "cardiology", "viewer"):
        assert api(persona).post(f"{P}/reviews/", body).status_code == 403
    client = api("oncologist")
    missing = client.post(f"{P}/reviews/", body)
    assert missing.status_code == 400
    assert [e["path"] for e in missing.json()["errors"]] == ["reason"]  # issue 12 item 2
    made = client.post(f"{P}/reviews/", {**body, "reason": "Patient's choice."})
    assert made.status_code == 201, made.json()
    review = made.json()
    assert review["reviewed_by"] == "oncologist" and review["recommendation"] == "hold"
    assert review["lvef_value"] == 45.0
    assert RecommendationReview.objects.get().reviewed_by == oncologist
    assert api("viewer").get(made["Location"]).json() == review
    assert AuditEvent.objects.filter(action="record_created", user=oncologist).exists()


def test_a_review_where_none_is_called_for_names_the_decision(api):
    PatientFactory(mrn="A0001")
    response = api("oncologist").post(
        f"{P}/reviews/", {"date": TODAY.isoformat(), "decision": "resume"}
    )
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["decision"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"date": "2026-01-05", "method": "pigeon", "outcome": "no_answer"}, "method"),
        ({"date": "2026-01-05", "method": "phone", "outcome": "maybe"}, "outcome"),
        ({"method": "phone", "outcome": "no_answer"}, "date"),
        ({"date": "2999-01-01", "method": "phone", "outcome": "no_answer"}, "date"),
    ],
)
def test_contact_errors_name_the_field(held, api, body, path):
    response = api("nurse").post(f"{P}/contacts/", body)
    assert response.status_code == 400
    assert path in [e["path"] for e in response.json()["errors"]]
    assert not ContactLog.objects.exists()


def test_contacts_logged_and_read(held, api, nurse):
    client = api("nurse")
    contact = {"date": TODAY.isoformat(), "method": "letter", "outcome": "letter_sent"}
    made = client.post(f"{P}/contacts/", {**contact, "notes": "Reminder."})
    assert made.status_code == 201, made.json()
    assert made.json()["contacted_by"] == "nurse"
    assert api("cardiology").post(f"{P}/contacts/", {}).status_code == 403
    assert [c["outcome"] for c in api("viewer").get(f"{P}/contacts/").json()] == ["letter_sent"]
    detail = api("viewer").get("/api/v1/patients/A0001/").json()
    assert [c["outcome"] for c in detail["records"]["contacts"]] == ["letter_sent"]
