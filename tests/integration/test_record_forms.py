"""What the record forms show and propose when they open (issue 13 items 11 and 12), and the
reason that "Record anyway" needs (item 11)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import (
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tracker.models import Infusion
from tracker.monitoring.wording import day

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def ago(n):
    return TODAY - timedelta(days=n)


def on_course(mrn, last_days_ago=21, weight="72.5"):
    patient = PatientFactory(mrn=mrn)
    first = ago(last_days_ago + 42)
    course = CourseFactory(patient=patient, planned_start=first)
    for k in range(3):
        InfusionFactory(
            course=course, date=first + timedelta(days=21 * k), weight_kg=Decimal(weight)
        )
    LvefFactory(patient=patient, date=first - timedelta(days=7), value=Decimal("62"))
    return patient, course


def notes(html):
    start = html.find("data-notes")
    return html[start : html.find("</div>", start)] if start != -1 else ""


def checkbox_checked(html, name):
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    return "checked" in tag


def test_the_infusion_form_says_a_loading_dose_is_due_and_ticks_it(nurse_client):
    _, course = on_course("F1", last_days_ago=35)  # 35 > 21 + 7 (D1)
    html = nurse_client.get(f"/patients/F1/courses/{course.pk}/infusions/new/").content.decode()
    shown = notes(html)
    assert "A loading dose is due: a loading dose of 8 mg/kg over 90 minutes" in shown
    assert f"580 mg at the last weight, 72.5 kg ({day(ago(35))})" in shown
    assert checkbox_checked(html, "loading_dose")


def test_no_loading_dose_no_tick(nurse_client):
    _, course = on_course("F2", last_days_ago=21)
    html = nurse_client.get(f"/patients/F2/courses/{course.pk}/infusions/new/").content.decode()
    assert "loading dose is due" not in html
    assert not checkbox_checked(html, "loading_dose")


def test_the_infusion_form_shows_the_open_hold_and_the_recommendation(nurse_client):
    patient, course = on_course("F3")
    LvefFactory(patient=patient, date=ago(12), value=Decimal("37"))
    HoldFactory(course=course, start=ago(10), reason="cardiac")
    html = nurse_client.get(f"/patients/F3/courses/{course.pk}/infusions/new/").content.decode()
    shown = notes(html)
    assert f"Treatment is on hold for the heart since {day(ago(10))}, still open." in shown
    assert (
        f"LVEF 37% on {day(ago(12))} — do not give the next dose until a doctor has reviewed."
        in shown
    )
    assert "Recommendation: Hold treatment." in shown
    assert 'class="text-danger fw-semibold" data-danger' in shown


def test_a_cardiac_hold_warning_is_red_in_words_and_needs_a_reason(nurse_client):
    patient, course = on_course("F4")
    LvefFactory(patient=patient, date=ago(12), value=Decimal("37"))
    HoldFactory(course=course, start=ago(10), reason="cardiac")
    url = f"/patients/F4/courses/{course.pk}/infusions/new/"
    data = {"date": TODAY.isoformat(), "dose_mg": "435", "reaction": "none"}
    html = nurse_client.post(url, data).content.decode()
    warnings = html[html.index("infusion-warnings") - 40 : html.index("Nothing has been saved")]
    assert "alert-danger" in warnings
    assert (
        f"LVEF 37% on {day(ago(12))} — do not give the next dose until a doctor has reviewed."
        " The date falls inside a treatment hold" in warnings
    )
    assert "Record anyway" in html
    html = nurse_client.post(url, {**data, "confirm_warnings": "on"}).content.decode()
    assert "Give the reason for recording this infusion despite the warnings." in html
    assert not Infusion.objects.filter(date=TODAY).exists()
    reason = "Cardiology reviewed today: continue"
    response = nurse_client.post(url, {**data, "confirm_warnings": "on", "override_reason": reason})
    assert response.status_code == 302
    assert Infusion.objects.get(date=TODAY).override_reason == reason
    history = nurse_client.get("/patients/F4/").content.decode()
    assert f"recorded despite the warnings: {reason}" in history


def test_an_other_hold_warning_stays_amber(nurse_client):
    _, course = on_course("F5")
    HoldFactory(course=course, start=ago(3), reason="other")
    url = f"/patients/F5/courses/{course.pk}/infusions/new/"
    data = {"date": TODAY.isoformat(), "dose_mg": "435", "reaction": "none"}
    html = nurse_client.post(url, data).content.decode()
    assert "alert-warning infusion-warnings" in html
    assert "do not give the next dose" not in html


def test_the_edit_form_has_no_override_controls(nurse_client):
    _, course = on_course("F6")
    infusion = course.infusions.first()
    html = nurse_client.get(f"/patients/F6/infusions/{infusion.pk}/edit/").content.decode()
    assert 'name="override_reason"' not in html and 'name="confirm_warnings"' not in html


def selected(html, name):
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="(\w+)" selected', select).group(1)


@pytest.mark.parametrize(
    ("baseline_modality", "proposed"),
    [("muga", "muga"), ("cmr", "cmr"), (None, "echo")],
)
def test_the_lvef_form_proposes_the_baseline_modality(nurse_client, baseline_modality, proposed):
    patient = PatientFactory(mrn="M1")
    CourseFactory(patient=patient, planned_start=ago(30))
    if baseline_modality:
        LvefFactory(patient=patient, date=ago(40), value=Decimal("61"), modality=baseline_modality)
    html = nurse_client.get("/patients/M1/lvef/new/").content.decode()
    assert selected(html, "modality") == proposed
    if baseline_modality is None:
        assert "No baseline LVEF yet" in notes(html)


def test_the_lvef_form_shows_baseline_and_latest(nurse_client):
    patient, _ = on_course("M2")
    LvefFactory(patient=patient, date=ago(5), value=Decimal("55.5"), modality="echo")
    shown = notes(nurse_client.get("/patients/M2/lvef/new/").content.decode())
    first = ago(21 + 42)
    assert f"Baseline: LVEF 62% by echocardiogram on {day(first - timedelta(days=7))}." in shown
    assert f"Latest: LVEF 55.5% by echocardiogram on {day(ago(5))}." in shown


@pytest.mark.parametrize(("latest", "reason"), [("44", "cardiac"), ("60", None)])
def test_the_hold_form_proposes_cardiac_when_the_rules_say_hold(oncologist_client, latest, reason):
    patient, course = on_course("H1")
    LvefFactory(patient=patient, date=ago(5), value=Decimal(latest))
    html = oncologist_client.get(f"/patients/H1/courses/{course.pk}/holds/new/").content.decode()
    select = re.search(r'<select name="reason".*?</select>', html, re.S).group(0)
    if reason:
        assert selected(html, "reason") == "cardiac"
        assert "Recommendation: Hold treatment." in notes(html)
    else:
        assert " selected" not in select.replace('value="" selected', "")
