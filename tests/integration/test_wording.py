"""Issue 13 items 5, 7, 8 and 9: what a nurse reads. One date format ("18 Mar 2026"), numbers
without pointless decimals, flags by urgency with the exposure facts grey, no green "Continue"
while something asks for action, and a change history in labels."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tracker import services
from tracker.monitoring.wording import day

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n):
    return TODAY - timedelta(days=n)


def active_patient(mrn="A1001", baseline=Decimal("62"), latest=None, latest_days_ago=10):
    """On IV trastuzumab every 3 weeks since 60 days ago, baseline 70 days ago."""
    patient = PatientFactory(mrn=mrn)
    course = CourseFactory(patient=patient, planned_start=days_ago(60))
    for n in (60, 39, 18):
        InfusionFactory(
            course=course,
            date=days_ago(n),
            dose_mg=Decimal("423.00"),
            duration_minutes=90 if n == 60 else 30,
        )
    if baseline is not None:
        LvefFactory(patient=patient, date=days_ago(70), value=baseline)
    if latest is not None:
        LvefFactory(patient=patient, date=days_ago(latest_days_ago), value=latest)
    return patient, course


def _flags_in_order(html):
    return re.findall(r'data-flag="([A-Z_]+)"', html)


# --- item 5: dates and numbers ----------------------------------------------------------------


def test_timeline_history_chart_and_numbers_read_as_people_write_them(oncologist_client):
    patient, course = active_patient("D1", latest=Decimal("46.0"))
    HoldFactory(course=course, start=days_ago(8), end=days_ago(4), reason="cardiac")
    page = oncologist_client.get("/patients/D1/").content.decode()
    # The history row and the chart's hold tooltip: "until 18 Mar 2026", never ISO.
    assert f"cardiac hold until {day(days_ago(4))}" in page
    assert f"hold from {day(days_ago(8))} to {day(days_ago(4))}" in page
    assert f"LVEF 46% by echo on {day(days_ago(10))}" in page  # marker tooltip
    assert f"Infusion {day(days_ago(18))}" in page
    assert days_ago(4).isoformat() not in page and days_ago(10).isoformat() not in page
    # "423 mg", "46%", "16 points"; never "423.00 mg", "46.0%" or "pts".
    assert "423 mg" in page and "423.00" not in page
    assert "46% by echo" in page and "46.0%" not in page
    assert "drop 16 points" in page and " pts" not in page


def test_patient_list_says_one_point_and_dates_without_leading_zero(oncologist_client):
    active_patient("P1", latest=Decimal("61"), latest_days_ago=5)
    page = oncologist_client.get("/patients/").content.decode()
    assert "drop 1 point<" in page
    assert day(days_ago(5)) in page


def test_unknown_anthracycline_dose_reads_unknown_and_none_shows_no_line(oncologist_client):
    patient, _ = active_patient("U1")
    CoTreatmentFactory(patient=patient, drug="doxorubicin", cumulative_dose_mg_m2=None)
    page = oncologist_client.get("/patients/U1/").content.decode()
    assert "doxorubicin-equivalent unknown" in page
    assert "0.0 mg/m" not in page and "0 mg/m" not in page
    active_patient("N1")
    page = oncologist_client.get("/patients/N1/").content.decode()
    assert "doxorubicin-equivalent" not in page


def test_known_anthracycline_dose_in_mg_per_square_metre(oncologist_client):
    patient, _ = active_patient("K1")
    CoTreatmentFactory(patient=patient, drug="doxorubicin", cumulative_dose_mg_m2=Decimal("240.00"))
    page = oncologist_client.get("/patients/K1/").content.decode()
    assert "doxorubicin-equivalent 240 mg/m²" in page
    assert ", 240 mg/m²" in page  # the history row


# --- item 7: flags by urgency, exposure facts grey --------------------------------------------


def test_flags_are_ordered_by_urgency_and_exposure_facts_are_grey(oncologist_client):
    patient, _ = active_patient("F1", latest=Decimal("35"))
    CoTreatmentFactory(
        patient=patient,
        drug="doxorubicin",
        start=days_ago(300),
        end=days_ago(200),
        cumulative_dose_mg_m2=Decimal("240"),
    )
    CoTreatmentFactory(
        patient=patient,
        drug="cyclophosphamide",
        start=days_ago(300),
        end=days_ago(200),
        cumulative_dose_mg_m2=Decimal("2400"),
    )
    for url in ("/patients/F1/", "/"):
        page = oncologist_client.get(url).content.decode()
        if url == "/":  # the first of the worklist's rows for the patient
            page = page[page.index('data-mrn="F1"') :]
            page = page[: page.index("</tr>")]
        order = _flags_in_order(page)
        assert order[0] == "LVEF_SEVERE", (url, order)
        exposure = {"ANTHRACYCLINE_EXPOSURE", "CYCLOPHOSPHAMIDE_EXPOSURE"}
        exposure |= {"ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE"}
        facts = [code for code in order if code in exposure]
        assert facts and order[-len(facts) :] == facts, (url, order)
        for code in facts:
            badge = re.search(rf'data-flag="{code}">\s*<span class="badge text-bg-(\w+)"', page)
            assert badge.group(1) == "secondary", (url, code)
        severe = re.search(r'data-flag="LVEF_SEVERE">\s*<span class="badge text-bg-(\w+)"', page)
        assert severe.group(1) == "danger"


def test_report_keeps_flags_sorted_by_code(oncologist_client):
    from tracker import monitoring
    from tracker.selectors.records import load_records, rule_settings

    patient, _ = active_patient("R1", latest=Decimal("35"))
    CoTreatmentFactory(patient=patient, drug="doxorubicin", cumulative_dose_mg_m2=Decimal("240"))
    from tracker.models import Patient

    record = load_records(Patient.objects.filter(pk=patient.pk))[patient.pk]
    status = monitoring.evaluate(record, TODAY, rule_settings())
    assert list(status.flags) == sorted(status.flags)


# --- item 8: no contradictory status ----------------------------------------------------------


def test_overdue_patient_without_baseline_is_not_a_green_continue(oncologist_client):
    patient = PatientFactory(mrn="O1")
    course = CourseFactory(patient=patient, planned_start=days_ago(200))
    for n in range(200, 0, -21):
        InfusionFactory(course=course, date=days_ago(n))
    page = oncologist_client.get("/patients/O1/").content.decode()
    assert "ASSESSMENT_OVERDUE" in page or "BASELINE_MISSING" in page
    alert = re.search(r'<div class="alert alert-(\w+)[^"]*" data-field="recommendation">', page)
    assert alert and alert.group(1) != "success"
    assert (
        "Recommendation: Continue treatment — but there is no baseline LVEF and the LVEF scan "
        "is overdue." in page
    )
    row = oncologist_client.get("/").content.decode()
    row = row[row.index('data-mrn="O1"') :]
    row = row[: row.index("</tr>")]
    assert 'text-bg-success">Continue' not in row
    assert "Continue treatment — but " in row


def test_held_patient_is_not_a_green_continue(oncologist_client):
    patient, course = active_patient("H1", latest=Decimal("60"), latest_days_ago=5)
    HoldFactory(course=course, start=days_ago(3), reason="other")
    page = oncologist_client.get("/patients/H1/").content.decode()
    alert = re.search(r'<div class="alert alert-(\w+)[^"]*" data-field="recommendation">', page)
    assert alert.group(1) != "success"
    assert "Recommendation: Continue treatment — but treatment is on hold now." in page
    row = oncologist_client.get("/patients/").content.decode()
    row = row[row.index('data-mrn="H1"') :]
    row = row[: row.index("</tr>")]
    assert 'text-bg-success">Continue' not in row and "treatment is on hold now" in row


def test_continue_with_nothing_to_do_stays_green(oncologist_client):
    active_patient("G1", latest=Decimal("61"), latest_days_ago=5)
    page = oncologist_client.get("/patients/G1/").content.decode()
    assert '<div class="alert alert-success mt-3 mb-2" data-field="recommendation">' in page
    assert "Recommendation: Continue." in page


def follow_up_complete_patient(mrn, anthracycline_days_ago=20):
    """Adjuvant IV trastuzumab ended 910 days ago, scanned through the 2-year follow-up, the
    last LVEF after E + 24 months - 28 days (S5: follow-up over, phase surveillance_complete);
    then doxorubicin started ``anthracycline_days_ago`` days ago (C1, C7 elevated)."""
    patient = PatientFactory(mrn=mrn)
    course = CourseFactory(
        patient=patient, planned_start=days_ago(1260), end_date=days_ago(910),
        end_reason="completed",
    )  # fmt: skip
    for n in range(1260, 915, -21):
        InfusionFactory(course=course, date=days_ago(n))
    for n in (1270, 905, 720, 540, 360, 150):
        LvefFactory(patient=patient, date=days_ago(n), value=Decimal("61"))
    if anthracycline_days_ago is not None:
        CoTreatmentFactory(
            patient=patient, drug="doxorubicin", start=days_ago(anthracycline_days_ago),
            end=days_ago(anthracycline_days_ago - 10), cumulative_dose_mg_m2=Decimal("120"),
        )  # fmt: skip
    return patient


def _row(page, mrn):
    page = page[page.index(f'data-mrn="{mrn}"') :]
    return page[: page.index("</tr>")]


def test_follow_up_complete_with_a_new_anthracycline_says_what_is_expected(oncologist_client):
    """S5 ends follow-up and schedules nothing after it; no rule restarts LVEF monitoring for
    an anthracycline given afterwards: C1 records the exposure, C7 shows the risk. The screen
    says so in words instead of a bare "Follow-up complete" and "Keep to the schedule"."""
    follow_up_complete_patient("S1")
    page = oncologist_client.get("/patients/S1/").content.decode()
    assert 'data-field="phase">Follow-up complete' in page
    assert 'data-flag="ANTHRACYCLINE_EXPOSURE"' in page
    expected = re.search(r'<div[^>]*data-field="expected"[^>]*>(.*?)</div>', page, re.S)
    assert expected, "no sentence saying what is expected"
    text = re.sub(r"<[^>]+>", "", expected.group(1))
    text = " ".join(text.split())
    assert "no further LVEF scan" in text and "(S5)" in text, text
    assert "anthracycline is recorded (C1)" in text and "(C7)" in text, text
    assert "clinician" in text, text
    row = _row(oncologist_client.get("/patients/").content.decode(), "S1")
    assert "no further LVEF scan" in row and 'href="/flags/#rule-S5"' in row, row
    assert "text-bg-success" not in row


def test_follow_up_complete_without_anthracycline_adds_nothing(oncologist_client):
    follow_up_complete_patient("S2", anthracycline_days_ago=None)
    page = oncologist_client.get("/patients/S2/").content.decode()
    assert 'data-field="phase">Follow-up complete' in page
    assert 'data-field="expected"' not in page


# --- item 9: the change history in labels, the access log for administrators ------------------


def test_change_history_shows_labels_not_raw_values(nurse_client, nurse):
    patient, course = active_patient("C1")
    hold = HoldFactory(course=course, start=days_ago(30), reason="cardiac")
    services.record_update(hold, actor=nurse, end=days_ago(2))
    from tracker.models import LvefMeasurement

    lvef = LvefMeasurement.objects.filter(patient=patient).first()
    services.record_update(lvef, actor=nurse, modality="muga")
    services.mark_entered_in_error(lvef, actor=nurse, reason="wrong patient")
    page = nurse_client.get("/patients/C1/history/").content.decode()
    assert "Entered in error: no → yes" in page
    assert f"End: — → {day(days_ago(2))}" in page
    assert "Modality: Echocardiogram" in page or "Modality: echo" in page.lower()
    assert "→ MUGA" in page
    assert "entered_in_error" not in page and "False → True" not in page
    assert days_ago(2).isoformat() not in page


def test_access_log_is_for_administrators_only(viewer_client, nurse_client, administrator_client):
    PatientFactory(mrn="A1")
    viewer_client.get("/patients/A1/", REMOTE_ADDR="10.1.2.3")
    for client in (viewer_client, nurse_client):
        page = client.get("/patients/A1/history/").content.decode()
        assert "Change history" in page
        assert "Who opened this record" not in page and "10.1.2.3" not in page
    page = administrator_client.get("/patients/A1/history/").content.decode()
    assert "Who opened this record" in page and "10.1.2.3" in page and "Vic Viewer" in page


def test_saved_message_and_form_subtitle_read_dates_as_people_write_them(oncologist_client):
    _, course = active_patient("M1")
    page = oncologist_client.get(f"/patients/M1/courses/{course.pk}/infusions/new/")
    page = page.content.decode()
    # The form's subtitle names the course with the date as people read it.
    assert f"(adjuvant) from {day(days_ago(60))}</p>" in page
    assert days_ago(60).isoformat() not in page.split("<form")[0]
    response = oncologist_client.post(
        "/patients/M1/lvef/new/",
        {"date": TODAY.isoformat(), "value": "61.0", "modality": "echo"},
        follow=True,
    )
    page = response.content.decode()
    assert f"recorded: 61% by Echocardiogram, {day(TODAY)}." in page
    assert "61.0%" not in page


def test_course_end_reads_its_label(oncologist_client):
    _, course = active_patient("E1")
    course.end_date = days_ago(1)
    course.end_reason = "completed"
    course.save()
    page = oncologist_client.get("/patients/E1/").content.decode()
    from tracker.models import TreatmentCourse

    label = TreatmentCourse(end_reason="completed").get_end_reason_display().lower()
    assert "Trastuzumab" in page and f": {label}</span>" in page
