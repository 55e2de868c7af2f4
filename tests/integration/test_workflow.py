"""Issue 12, close the loop: scan requests and their states, recommendation reviews, the contact
log, letters, ending a hold, and the worklist by action that clears when the work is done."""

import csv
import importlib
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import (
    ContactFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    ReviewFactory,
    ScanRequestFactory,
)
from tests.integration.test_views import TODAY, active_patient, days_ago, overdue_patient
from tracker import selectors, services
from tracker.models import AuditEvent, ContactLog, ScanRequest, TreatmentHold
from tracker.monitoring.wording import day

pytestmark = pytest.mark.django_db


def _in_sections(mrn, today=TODAY):
    sections, _ = selectors.worklist(today, limit=None)
    return {s.key for s in sections if any(r.mrn == mrn for r in s.rows)}


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


# --- scan requests: the state machine ------------------------------------------------------


def test_request_book_and_the_lvef_closes_it_as_done(nurse):
    patient = overdue_patient("S1", 10)
    request = services.scan_request_create(actor=nurse, patient=patient, requested_on=days_ago(2))
    assert (request.state, request.requested_by) == ("requested", nurse)
    booked = services.scan_request_book(
        request, actor=nurse, booked_for=TODAY + timedelta(days=3), place="Echo lab"
    )
    assert (booked.state, booked.place) == ("booked", "Echo lab")
    lvef = services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("60"), modality="echo"
    )
    booked.refresh_from_db()
    assert (booked.state, booked.lvef, booked.closed_on) == ("done", lvef, TODAY)
    # The change is audited with the patient, like every clinical write.
    assert AuditEvent.objects.filter(
        patient=patient, action="record_changed", detail__startswith="scan request"
    ).exists()


def test_an_lvef_dated_before_the_request_does_not_close_it(nurse):
    patient = overdue_patient("S2", 10)
    request = services.scan_request_create(actor=nurse, patient=patient, requested_on=days_ago(2))
    services.lvef_create(
        actor=nurse, patient=patient, date=days_ago(3), value=Decimal("60"), modality="echo"
    )
    request.refresh_from_db()
    assert request.state == "requested" and request.lvef is None


def test_one_open_request_per_patient_in_the_service_and_the_database(nurse):
    patient = overdue_patient("S3", 10)
    first = services.scan_request_create(actor=nurse, patient=patient)
    with pytest.raises(ValidationError) as error:
        services.scan_request_create(actor=nurse, patient=patient)
    assert "requested_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanRequest.objects.create(patient=patient, requested_on=TODAY, state="booked",
                                   booked_for=TODAY)  # fmt: skip
    # Closed or entered in error, it no longer counts.
    services.mark_entered_in_error(first, actor=nurse, reason="wrong patient")
    second = services.scan_request_create(actor=nurse, patient=patient)
    services.scan_request_close(second, actor=nurse, state="cancelled", reason="duplicate")
    assert services.scan_request_create(actor=nurse, patient=patient).state == "requested"


@pytest.mark.parametrize(
    ("state", "booked", "reason", "error_field"),
    [
        ("cancelled", False, "", "reason"),  # a cancel needs a reason
        ("did_not_attend", False, "", "state"),  # only a booked scan is not attended
        ("requested", True, "", "state"),  # not a closing state
        ("cancelled", True, "moved away", None),
        ("did_not_attend", True, "", None),
    ],
)
def test_closing_a_request(nurse, state, booked, reason, error_field):
    patient = overdue_patient("S4", 10)
    request = services.scan_request_create(actor=nurse, patient=patient, requested_on=days_ago(5))
    if booked:
        request = services.scan_request_book(request, actor=nurse, booked_for=days_ago(1))
    if error_field:
        with pytest.raises(ValidationError) as error:
            services.scan_request_close(request, actor=nurse, state=state, reason=reason)
        assert error_field in error.value.message_dict
        return
    closed = services.scan_request_close(request, actor=nurse, state=state, reason=reason)
    assert closed.state == state and closed.closed_on == TODAY and closed.closed_by == nurse
    with pytest.raises(ValidationError):  # closed once
        services.scan_request_close(closed, actor=nurse, state="cancelled", reason="x")
    with pytest.raises(ValidationError):  # a closed request is not booked again
        services.scan_request_book(closed, actor=nurse, booked_for=TODAY)


