"""The worklist CSV (issue 13 item 17), pinned byte for byte on a hand-built set of patients that
puts someone in every worklist section and a value in every column, so that making it fast
(issue 16: 100,000 patients in 3 s) cannot change what it says."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.factories import (
    ContactFactory,
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    ReviewFactory,
    ScanRequestFactory,
    UserFactory,
)
from tests.integration.test_views import TODAY, active_patient, days_ago, overdue_patient
from tracker import services
from tracker.models import AuditEvent
from tracker.monitoring.wording import day, days

pytestmark = pytest.mark.django_db


def build_patients(nurse):
    """One or more patients per section and per state of the work, and one in none."""
    # Book a scan: overdue (S6), a formula in the name (csv_safe), an accent, a contact.
    book = overdue_patient("M01", 10, family_name="=HYPERLINK", given_name="Zoë")
    ContactFactory(patient=book, date=days_ago(1), method="phone", outcome="no_answer")
    ContactFactory(patient=book, date=days_ago(3), outcome="wrong_number")
    # Book a scan: due soon (S6), a name starting with a minus, AC co-treatment (C3, C7).
    soon = overdue_patient("M02", -7, family_name="-Minus", given_name="+Plus")
    CoTreatmentFactory(patient=soon)
    CoTreatmentFactory(patient=soon, drug="cyclophosphamide")
    # Chase: requested SCAN_BOOKING_DAYS ago or more and not booked.
    late = overdue_patient("M03", 20, family_name='O"Brien, Jr')
    ScanRequestFactory(patient=late, requested_on=days_ago(9), modality="cmr")
    # Chase: booked for a day that has passed.
    passed = overdue_patient("M04", 15, family_name="Booth")
    ScanRequestFactory(
        patient=passed, requested_on=days_ago(12), state="booked", booked_for=days_ago(2),
        place="Echo lab",
    )  # fmt: skip
    # Chase: did not attend, nothing open.
    missed = overdue_patient("M05", 12, family_name="Absent")
    ScanRequestFactory(
        patient=missed, requested_on=days_ago(14), state="did_not_attend",
        booked_for=days_ago(4), closed_on=days_ago(4),
    )  # fmt: skip
    # Booked: requested today; booked ahead at a place, after the due date.
    ScanRequestFactory(
        patient=overdue_patient("M06", 3, family_name="Mugabe"), requested_on=TODAY, modality="muga"
    )
    ahead = overdue_patient("M07", -5, family_name="Early")
    ScanRequestFactory(
        patient=ahead, requested_on=days_ago(1), state="booked",
        booked_for=TODAY + timedelta(days=10), place="=Room 2",
    )  # fmt: skip
    # Review: hold (H1), due soon (S6), an infusion given despite it.
    active_patient("M08", family_name="Holder", latest=Decimal("45"), latest_days_ago=20)
    # Book a scan, with a current review (by a named reviewer, a reason) and a letter sent.
    reviewed = overdue_patient("M09", 8, family_name="Reviewed")
    reviewer = UserFactory(username="reviewer", first_name="Rea", last_name="Viewer")
    ReviewFactory(
        patient=reviewed, date=days_ago(2), decision="continue_despite_criteria",
        recommendation="continue", lvef_date=days_ago(110), lvef_value=Decimal("62"),
        reviewed_by=reviewer, reason="-benefit outweighs risk",
    )  # fmt: skip
    ContactFactory(patient=reviewed, date=days_ago(2), method="letter", outcome="letter_sent")
    # Review: held (a hold recorded after a low LVEF); a review of an earlier LVEF, by someone
    # unnamed, no longer current.
    stale, course = active_patient(
        "M10", family_name="Held", latest=Decimal("42"), latest_days_ago=3
    )
    HoldFactory(course=course, start=days_ago(2), reason="cardiac")
    ReviewFactory(
        patient=stale, date=days_ago(30), recommendation="hold", lvef_date=days_ago(70),
        lvef_value=Decimal("62"), reviewed_by=None,
    )  # fmt: skip
    # Review: a hold not actioned (H5) on a recovered LVEF: infusions after an LVEF that met the
    # hold criteria, no hold recorded.
    patient = PatientFactory(mrn="M11", family_name="Unactioned")
    course = CourseFactory(patient=patient, planned_start=days_ago(90))
    LvefFactory(patient=patient, date=days_ago(95), value=Decimal("64"))
    for ago in (90, 69, 48, 27, 6):
        InfusionFactory(course=course, date=days_ago(ago))
    LvefFactory(patient=patient, date=days_ago(60), value=Decimal("40"))
    LvefFactory(patient=patient, date=days_ago(20), value=Decimal("61"))
    # Check the record: no course; no baseline (B2); an infusion inside a hold (H5).
    PatientFactory(mrn="M12", family_name="Newcomer")
    patient = PatientFactory(mrn="M13", family_name="Nobase")
    course = CourseFactory(patient=patient, planned_start=days_ago(40))
    for ago in (40, 19):
        InfusionFactory(course=course, date=days_ago(ago))
    patient, course = active_patient(
        "M14", family_name="Inhold", latest=Decimal("60"), latest_days_ago=50
    )
    HoldFactory(course=course, start=days_ago(25), end=days_ago(10), reason="other")
    for ago, decision in ((4, "hold_recorded"), (3, "refer_to_cardiology")):  # the latest shows
        ReviewFactory(
            patient=patient, date=days_ago(ago), decision=decision, recommendation="continue",
            lvef_date=days_ago(50), lvef_value=Decimal("60"), reviewed_by=None,
        )  # fmt: skip
    # Dose: more than a week past the scheduled dose (D1).
    patient = PatientFactory(mrn="M15", family_name="Reload")
    course = CourseFactory(patient=patient, planned_start=days_ago(72))
    for ago in (72, 51, 30):
        InfusionFactory(course=course, date=days_ago(ago))
    LvefFactory(patient=patient, date=days_ago(75))
    LvefFactory(patient=patient, date=days_ago(10), value=Decimal("63"))
    # In no section: an up-to-date patient, and one entered in error.
    active_patient("M16", family_name="Uptodate", latest=Decimal("61"), latest_days_ago=5)
    gone = overdue_patient("M17", 10, family_name="Error")
    services.mark_entered_in_error(gone, actor=nurse, reason="duplicate")


HEADER = (
    "Worklist sections,Why,MRN,Family name,Given name,Phase,Next assessment due,Assessment,"
    "Days overdue,Latest LVEF date,Latest LVEF (%),LVEF drop (points),Recommendation,"
    "Co-treatment risk,Scan request,Latest contact,Review,Flags"
)
# The rows as the CSV had them before issue 16 (one per patient in any section, by MRN). The due
# dates come from the rules (3 calendar months after an LVEF, S2), so they, and the days overdue,
# are read from the stored statuses; every other date is a fixed number of days ago: {ago[n]}
# as the worklist writes a day, {iso[n]} as the CSV writes a date.
ROWS = (
    (
        'Book a scan,"The LVEF scan was due on {due_day[M01]}, {overdue[M01]} overdue and no '
        "scan is requested (S6).\",M01,'=HYPERLINK,Zoë,Active,{due[M01]},Overdue,{over[M01]},"
        '{iso[112]},62.0,0.0,Continue,No co-treatment risk,Nothing requested yet.,"{ago[1]}, '
        'phone: no answer",,Assessment overdue'
    ),
    (
        'Book a scan,"The LVEF scan was due on {due_day[M02]}, {overdue[M02]} overdue and no '
        "scan is requested (S6).\",M02,'-Minus,'+Plus,Active,{due[M02]},Overdue,{over[M02]},"
        "{iso[95]},62.0,0.0,Continue,High co-treatment risk,Nothing requested yet.,,,"
        "Anthracycline and cyclophosphamide; Anthracycline exposure; Assessment overdue; "
        "Cyclophosphamide exposure"
    ),
    (
        'Chase,Scan requested 9 days ago and not booked yet.,M03,"O""Brien, Jr",Ada,Active,'
        "{due[M03]},Overdue,{over[M03]},{iso[122]},62.0,0.0,Continue,No co-treatment risk,"
        '"Cardiac MRI requested on {ago[9]}, not booked yet.",,,Assessment overdue'
    ),
    (
        "Chase,Booked for {ago[2]}; no LVEF has been recorded since.,M04,Booth,Ada,Active,"
        "{due[M04]},Overdue,{over[M04]},{iso[117]},62.0,0.0,Continue,No co-treatment risk,"
        "Echocardiogram booked for {ago[2]} at Echo lab.,,,Assessment overdue"
    ),
    (
        "Chase,Did not attend the scan on {ago[4]}; book another.,M05,Absent,Ada,Active,"
        "{due[M05]},Overdue,{over[M05]},{iso[114]},62.0,0.0,Continue,No co-treatment risk,"
        "Did not attend on {ago[4]}.,,,Assessment overdue"
    ),
    (
        'Booked,"The LVEF scan was due on {due_day[M06]}, {overdue[M06]} overdue.",M06,Mugabe,Ada,'
        "Active,{due[M06]},Overdue,{over[M06]},{iso[105]},62.0,0.0,Continue,No co-treatment "
        'risk,"MUGA scan requested on {ago[0]}, not booked yet.",,,Assessment overdue'
    ),
    (
        'Booked,"The LVEF scan was due on {due_day[M07]}, {overdue[M07]} overdue.",M07,Early,Ada,'
        "Active,{due[M07]},Overdue,{over[M07]},{iso[97]},62.0,0.0,Continue,No co-treatment "
        "risk,Echocardiogram booked for {ago[-10]} at =Room 2.,,,Assessment overdue"
    ),
    (
        "Book a scan; Review with the oncologist,The LVEF scan is due by {due_day[M08]} and "
        "no scan is requested (S6). | Hold: LVEF fell 17 points from the baseline of 62% "
        "({ago[20]}). US label: withhold for a fall of 16 points or more. [H1],M08,Holder,"
        "Ada,Active,{due[M08]},Due soon,,{iso[20]},45.0,17.0,Hold,No co-treatment risk,"
        "Nothing requested yet.,,,Assessment due soon; Infusion given despite hold criteria; "
        "LVEF below normal; LVEF meets hold criteria"
    ),
    (
        'Book a scan,"The LVEF scan was due on {due_day[M09]}, {overdue[M09]} overdue and no '
        'scan is requested (S6).",M09,Reviewed,Ada,Active,{due[M09]},Overdue,{over[M09]},'
        "{iso[110]},62.0,0.0,Continue,No co-treatment risk,Nothing requested yet.,"
        '"{ago[2]}, letter: letter sent",Rea Viewer decided on {ago[2]}: '
        "continue despite the criteria (-benefit outweighs risk),Assessment overdue"
    ),
    (
        "Review with the oncologist,Hold: no LVEF has been measured since the hold for the "
        "heart started on {ago[2]}; the repeat scan decides. [H2],M10,Held,Ada,Held,"
        "{due[M10]},On schedule,,{iso[3]},42.0,20.0,Hold,No co-treatment risk,Nothing "
        "requested yet.,,,LVEF below normal; LVEF meets hold criteria"
    ),
    (
        "Review with the oncologist,Infusions were given after an LVEF that met the hold "
        "criteria (H5).,M11,Unactioned,Ada,Active,{due[M11]},On schedule,,{iso[20]},61.0,3.0,"
        "Continue,No co-treatment risk,Nothing requested yet.,,,Infusion given despite hold "
        "criteria"
    ),
    (
        "Check the record,No treatment course is recorded yet.,M12,Newcomer,Ada,No course,,"
        "Not required,,,,,None,No co-treatment risk,Nothing requested yet.,,,"
    ),
    (
        'Book a scan; Check the record,"The LVEF scan was due on {due_day[M13]}, '
        "{overdue[M13]} overdue and no scan is requested (S6). | There is no baseline LVEF before "
        'the first infusion (B2).",M13,Nobase,Ada,Active,{due[M13]},Overdue,{over[M13]},,,,'
        "Continue,No co-treatment risk,Nothing requested yet.,,,Assessment overdue; Baseline "
        "LVEF missing"
    ),
    (
        "Check the record,An infusion is recorded inside a treatment hold (H5).,M14,Inhold,"
        "Ada,Active,{due[M14]},On schedule,,{iso[50]},60.0,2.0,Continue,No co-treatment risk,"
        "Nothing requested yet.,,Someone decided on {ago[3]}: refer to cardiology,Infusion "
        "during a hold"
    ),
    (
        "Dose,More than a week past the scheduled dose: give a loading dose (D1).,M15,Reload,"
        "Ada,Active,{due[M15]},On schedule,,{iso[10]},63.0,-1.0,Continue,No co-treatment "
        "risk,Nothing requested yet.,,,Loading dose needed"
    ),
)


class _DaysAgo:
    def __init__(self, form):
        self.form = form

    def __getitem__(self, n):
        return self.form(days_ago(int(n)))


def expected_csv() -> bytes:
    from tracker.models import MonitoringStatus

    dues = dict(MonitoringStatus.objects.values_list("patient__mrn", "next_assessment_due"))
    values = {
        "ago": _DaysAgo(day),
        "iso": _DaysAgo(date.isoformat),
        "due": {mrn: due.isoformat() for mrn, due in dues.items() if due},
        "due_day": {mrn: day(due) for mrn, due in dues.items() if due},
        "over": {mrn: (TODAY - due).days for mrn, due in dues.items() if due},
        "overdue": {mrn: days((TODAY - due).days) for mrn, due in dues.items() if due},
    }
    lines = [HEADER, *(row.format_map(values) for row in ROWS)]
    return ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode()


def test_the_worklist_csv_byte_for_byte(oncologist_client, nurse):
    build_patients(nurse)
    response = oncologist_client.get("/", {"format": "csv"})
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="worklist-{TODAY}.csv"'
    body = b"".join(response.streaming_content)
    expected = expected_csv()
    assert body.decode().splitlines() == expected.decode().splitlines()  # a readable diff
    assert body == expected
    (event,) = AuditEvent.objects.filter(action="csv_download")
    assert event.detail == "worklist CSV: 15 row(s)"


def test_a_search_narrows_the_csv_to_its_matches(oncologist_client, nurse):
    build_patients(nurse)
    response = oncologist_client.get("/", {"format": "csv", "q": "Booth"})
    body = b"".join(response.streaming_content)
    lines = expected_csv().decode().split("\r\n")
    assert body.decode() == "\r\n".join([lines[0], *(x for x in lines if ",M04," in x), ""])
    event = AuditEvent.objects.get(action="csv_download")
    assert event.detail == "worklist CSV: 1 row(s), search made"
