"""The quality page and its drill-down lists (issue 14 items 3-4): permission, period form,
figures beside the published ones, trends, drill-downs, CSV, audit, bounded queries, cache."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CourseFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
    UserFactory,
)
from tracker import interchange, services
from tracker.models import AuditEvent, Patient
from tracker.selectors import quality as selector

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)  # the default quarter: Jan to Mar 2026


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("tracker.views.quality_page._today", lambda: TODAY)
    selector.clear_cache()
    yield
    selector.clear_cache()


@pytest.fixture
def viewer(client):
    user = UserFactory(username="vic", roles=["viewer"])
    client.force_login(user)
    return user


def patient(mrn, infusion_days, lvefs=(), family="Byron", given="Ada"):
    return {
        "mrn": mrn,
        "given_name": given,
        "family_name": family,
        "date_of_birth": "1961-04-02",
        "sex": "female",
        "courses": [
            {
                "agent": "trastuzumab",
                "intent": "adjuvant",
                "schedule": "every_3_weeks",
                "planned_start": infusion_days[0],
                "infusions": [{"date": d, "dose_mg": 360} for d in infusion_days],
            }
        ],
        "lvef": [{"date": d, "value": v, "modality": "echo"} for d, v in lvefs],
    }


def load(*patients):
    interchange.import_document({"patients": list(patients)}, actor=services.import_actor())


@pytest.fixture
def clinic():
    load(
        # Baseline met (Q1); the decline of 18 Mar 2026 not held within 7 days (Q5 not met).
        patient(
            "A1001",
            ["2026-01-05", "2026-01-26", "2026-02-16", "2026-03-09", "2026-03-30"],
            [("2025-12-20", 62), ("2026-03-18", 46)],
        ),
        # No LVEF at all: Q1 not met; overdue at the quarter's end (Q7).
        patient("A1002", ["2026-02-02", "2026-02-23", "2026-03-16"], family="=HYPERLINK(1)"),
        # F 25 Mar 2026: Q1 still pending on 10 Apr 2026.
        patient("A1003", ["2026-03-25"], family="Carter", given="Cleo"),
    )


def measure_section(content: str, measure_id: str) -> str:
    start = content.index(f'data-measure="{measure_id}"')
    end = content.find("data-measure=", start + 20)
    return content[start : end if end > 0 else len(content)]


# --- permission, default period ---------------------------------------------------------------


def test_login_is_required(client):
    response = client.get("/quality/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_view_permission_is_checked_on_the_server(client):
    client.force_login(UserFactory(username="nobody"))
    assert client.get("/quality/").status_code == 403
    assert client.get("/quality/Q1/").status_code == 403
    assert client.get("/quality/", {"format": "csv"}).status_code == 403


def test_the_default_period_is_the_last_complete_quarter(client, viewer, clinic):
    response = client.get("/quality/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Quality of cardiac monitoring: Jan to Mar 2026" in content
    assert "evaluated on 10 Apr 2026" in content
    [event] = AuditEvent.objects.filter(action="list_view")
    assert event.user == viewer and event.detail == "quality dashboard: Jan to Mar 2026"


def test_every_measure_as_a_number_with_the_words_first(client, viewer, clinic):
    content = client.get("/quality/").content.decode()
    for measure_id, title in (
        ("Q1", "Baseline before treatment (Q1)"),
        ("Q1s", "Baseline in the 3 months before treatment (Q1s)"),
        ("Q2", "Adequate monitoring on treatment (Q2)"),
        ("Q3", "Assessment at the end of treatment (Q3)"),
        ("Q4", "Follow-up after early-stage treatment (Q4)"),
        ("Q5", "Declines acted on (Q5)"),
        ("Q6", "Repeat assessment while held (Q6)"),
        ("Q7", "On time at the end of the period (Q7)"),
    ):
        assert title in measure_section(content, measure_id)
    q1 = measure_section(content, "Q1")
    assert "<strong>50.0%</strong> — 1 of 2 episodes" in q1
    assert "1 patient pending" in q1 and "1 patient not met" in q1
    assert "no patients" in measure_section(content, "Q2")  # a null denominator
    assert "<strong>0.0%</strong> — 0 of 1 declines" in measure_section(content, "Q5")


def test_published_figures_beside_the_clinic(client, viewer, clinic):
    content = client.get("/quality/").content.decode()
    q2 = measure_section(content, "Q2")
    for figure in ("36%", "46.2%", "63.1%"):
        assert figure in q2
    assert "SEER-Medicare, age ≥ 66, adjuvant, 2005-09" in q2
    assert "88.7%" in measure_section(content, "Q1")
    assert "78%" in measure_section(content, "Q5")
    assert 'data-table="published"' in content and "NCCN QIM19-132" in content
    assert "78%</td>" not in content or "(22 % not held)" in content


def test_a_trend_over_8_quarters_as_svg_and_as_a_table(client, viewer, clinic):
    content = client.get("/quality/").content.decode()
    q1 = measure_section(content, "Q1")
    assert '<svg class="quality-trend" role="img"' in q1
    assert "over the last 8 quarters" in q1
    assert q1.count('class="trend-point"') == 1  # only Jan to Mar 2026 has patients
    assert "Apr to Jun 2024" in content  # the oldest of the 8 quarters in the table
    table = content[content.index('data-table="trend"') :]
    assert table.count('data-label="Quarter"') == 8
    assert 'data-label="Baseline before treatment (Q1)">50.0% (1 of 2)' in table
    assert "table-cards" in content[content.index('data-table="trend"') - 200 :]


def test_a_review_decision_within_7_days_is_a_decline_acted_on(client, viewer, clinic):
    """Q5 (quality-measures.md): a recorded review decision within 7 days of the decline acts on
    it; the page computed before the review is computed again for it (a review does not change
    the stored status: the cache follows the reviews too)."""
    from django.utils import timezone

    from tracker.models import Patient, RecommendationReview

    period = selector.last_complete_quarter(TODAY)
    q5 = selector.quality_dashboard(period, TODAY).measure("Q5")
    assert (q5.numerator, q5.denominator) == (0, 1)
    a1001 = Patient.objects.get(mrn="A1001")
    late = RecommendationReview.objects.create(
        patient=a1001, date=date(2026, 3, 26), decision="hold_recorded", recommendation="hold"
    )  # 8 days after the decline of 18 Mar 2026: too late
    q5 = selector.quality_dashboard(period, TODAY).measure("Q5")
    assert (q5.numerator, q5.denominator) == (0, 1)
    late.entered_in_error = True
    late.entered_in_error_reason = "Wrong patient"
    late.entered_in_error_at = timezone.now()
    late.save()
    RecommendationReview.objects.create(
        patient=a1001, date=date(2026, 3, 25), decision="hold_recorded", recommendation="hold"
    )  # 7 days after: in time
    q5 = selector.quality_dashboard(period, TODAY).measure("Q5")
    assert (q5.numerator, q5.denominator) == (1, 1)
    content = client.get("/quality/").content.decode()
    assert "are not recorded" not in content
    assert selector._reviews_for_quality([a1001.pk, 999]) == {"A1001": (date(2026, 3, 25),)}


def test_the_navbar_links_to_the_quality_page(client, viewer):
    content = client.get("/").content.decode()
    assert 'href="/quality/">Quality</a>' in content


# --- the period form ---------------------------------------------------------------------------


def test_a_quarter_can_be_chosen(client, viewer, clinic):
    content = client.get("/quality/", {"quarter": "2026-Q2"}).content.decode()
    assert "Quality of cardiac monitoring: Apr to Jun 2026" in content
    assert 'value="2026-Q2" selected' in content


def test_a_range_can_be_chosen(client, viewer, clinic):
    content = client.get("/quality/", {"start": "2026-03-01", "end": "2026-03-31"}).content
    content = content.decode()
    assert "1 Mar 2026 to 31 Mar 2026" in content
    assert "<strong>0.0%</strong> — 0 of 0" not in content
    assert "no patients" in measure_section(content, "Q1")  # no F in March
    assert (
        "quality dashboard: 1 Mar 2026 to 31 Mar 2026"
        in AuditEvent.objects.get(action="list_view").detail
    )


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"start": "2026-13-01", "end": "2026-03-31"}, "From", "Enter a date as YYYY-MM-DD"),
        ({"start": "2026-03-01"}, "To", "Give both From and To"),
        ({"end": "2026-03-01"}, "From", "Give both From and To"),
        ({"start": "2026-03-02", "end": "2026-03-01"}, "To", "To must be on or after From"),
        ({"start": "2020-01-01", "end": "2026-03-01"}, "To", "at most 3 years"),
        ({"start": "2026-05-01", "end": "2026-06-01"}, "From", "must not be after today"),
        ({"quarter": "1999-Q1"}, "Quarter", "Select a valid choice"),
    ],
)
def test_bad_input_names_the_field_and_computes_nothing(
    client, viewer, clinic, monkeypatch, params, field, words
):
    def refuse(*args, **kwargs):
        raise AssertionError("computed")

    monkeypatch.setattr(selector, "quality_dashboard", refuse)
    for url in ("/quality/", "/quality/Q1/"):
        response = client.get(url, params)
        assert response.status_code == 400
        [message] = [str(m) for m in response.context["messages"]]
        assert message.startswith(f"{field}: ") and words in message
        assert "Nothing was computed" in message
        assert 'data-measure="' not in response.content.decode()
    csv_response = client.get("/quality/", {**params, "format": "csv"})
    assert csv_response.status_code == 400 and csv_response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action__in=("list_view", "csv_download")).exists()


# --- drill-downs -------------------------------------------------------------------------------


def test_each_measure_links_to_its_drill_down(client, viewer, clinic):
    content = client.get("/quality/").content.decode()
    assert 'href="/quality/Q1/?quarter=2026-Q1" data-drilldown="Q1"' in content
    ranged = client.get("/quality/", {"start": "2026-01-01", "end": "2026-03-31"})
    assert 'href="/quality/Q1/?start=2026-01-01&amp;end=2026-03-31"' in ranged.content.decode()


def test_the_drill_down_lists_not_met_then_pending_with_the_reason(client, viewer, clinic):
    response = client.get("/quality/Q1/")
    content = response.content.decode()
    assert "Baseline before treatment (Q1): Jan to Mar 2026" in content
    rows = content[content.index('data-table="drilldown"') :]
    assert rows.index('data-mrn="A1002"') < rows.index('data-mrn="A1003"')
    assert 'data-outcome="not_met"' in rows and 'data-outcome="pending"' in rows
    assert (
        "No LVEF from 5 Oct 2025 to 4 Mar 2026 around the first infusion on 2 Feb 2026 (Q1)."
        in rows
    )
    assert "an LVEF can still be recorded until 24 Apr 2026 (Q1)." in rows
    assert '<a href="/patients/A1003/">Carter, Cleo</a>' in rows
    assert 'data-label="First infusion">2 Feb 2026' in rows
    assert "table-cards" in content
    [event] = AuditEvent.objects.filter(action="list_view")
    assert event.detail == "quality Q1 list: 2 row(s), Jan to Mar 2026"
    assert "A1002" not in event.detail and "Carter" not in event.detail


def test_the_q5_drill_down_says_why_in_words(client, viewer, clinic):
    content = client.get("/quality/Q5/").content.decode()
    assert "LVEF 46% on 18 Mar 2026 met the hold criteria (H1); no cardiac hold" in content


def test_an_unknown_measure_is_not_found(client, viewer):
    assert client.get("/quality/Q9/").status_code == 404


def test_a_drill_down_with_nobody_to_list_says_so(client, viewer, clinic):
    content = client.get("/quality/Q2/").content.decode()
    assert "Every patient counted met this measure; none is pending." in content


# --- CSV ---------------------------------------------------------------------------------------


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_page_csv_has_the_period_and_the_trend_and_is_audited(client, viewer, clinic):
    response = client.get("/quality/", {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="quality-2026-01-01-2026-03-31.csv"' in response["Content-Disposition"]
    header, *rows = rows_of(response)
    assert header[:7] == ["period", "from", "to", "as_of", "rule_set", "id", "measure"]
    assert len(rows) == 8 + 8 * 8
    q1 = rows[0]
    assert q1[:6] == ["selected", "2026-01-01", "2026-03-31", "2026-04-10", "us_label", "Q1"]
    assert q1[7:11] == ["2", "1", "50.0", "1"]
    assert rows[1][5] == "Q1s" and rows[2][9] == ""  # Q2: no patients, empty percent
    [event] = AuditEvent.objects.filter(action="csv_download")
    assert event.detail == "quality CSV: Jan to Mar 2026"


def test_the_list_csv_is_guarded_against_formulas_and_audited(client, viewer, clinic):
    response = client.get("/quality/Q1/", {"format": "csv"})
    header, *rows = rows_of(response)
    assert header == ["id", "mrn", "family_name", "given_name", "outcome", "date", "reason"]
    assert [r[1] for r in rows] == ["A1002", "A1003"]
    assert rows[0][2] == "'=HYPERLINK(1)"  # the CSV-injection guard of the worklist CSV
    assert rows[0][4:6] == ["not_met", "2026-02-02"]
    assert rows[1][4] == "pending"
    [event] = AuditEvent.objects.filter(action="csv_download")
    assert event.detail == "quality Q1 list: 2 row(s), Jan to Mar 2026 (CSV)"


# --- queries and cache -------------------------------------------------------------------------


def many(count):
    load(
        *(
            patient(f"B{n:04d}", ["2026-01-05", "2026-01-26", "2026-02-16"], [("2026-01-02", 60)])
            for n in range(count)
        )
    )


@pytest.mark.parametrize("count", [10, 300])
def test_bounded_queries_whatever_the_number_of_patients(
    client, viewer, django_assert_max_num_queries, count
):
    many(count)
    # 20 to compute, and 4 to read and write the shared copies of the items (QualityItems: the
    # read, a savepoint, the insert, its release).
    with django_assert_max_num_queries(24):
        response = client.get("/quality/")
    assert f"— {count} of {count} episodes" in measure_section(response.content.decode(), "Q1")
    with django_assert_max_num_queries(20):
        client.get("/quality/Q7/")
    with django_assert_max_num_queries(20):
        client.get("/quality/Q1/", {"format": "csv"})


def test_the_records_are_loaded_once_and_reused_until_a_write(
    client, viewer, clinic, django_assert_max_num_queries
):
    client.get("/quality/")
    assert selector.loads() == 1
    client.get("/quality/Q1/")
    client.get("/quality/", {"format": "csv"})
    assert selector.loads() == 1  # same period, day and data
    # A write (a new LVEF) names a new WorklistVersion: that patient is computed again.
    a1002 = Patient.objects.get(mrn="A1002")
    LvefFactory(patient=a1002, date=date(2026, 2, 1))
    content = client.get("/quality/").content.decode()
    assert selector.loads() == 2
    assert "<strong>100.0%</strong> — 2 of 2 episodes" in measure_section(content, "Q1")
    # ... and only that patient: its records alone are loaded.
    store = next(iter(selector._STORES.values()))
    LvefFactory(patient=a1002, date=date(2026, 2, 2))
    with CaptureQueriesContext(connection) as ctx:
        client.get("/quality/")
    loaded = [q["sql"] for q in ctx.captured_queries if "tracker_lvefmeasurement" in q["sql"]]
    assert loaded and all(str(a1002.pk) in sql for sql in loaded)
    assert set(store.stamps) == set(Patient.objects.values_list("pk", flat=True))


def test_a_patient_entered_in_error_leaves_the_figures(client, viewer, clinic):
    client.get("/quality/")
    a1002 = Patient.objects.get(mrn="A1002")
    services.mark_entered_in_error(a1002, actor=services.import_actor(), reason="test patient")
    content = client.get("/quality/").content.decode()
    assert "<strong>100.0%</strong> — 1 of 1 episodes" in measure_section(content, "Q1")


def test_another_evaluation_date_is_computed_again(client, viewer, clinic, monkeypatch):
    client.get("/quality/")
    assert selector.loads() == 1
    monkeypatch.setattr("tracker.views.quality_page._today", lambda: TODAY + timedelta(days=1))
    client.get("/quality/")
    assert selector.loads() == 2


def test_the_selector_matches_the_report(clinic):
    from tracker.interchange.quality_report import build_quality_report

    period = selector.quarter(2026, 1)
    dashboard = selector.quality_dashboard(period, TODAY)
    report = build_quality_report(period.start, period.end, TODAY)
    for shown, reported in zip(dashboard.measures, report["measures"], strict=True):
        assert (shown.id, shown.denominator, shown.numerator) == (
            reported["id"],
            reported["denominator"],
            reported["numerator"],
        )
        assert list(shown.not_met) == reported["not_met"]
        assert list(shown.pending) == reported["pending"]
    # Each trend quarter is the report of that quarter.
    for quarter, measures in dashboard.trend:
        again = build_quality_report(quarter.start, quarter.end, TODAY)["measures"]
        assert [m.denominator for m in measures] == [m["denominator"] for m in again]


def test_course_and_infusion_factories_feed_the_page(client, viewer):
    p = PatientFactory(mrn="C1001")
    course = CourseFactory(patient=p, planned_start=date(2026, 2, 2))
    InfusionFactory(course=course, date=date(2026, 2, 2))
    content = client.get("/quality/").content.decode()
    assert "— 0 of 1 episodes" in measure_section(content, "Q1")


def test_a_long_drill_down_is_shown_a_page_at_a_time_and_the_csv_has_all(client, viewer):
    load(*(patient(f"N{n:03d}", ["2026-02-02"]) for n in range(60)))  # no LVEF: Q1 not met
    first = client.get("/quality/Q1/").content.decode()
    assert first.count('data-outcome="not_met"') == 50
    assert "Rows 1 to 50 of 60; the CSV has them all." in first
    assert 'href="?quarter=2026-Q1&amp;page=2">Next</a>' in first
    second = client.get("/quality/Q1/", {"quarter": "2026-Q1", "page": "2"}).content.decode()
    assert second.count('data-outcome="not_met"') == 10 and 'data-mrn="N059"' in second
    header, *rows = rows_of(client.get("/quality/Q1/", {"format": "csv"}))
    assert len(rows) == 60


def _figures(dashboard):
    shown = [(m.id, m.denominator, m.numerator, list(m.not_met), list(m.pending)) for m in
             dashboard.measures]  # fmt: skip
    trend = [(q.code, [(m.id, m.denominator, m.numerator) for m in ms]) for q, ms in
             dashboard.trend]  # fmt: skip
    return shown, trend


def test_another_quarter_adds_only_the_q7_of_its_new_days(clinic, monkeypatch):
    """Issue 14 item 4: the items are kept per evaluation date; another period of the same day
    computes Q7 at its new days only, and gives the figures of a fresh computation."""
    from tracker.monitoring import quality

    calls = {"patient_items": 0, "q7_days": []}
    patient_items, q7_items = quality.patient_items, quality.q7_items

    def counted_patient_items(*args, **kwargs):
        calls["patient_items"] += 1
        return patient_items(*args, **kwargs)

    def counted_q7_items(record, days, settings):
        calls["q7_days"].extend(days)
        return q7_items(record, days, settings)

    monkeypatch.setattr(quality, "patient_items", counted_patient_items)
    monkeypatch.setattr(quality, "q7_items", counted_q7_items)
    first = selector.quarter(2026, 1)
    selector.quality_dashboard(first, TODAY)
    patients = Patient.objects.filter(entered_in_error=False).count()
    assert calls["patient_items"] == patients
    calls["q7_days"].clear()
    earlier = selector.previous_quarter(first)
    kept = selector.quality_dashboard(earlier, TODAY)
    assert calls["patient_items"] == patients  # Q1-Q6 not computed again
    new_day = selector.previous_quarter(selector.trend_quarters(first)[0]).end
    assert set(calls["q7_days"]) == {new_day}  # the one quarter end not asked for before
    selector.clear_cache()
    assert _figures(kept) == _figures(selector.quality_dashboard(earlier, TODAY))


def test_the_warm_up_computes_the_default_page_ahead_of_its_reader(clinic, client, viewer):
    selector.warm_up(TODAY)
    # The default page first (a reader arriving meanwhile waits for it alone), then the Q7 days
    # of the quarters before it: two loads of the records.
    assert selector.loads() == 2
    client.get("/quality/")  # the default quarter, on the same day
    assert selector.loads() == 2
    # ... and the three quarters before it, computed by the warm-up.
    for back in range(1, selector.WARM_UP_QUARTERS):
        period = selector.last_complete_quarter(TODAY)
        for _ in range(back):
            period = selector.previous_quarter(period)
        client.get("/quality/", {"quarter": period.code})
    assert selector.loads() == 2
    period = selector.previous_quarter(period)
    client.get("/quality/", {"quarter": period.code})
    assert selector.loads() == 3  # one quarter further back: its new Q7 day computed


def test_only_the_drill_down_measure_collects_its_patients(clinic):
    # Issue 14 item 4: the page lists no patient, so it collects no open items; a drill-down
    # collects those of its own measure, the same as its figures count.
    period = selector.quarter(2026, 1)
    assert selector.quality_dashboard(period, TODAY).open == {}
    listed = selector.quality_dashboard(period, TODAY, listed="Q1")
    assert set(listed.open) == {"Q1"}
    q1 = listed.measure("Q1")
    keys = {i.key for i in listed.open_items("Q1")}
    assert keys == set(q1.not_met) | set(q1.pending)