def test_the_database_refuses_a_cancel_without_a_reason(nurse):
    patient = PatientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanRequest.objects.create(
            patient=patient, requested_on=TODAY, state="cancelled", closed_on=TODAY
        )


# --- reviews ---------------------------------------------------------------------------------


def test_a_review_is_current_until_a_new_lvef(oncologist, nurse):
    patient, _ = active_patient("R1", latest=Decimal("45"))  # H1 met, no hold: hold (H3)
    assert "review" in _in_sections("R1")
    review = services.review_create(
        actor=oncologist,
        patient=patient,
        date=TODAY,
        decision="continue_despite_criteria",
        reason="patient's choice",
    )
    assert (review.recommendation, review.lvef_value) == ("hold", Decimal("45"))
    assert "review" not in _in_sections("R1")
    status, current = selectors.review_state(
        patient, selectors.patient_timeline(patient, TODAY).status
    )
    assert (status, current) == ("current", review)
    # A new LVEF makes the patient due for review again (the rules still say hold).
    services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("44"), modality="echo"
    )
    assert "review" in _in_sections("R1")
    fresh = selectors.patient_timeline(patient, TODAY).status
    assert selectors.review_state(patient, fresh) == ("pending", review)


def test_a_review_needs_a_reason_to_continue_and_a_patient_who_needs_one(oncologist):
    patient, _ = active_patient("R2", latest=Decimal("45"))
    with pytest.raises(ValidationError) as error:
        services.review_create(
            actor=oncologist, patient=patient, date=TODAY, decision="continue_despite_criteria"
        )
    assert "reason" in error.value.message_dict
    fine, _ = active_patient("R3", latest=Decimal("60"))
    with pytest.raises(ValidationError) as error:
        services.review_create(actor=oncologist, patient=fine, date=TODAY, decision="resume")
    assert "decision" in error.value.message_dict


def test_the_infusion_warning_names_the_current_review(oncologist_client, oncologist):
    patient, course = active_patient("R4", latest=Decimal("45"))
    oncologist.first_name, oncologist.last_name = "Olu", "Oncologist"
    oncologist.save()
    services.review_create(
        actor=oncologist,
        patient=patient,
        date=TODAY,
        decision="continue_despite_criteria",
        reason="patient's choice",
    )
    page = oncologist_client.post(
        f"/patients/R4/courses/{course.pk}/infusions/new/",
        {"date": TODAY.isoformat(), "dose_mg": "360", "reaction": "none"},
    ).content.decode()
    warnings = page[page.index("infusion-warnings") :]
    assert (
        f"Olu Oncologist decided on {day(TODAY)} to continue despite the criteria: "
        "patient&#x27;s choice." in warnings[: warnings.index("</ul>")]
    )


# --- the worklist by action: membership at the thresholds -------------------------------------

