"""Issue 13 items 1, 2, 5, 6 and 15 through the test client: the markup the narrow-screen cards,
the skip link and the error summary rely on; dates as people read them; rule ids linked to their
explanation; the change history filtered by record type and grouped by course; who recorded each
row of the timeline and when."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory
from tracker.monitoring.wording import day
from tracker.templatetags.tracker_tags import rule_links

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _patient(mrn="U1001"):
    patient = PatientFactory(mrn=mrn, family_name="Ux", given_name="Una")
    course = CourseFactory(patient=patient, planned_start=TODAY - timedelta(days=60))
    for n in (60, 39, 18):
        InfusionFactory(course=course, date=TODAY - timedelta(days=n))
    LvefFactory(patient=patient, date=TODAY - timedelta(days=70), value=Decimal("62"))
    return patient, course


def _cells(html: str, table_class: str) -> list[str]:
    start = html.index(table_class)
    body = html[start : html.index("</table>", start)]
    return re.findall(r"<td\b[^>]*>", body)


def test_every_cell_of_the_patient_tables_carries_its_column_label(oncologist_client):
    _patient()
    for url, marker in (("/?q=Una", "worklist-table table-cards"), ("/patients/", "table-cards")):
        html = oncologist_client.get(url).content.decode()
        cells = _cells(html, marker)
        assert cells, url
        assert all("data-label=" in cell for cell in cells), url
    html = oncologist_client.get("/patients/U1001/").content.decode()
    cells = _cells(html, "history table-cards")
    assert len(cells) >= 5 and all("data-label=" in cell for cell in cells)
    assert 'data-label="Latest LVEF"' in oncologist_client.get("/?q=Una").content.decode()


def test_skip_link_first_and_navbar_collapses(oncologist_client):
    html = oncologist_client.get("/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<(a|button)\b[^>]*>([^<]*)", body)
    assert first_link.group(2) == "Skip to main content"
    assert 'href="#main"' in first_link.group(0)
    assert '<main class="container-fluid py-3" id="main" tabindex="-1">' in html
    assert 'data-bs-toggle="collapse" data-bs-target="#main-nav"' in html
    assert "bootstrap/js/bootstrap.bundle.min.js" in html


def test_an_invalid_form_starts_with_an_error_summary_linking_each_field(oncologist_client):
    _patient()
    response = oncologist_client.post("/patients/U1001/lvef/new/", {"date": "", "value": ""})
    html = response.content.decode()
    summary = html[
        html.index('id="error-summary"') : html.index("</div>", html.index("error-summary"))
    ]
    tag = html[
        html.rindex("<div", 0, html.index('id="error-summary"')) : html.index(
            ">", html.index('id="error-summary"')
        )
    ]
    assert 'role="alert"' in tag and 'tabindex="-1"' in tag
    assert 'href="#id_date"' in summary and 'href="#id_value"' in summary
    assert "There are problems with this form" in summary


def test_worklist_header_and_stale_banner_dates_read_as_people_write_them(oncologist_client):
    html = oncologist_client.get("/").content.decode()
    header = html[html.index("<h1") : html.index("</h1>")]
    assert day(TODAY) in header  # "2 Dec 2026"
    assert TODAY.strftime("%B") not in header or TODAY.strftime("%B") == TODAY.strftime("%b")


def test_stale_banner_date(oncologist_client):
    from tracker import services
    from tracker.models import MonitoringStatus

    _patient()
    oncologist_client.get("/")
    stale_day = TODAY - timedelta(days=3)
    MonitoringStatus.objects.update(evaluated_for=stale_day)
    services.worklist_changed()
    html = oncologist_client.get("/").content.decode()
    assert f"last computed on {day(stale_day)};" in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Repeat scan due (S2).", 'Repeat scan due (<a href="/flags/#rule-S2"'),
        ("H3: held for 8 weeks", '<a href="/flags/#rule-H3"'),
        ("fall of 16 points (C7)", 'href="/flags/#rule-C7"'),
        ("MRN D1030 and S12 are not rules", None),
        ("<b>S1</b>", "&lt;b&gt;<a href"),
    ],
)
def test_rule_ids_link_to_their_explanation(text, expected):
    shown = str(rule_links(text))
    if expected is None:
        assert "<a " not in shown
    else:
        assert expected in shown


def test_rule_links_point_at_anchors_the_rules_page_has(oncologist_client):
    page = oncologist_client.get("/flags/").content.decode()
    for rule in ("S1", "S2", "S3", "S4", "H3", "C7", "D1", "P1"):
        assert f'id="rule-{rule}"' in page
        assert f'href="/flags/#rule-{rule}"' in str(rule_links(f"({rule})"))


def test_timeline_links_its_rule_ids(oncologist_client):
    _patient()
    html = oncologist_client.get("/patients/U1001/").content.decode()
    assert re.search(r'\(<a href="/flags/#rule-S\d" class="rule-link"', html)


def test_timeline_says_who_recorded_each_row_and_when(oncologist_client, oncologist):
    patient, _ = _patient()
    oncologist_client.post(
        "/patients/U1001/lvef/new/",
        {"date": TODAY.isoformat(), "value": "58", "modality": "echo"},
    )
    html = oncologist_client.get("/patients/U1001/").content.decode()
    recorded = re.findall(
        r'<td class="small text-muted recorded" data-label="Recorded">(.*?)</td>', html
    )
    assert recorded
    name = oncologist.get_full_name() or oncologist.username
    now = timezone.localtime()
    assert any(name in cell and day(now) in cell for cell in recorded), recorded


def test_change_history_is_grouped_by_course_and_filtered_by_type(oncologist_client):
    patient, course = _patient()
    second = CourseFactory(patient=patient, planned_start=TODAY - timedelta(days=5))
    InfusionFactory(course=second, date=TODAY - timedelta(days=1))
    html = oncologist_client.get("/patients/U1001/history/").content.decode()
    groups = re.findall(r'<section class="mb-4 change-group" data-course="(\d*)"', html)
    assert groups == [str(second.pk), str(course.pk), ""]
    first_group = html[
        html.index(f'data-course="{second.pk}"') : html.index(f'data-course="{course.pk}"')
    ]
    assert first_group.count('data-type="infusions"') == 1
    assert first_group.count('data-type="courses"') == 1
    assert 'id="id_type"' in html and '<option value="lvef">LVEF</option>' in html

    html = oncologist_client.get("/patients/U1001/history/?type=lvef").content.decode()
    types = set(re.findall(r'data-type="([a-z]+)"', html))
    assert types == {"lvef"}
    assert '<option value="lvef" selected>' in html
    assert "Show all records" in html

    html = oncologist_client.get("/patients/U1001/history/?type=nonsense").content.decode()
    assert {"lvef", "infusions", "courses", "patient"} <= set(
        re.findall(r'data-type="([a-z]+)"', html)
    )


def test_change_history_queries_stay_bounded(oncologist_client, django_assert_max_num_queries):
    patient, course = _patient()
    for n in range(10):
        InfusionFactory(course=course, date=TODAY - timedelta(days=100 + n))
    with django_assert_max_num_queries(40):
        oncologist_client.get("/patients/U1001/history/")
