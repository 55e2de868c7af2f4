"""Every input and select of the admin's clinical pages has an accessible name (issue 13 item 2
found 20 unlabelled inputs and 9 unnamed selects on the patient page: the inline rows' fields,
which Django's tabular inline labels only by the column header)."""

from html.parser import HTMLParser

import pytest

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tracker.models import CLINICAL_MODELS

pytestmark = pytest.mark.django_db

# A button's value is its name; hidden inputs are not shown.
NAMED_BY_VALUE = {"submit", "button", "reset", "image"}


class Fields(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields = []  # (tag, attrs, inside a <label>)
        self.label_for = set()
        self.open_labels = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.open_labels += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea"):
            self.fields.append((tag, attrs, self.open_labels > 0))

    def handle_endtag(self, tag):
        if tag == "label" and self.open_labels:
            self.open_labels -= 1


def unnamed_fields(html):
    parser = Fields()
    parser.feed(html)
    unnamed = []
    for tag, attrs, in_label in parser.fields:
        kind = attrs.get("type", "text")
        if tag == "input" and kind == "hidden":
            continue
        if tag == "input" and kind in NAMED_BY_VALUE and attrs.get("value"):
            continue
        if attrs.get("aria-label") or attrs.get("aria-labelledby") or in_label:
            continue
        if attrs.get("id") and attrs["id"] in parser.label_for:
            continue
        unnamed.append(f"<{tag} name={attrs.get('name')!r} id={attrs.get('id')!r}>")
    return unnamed


@pytest.fixture
def records():
    patient = PatientFactory(mrn="L1001")
    course = CourseFactory(patient=patient)
    return {
        "patient": patient,
        "treatmentcourse": course,
        "infusion": InfusionFactory(course=course),
        "treatmenthold": HoldFactory(course=course),
        "lvefmeasurement": LvefFactory(patient=patient),
        "cotreatment": CoTreatmentFactory(patient=patient),
    }


@pytest.mark.parametrize("page", ["changelist", "add", "change"])
@pytest.mark.parametrize("model", CLINICAL_MODELS, ids=lambda m: m.__name__)
def test_every_field_of_the_admin_pages_has_a_name(model, page, records, admin_client):
    name = model._meta.model_name
    url = {
        "changelist": f"/admin/tracker/{name}/",
        "add": f"/admin/tracker/{name}/add/",
        "change": f"/admin/tracker/{name}/{records[name].pk}/change/",
    }[page]
    response = admin_client.get(url)
    assert response.status_code == 200
    assert unnamed_fields(response.content.decode()) == []


def test_the_checker_finds_an_unlabelled_inline_cell():
    html = '<label for="a">A</label><input id="a"><input name="x-0-date"><select name="s">'
    assert unnamed_fields(html) == ["<input name='x-0-date' id=None>", "<select name='s' id=None>"]


def test_inline_cells_are_named_by_column_and_row(admin_client):
    patient = PatientFactory(mrn="L1002")
    LvefFactory(patient=patient)
    LvefFactory(patient=patient)
    page = admin_client.get(f"/admin/tracker/patient/{patient.pk}/change/").content.decode()
    assert 'aria-label="LVEF (%), LVEF measurement 2"' in page
    assert 'aria-label="Date, new LVEF measurement"' in page  # the row "Add another" copies