DAYS = settings.SCAN_BOOKING_DAYS


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("nothing", {"book_scan"}),
        ("requested_today", {"booked"}),
        (f"requested_{DAYS - 1}", {"booked"}),  # below SCAN_BOOKING_DAYS
        (f"requested_{DAYS}", {"chase"}),  # at
        (f"requested_{DAYS + 1}", {"chase"}),  # above
        ("booked_today", {"booked"}),
        ("booked_yesterday", {"chase"}),  # the day passed with no LVEF
        ("did_not_attend", {"chase"}),
        ("cancelled", {"book_scan"}),
        ("entered_in_error", {"book_scan"}),
    ],
)
def test_scan_sections(nurse, setup, expected):
    patient = overdue_patient("W1", 10)
    if setup.startswith("requested_"):
        ago = 0 if setup == "requested_today" else int(setup.rsplit("_", 1)[1])
        services.scan_request_create(actor=nurse, patient=patient, requested_on=days_ago(ago))
    elif setup.startswith("booked_") or setup == "did_not_attend":
        request = services.scan_request_create(
            actor=nurse, patient=patient, requested_on=days_ago(20)
        )
        day = {"booked_today": TODAY}.get(setup, days_ago(1))
        request = services.scan_request_book(request, actor=nurse, booked_for=day)
        if setup == "did_not_attend":
            services.scan_request_close(request, actor=nurse, state="did_not_attend")
    elif setup in ("cancelled", "entered_in_error"):
        request = services.scan_request_create(actor=nurse, patient=patient)
        if setup == "cancelled":
            services.scan_request_close(request, actor=nurse, state="cancelled", reason="x")
        else:
            services.mark_entered_in_error(request, actor=nurse, reason="x")
    assert _in_sections("W1") == expected


def test_a_new_lvef_after_a_missed_scan_clears_chase(nurse):
    patient = overdue_patient("W2", 10)
    request = services.scan_request_create(actor=nurse, patient=patient, requested_on=days_ago(9))
    request = services.scan_request_book(request, actor=nurse, booked_for=days_ago(3))
    services.scan_request_close(request, actor=nurse, state="did_not_attend", closed_on=days_ago(3))
    assert _in_sections("W2") == {"chase"}
    services.lvef_create(
        actor=nurse, patient=patient, date=days_ago(1), value=Decimal("61"), modality="echo"
    )
    assert _in_sections("W2") == set()


def test_review_order_and_check_the_record(oncologist):
    active_patient("HOLD", latest=Decimal("45"), latest_days_ago=20)  # hold, waited longer
    active_patient("HOLD2", latest=Decimal("45"), latest_days_ago=5)
    PatientFactory(mrn="NEW")  # added without a course: must appear somewhere
    sections = {s.key: s for s in selectors.worklist(TODAY)[0]}
    assert [r.mrn for r in sections["review"].rows] == ["HOLD", "HOLD2"]
    assert [r.mrn for r in sections["check_record"].rows] == ["NEW"]
    assert "No treatment course" in sections["check_record"].rows[0].reason


def test_booked_after_the_due_date_is_warned(nurse):
    patient = overdue_patient("W3", -7)  # due in about a week
    due = selectors.patient_stored_row(patient, TODAY).status.next_assessment_due
    request = services.scan_request_create(actor=nurse, patient=patient)
    services.scan_request_book(request, actor=nurse, booked_for=due + timedelta(days=5))
    (row,) = {s.key: s for s in selectors.worklist(TODAY)[0]}["booked"].rows
    assert "Booked after the due date" in row.warning


# --- pages -----------------------------------------------------------------------------------


def test_nurse_requests_and_books_from_the_pages(nurse_client):
    overdue_patient("P1", 10)
    page = nurse_client.get("/").content.decode()
    assert 'href="/patients/P1/scans/new/">Request scan' in page
    response = nurse_client.post(
        "/patients/P1/scans/new/", {"modality": "echo", "requested_on": TODAY.isoformat()}
    )
    assert response.status_code == 302
    request = ScanRequest.objects.get(patient__mrn="P1")
    page = nurse_client.get("/").content.decode()
    booked = page[page.index('data-section="booked"') :]
    assert 'data-mrn="P1"' in booked[: booked.index("</details>")]
    assert "Echocardiogram requested on" in booked
    later = (TODAY + timedelta(days=4)).isoformat()
    response = nurse_client.post(
        f"/patients/P1/scans/{request.pk}/book/", {"booked_for": later, "place": "Echo lab"}
    )
    assert response.status_code == 302
    timeline = nurse_client.get("/patients/P1/").content.decode()
    assert "Monitoring plan" in timeline and "booked for" in timeline and "Echo lab" in timeline


def test_cancel_without_a_reason_says_so(nurse_client, nurse):
    patient = overdue_patient("P2", 10)
    request = services.scan_request_create(actor=nurse, patient=patient)
    page = nurse_client.post(
        f"/patients/P2/scans/{request.pk}/close/",
        {"state": "cancelled", "closed_on": TODAY.isoformat(), "reason": ""},
    ).content.decode()
    assert "say why the request is cancelled" in page
    request.refresh_from_db()
    assert request.state == "requested"


def test_the_letter_and_printing_it(nurse_client, settings):
    settings.CLINIC_NAME, settings.CLINIC_TELEPHONE = "Riverside Oncology", "020 7946 0000"
    patient = overdue_patient("P3", 10)
    page = nurse_client.get("/patients/P3/letter/").content.decode()
    due = selectors.patient_stored_row(patient, TODAY).status.next_assessment_due
    assert f"Your next heart scan (echocardiogram) is due by {due.day} {due:%B %Y}" in page
    assert "Riverside Oncology" in page and "020 7946 0000" in page
    assert "letter.css" in page
    response = nurse_client.post("/patients/P3/letter/sent/")
    assert response.status_code == 302
    contact = ContactLog.objects.get(patient=patient)
    assert (contact.method, contact.outcome) == ("letter", "letter_sent")
    assert AuditEvent.objects.filter(patient=patient, action="record_created").exists()


def test_no_letter_when_no_scan_is_due(nurse_client):
    active_patient("P4", latest=Decimal("60"))
    page = nurse_client.get("/patients/P4/letter/").content.decode()
    assert "No heart scan is due soon" in page and "data-letter" not in page


def test_the_latest_contact_and_review_show_on_the_row(nurse_client, oncologist):
    patient = overdue_patient("P5", 10)
    ContactFactory(patient=patient, date=days_ago(1), method="phone", outcome="no_answer")
    ContactFactory(patient=patient, date=days_ago(3), outcome="wrong_number")
    held, _ = active_patient("P6", latest=Decimal("45"))
    services.review_create(actor=oncologist, patient=held, date=TODAY, decision="hold_recorded")
    sections = {s.key: s for s in selectors.worklist(TODAY)[0]}
    (row,) = sections["book_scan"].rows
    assert row.contact.endswith("phone: no answer")
    assert not any(r.mrn == "P6" for r in sections["review"].rows)
    page = nurse_client.get("/patients/P6/").content.decode()
    assert "Reviewed" in page and "hold recorded" in page


def test_the_plan_gives_the_assessment_after_the_next(viewer_client):
    overdue_patient("P7", 10)
    page = viewer_client.get("/patients/P7/").content.decode()
    plan = page[page.index('data-section="plan"') :]
    assert 'data-field="plan-after"' in plan
    assert "if the next one is done on its date" in plan


def test_ending_a_cardiac_hold_before_recovery_asks_for_confirmation(oncologist_client):
    patient = PatientFactory(mrn="H1")
    course = CourseFactory(patient=patient, planned_start=days_ago(120))
    for n in (120, 99, 78):
        InfusionFactory(course=course, date=days_ago(n))
    LvefFactory(patient=patient, date=days_ago(125), value=Decimal("62"))
    LvefFactory(patient=patient, date=days_ago(60), value=Decimal("44"))
    hold = HoldFactory(course=course, start=days_ago(58), reason="cardiac")
    url = f"/patients/H1/holds/{hold.pk}/end/"
    page = oncologist_client.get(url).content.decode()
    assert "The LVEF has not recovered" in page and 'name="confirm"' in page
    page = oncologist_client.post(url, {"end": TODAY.isoformat()}).content.decode()
    assert "confirm to end the hold anyway" in page
    hold.refresh_from_db()
    assert hold.end is None
    response = oncologist_client.post(
        url, {"end": TODAY.isoformat(), "confirm": "on", "end_reason": "Cardiology agrees"}
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    # The reason is the hold's own field (not folded into the notes), in its history and shown.
    assert hold.end == TODAY and hold.end_reason == "Cardiology agrees"
    assert "Cardiology agrees" not in hold.notes
    assert hold.history.latest().end_reason == "Cardiology agrees"
    assert (
        "ended because: Cardiology agrees"
        in oncologist_client.get("/patients/H1/").content.decode()
    )
    history = oncologist_client.get("/patients/H1/history/").content.decode()
    assert "Cardiology agrees" in history


def _unrecovered_hold(mrn, reason="cardiac", recovered=False):
    """A hold 58 days old; the LVEF fell from 62 to 44 (H1) and, when recovered, came back to
    60 (H2: the rules say may resume)."""
    patient = PatientFactory(mrn=mrn)
    course = CourseFactory(patient=patient, planned_start=days_ago(120))
    for n in (120, 99, 78):
        InfusionFactory(course=course, date=days_ago(n))
    LvefFactory(patient=patient, date=days_ago(125), value=Decimal("62"))
    LvefFactory(patient=patient, date=days_ago(60), value=Decimal("44"))
    if recovered:
        LvefFactory(patient=patient, date=days_ago(5), value=Decimal("60"))
    return HoldFactory(course=course, start=days_ago(58), reason=reason)


@pytest.mark.parametrize(
    "hold_reason, recovered, end_reason, error",
    [
        # H2: a cardiac hold whose LVEF has not recovered needs a reason (and confirmation).
        ("cardiac", False, "", "end_reason"),
        ("cardiac", False, "   ", "end_reason"),
        ("cardiac", False, "Cardiology agrees", None),
        # Recovered (may resume), or not a cardiac hold: the reason is optional.
        ("cardiac", True, "", None),
        ("cardiac", True, "Recovered", None),
        ("other", False, "", None),
        ("other", False, "Back from holiday", None),
        ("cardiac", False, "x" * 501, "end_reason"),
    ],
)
def test_hold_end_reason_required_exactly_when_not_recovered(
    oncologist, hold_reason, recovered, end_reason, error
):
    hold = _unrecovered_hold("H2", hold_reason, recovered)
    end = lambda: services.hold_end(  # noqa: E731
        hold, actor=oncologist, end=TODAY, reason=end_reason, confirmed=True, today=TODAY
    )
    if error:
        with pytest.raises(ValidationError) as caught:
            end()
        assert error in caught.value.message_dict
        hold.refresh_from_db()
        assert hold.end is None and hold.end_reason == ""
    else:
        saved = end()
        assert saved.end == TODAY and saved.end_reason == end_reason.strip()


def test_an_open_hold_cannot_have_a_reason_for_ending(oncologist):
    hold = _unrecovered_hold("H3")
    hold.end_reason = "no end yet"
    with pytest.raises(ValidationError) as caught:
        hold.full_clean()
    assert "a reason for ending needs an end date" in str(caught.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentHold.objects.filter(pk=hold.pk).update(end_reason="no end yet")


@pytest.mark.parametrize(
    "notes, kept, reason",
    [
        ("Ended before the LVEF recovered: Cardiology agrees", "", "Cardiology agrees"),
        (
            "Seen in clinic\nEnded before the LVEF recovered: Two\nlines",
            "Seen in clinic",
            "Two\nlines",
        ),
        ("Seen\nEnded: patient asked", "Seen", "patient asked"),
        ("Ended the trip early", "Ended the trip early", ""),
        ("", "", ""),
    ],
)
def test_migration_moves_the_notes_encoded_reason(notes, kept, reason):
    module = importlib.import_module("tracker.migrations.0016_hold_end_reason")
    assert module.split_notes(notes) == (kept, reason)


# --- the CSV (issue 13 item 17) --------------------------------------------------------------


def test_worklist_csv_one_row_per_patient_with_every_section(oncologist_client):
    patient = overdue_patient("C1", 10)
    LvefFactory(patient=patient, date=days_ago(110 + 10), value=Decimal("40"))  # also low
    PatientFactory(mrn="C2")
    rows = _csv_rows(oncologist_client.get("/", {"format": "csv"}))
    by_mrn = {r["MRN"]: r for r in rows}
    assert len(rows) == len(by_mrn)
    assert by_mrn["C2"]["Worklist sections"] == "Check the record"
    assert "No treatment course" in by_mrn["C2"]["Why"]
    assert int(by_mrn["C1"]["Days overdue"]) > 0
    assert by_mrn["C1"]["Phase"] == "Active"


def test_worklist_csv_joins_sections(oncologist_client, nurse):
    patient, _ = active_patient("C3", latest=Decimal("45"), latest_days_ago=40)  # hold, overdue
    rows = _csv_rows(oncologist_client.get("/", {"format": "csv"}))
    (row,) = [r for r in rows if r["MRN"] == "C3"]
    assert row["Worklist sections"] == "Book a scan; Review with the oncologist"
    assert row["Recommendation"] == "Hold"
    services.scan_request_create(actor=nurse, patient=patient)
    (row,) = [r for r in _csv_rows(oncologist_client.get("/?format=csv")) if r["MRN"] == "C3"]
    assert row["Worklist sections"] == "Booked; Review with the oncologist"
    assert "requested on" in row["Scan request"]


# --- bounded queries -------------------------------------------------------------------------


@pytest.mark.parametrize("n", [10, 500])
@pytest.mark.parametrize("url", ["/", "/?format=csv", "/patients/?section=chase"])
def test_worklist_queries_are_bounded_with_workflow_records(
    viewer_client, django_assert_max_num_queries, n, url
):
    from tests.integration.test_stored_status import _load

    _load(n)
    patients = list(PatientFactory._meta.model.objects.order_by("pk")[: max(n // 5, 2)])
    for i, patient in enumerate(patients):
        ScanRequestFactory(patient=patient, requested_on=days_ago(i % 12))
        ContactFactory(patient=patient, date=days_ago(1))
        ReviewFactory(patient=patient, date=days_ago(1))
    viewer_client.get("/flags/")
    with django_assert_max_num_queries(13):
        response = viewer_client.get(url)
        if response.streaming:
            body = b"".join(response.streaming_content).decode()
        else:
            body = response.content.decode()
    assert response.status_code == 200
    if url == "/":
        assert 'data-section="chase"' in body


# --- the demo and the admin ------------------------------------------------------------------


def test_the_demo_shows_every_state_of_every_new_record(client):
    from django.core.management import call_command

    from tests.factories import UserFactory
    from tracker.models import RecommendationReview
    from tracker.monitoring.vocabulary import ContactOutcome, ScanRequestState

    call_command("seed_demo", "--password", "x" * 14, stdout=io.StringIO())
    states = set(ScanRequest.objects.values_list("state", flat=True))
    assert states == {s.value for s in ScanRequestState}
    outcomes = set(ContactLog.objects.values_list("outcome", flat=True))
    assert len(outcomes) >= 5 and outcomes <= {o.value for o in ContactOutcome}
    sections = {s.key: s for s in selectors.worklist(TODAY, limit=None)[0]}
    assert any(row.warning for row in sections["booked"].rows)  # booked after the due date
    chase = {row.mrn: row.reason for row in sections["chase"].rows}
    assert {"D1043", "D1040", "D1023"} <= set(chase)
    assert "Did not attend" in chase["D1023"] and "not booked yet" in chase["D1043"]
    review = {row.mrn for row in sections["review"].rows}
    assert "D1033" in review  # its review covers an older LVEF: stale
    assert not {"D1031", "D1032", "D1047"} & review  # current reviews
    assert RecommendationReview.objects.count() == 5
    client.force_login(UserFactory(username="reader", roles=["viewer"]))
    page = client.get("/patients/D1032/").content.decode()
    assert "Reviewed" in page and "continue despite the criteria" in page
    assert "an earlier evaluation" in client.get("/patients/D1033/").content.decode()


@pytest.mark.parametrize("model", ["scanrequest", "recommendationreview", "contactlog"])
def test_workflow_admins_are_read_mostly(admin_client, model):
    patient = PatientFactory(mrn="Z9001")
    record = {
        "scanrequest": ScanRequestFactory,
        "recommendationreview": ReviewFactory,
        "contactlog": ContactFactory,
    }[model](patient=patient)
    assert b"Z9001" in admin_client.get(f"/admin/tracker/{model}/").content
    assert admin_client.get(f"/admin/tracker/{model}/add/").status_code == 403
    page = admin_client.get(f"/admin/tracker/{model}/{record.pk}/change/").content.decode()
    assert 'name="notes"' in page and 'name="patient"' not in page


# --- End hold from the worklist row (issue 12 items 5, 7) ------------------------------------


def test_end_hold_on_the_review_row_returns_to_the_worklist(oncologist_client, nurse_client):
    hold = _unrecovered_hold("H4", recovered=True)  # may resume: in Review with an open hold
    page = oncologist_client.get("/").content.decode()
    review = page[page.index('data-section="review"') :]
    review = review[: review.index("</section>")]
    row = review[review.index('data-mrn="H4"') :]
    row = row[: row.index("</tr>")]
    href = f"/patients/H4/holds/{hold.pk}/end/?next=worklist"
    assert f'href="{href}"' in row and "End hold" in row
    # Nurses do not end holds (issue 12 item 8): no button, and the form is refused.
    assert "End hold" not in nurse_client.get("/").content.decode()
    assert nurse_client.post(href, {"end": TODAY.isoformat()}).status_code == 403
    response = oncologist_client.post(href, {"end": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"] == "/"
    hold.refresh_from_db()
    assert hold.end == TODAY
    # Once ended, the row has no End hold button.
    assert f"holds/{hold.pk}/end/" not in oncologist_client.get("/").content.decode()


def test_the_demo_seed_fills_every_section_state_decision_outcome_and_chair_state():
    """Issue 12 "Done when": the demo data shows every state of every new record; every worklist
    section has a row and the chair list of the demo's today has a stop, a check and a go."""
    from django.core.management import call_command

    from tracker.models import RecommendationReview
    from tracker.monitoring.vocabulary import (
        ContactMethod,
        ContactOutcome,
        ReviewDecision,
        ScanRequestState,
    )
    from tracker.selectors.chair import chair_list

    call_command("seed_demo", "--password", "x" * 14, stdout=io.StringIO())
    sections, counts = selectors.worklist(TODAY)
    for key in ("book_scan", "chase", "booked", "review", "check_record", "dose"):
        assert counts[key] > 0 and sections[[s.key for s in sections].index(key)].rows, key
    live = ScanRequest.objects.filter(entered_in_error=False)
    assert set(live.values_list("state", flat=True)) == {s.value for s in ScanRequestState}
    assert ScanRequest.objects.filter(entered_in_error=True).exists()
    assert live.filter(state="done", lvef__isnull=False).exists()  # linked to its LVEF
    assert live.filter(state="cancelled").exclude(cancel_reason="").exists()
    booked = {s.key: s for s in sections}["booked"].rows
    assert any(row.warning for row in booked)  # booked after the due date
    decisions = set(RecommendationReview.objects.values_list("decision", flat=True))
    assert decisions == {d.value for d in ReviewDecision}
    outcomes = set(ContactLog.objects.values_list("outcome", flat=True))
    assert outcomes == {o.value for o in ContactOutcome}
    methods = set(ContactLog.objects.values_list("method", flat=True))
    assert methods == {m.value for m in ContactMethod}
    chair = chair_list(TODAY).counts
    assert chair["stop"] >= 1 and chair["check"] >= 1 and chair["go"] >= 1, chair
