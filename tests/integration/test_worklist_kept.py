"""The everyday worklist kept per process (issue 16 item 2: the worklist right after a write at
most twice the trivial page): what it keeps is what the sections' SQL gives, after every kind of
write; a write makes it read that patient's status alone; when the change rows cannot be
followed it reads everything again. Runs on SQLite and PostgreSQL."""

import importlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from devdata.synthetic import synthetic_document
from tracker import interchange, services
from tracker.models import MonitoringStatus, Patient, WorklistChange, WorklistVersion
from tracker.selectors.status import stored_statuses

# The module, not the function of the same name that tracker.selectors exports.
wl = importlib.import_module("tracker.selectors.worklist")

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _fresh():
    wl.clear_cache()
    yield
    wl.clear_cache()


def from_sql():
    numbers, oldest, found = wl._run(
        *wl._worklist_sql(stored_statuses(TODAY, current=False), TODAY, None)
    )
    return numbers, str(oldest), sorted(found)


def kept():
    numbers, oldest, found = wl._everyday_worklist(TODAY, None)
    return numbers, str(oldest), sorted(found)


def store():
    (only,) = wl._EVERYDAY.values()
    return only


@pytest.fixture
def clinic():
    interchange.import_document(
        synthetic_document(80, TODAY, start=1), actor=services.import_actor()
    )
    assert kept() == from_sql()
    return store()


def some(section_key, n=1):
    """Patients now in a section (by the SQL), for a write that moves them."""
    index = [key for key, *_ in wl.WORKLIST_SECTIONS].index(section_key)
    ids = [pk for i, pk, _ in from_sql()[2] if i == index][:n]
    assert ids, f"the synthetic clinic has patients in {section_key}"
    return [Patient.objects.get(pk=pk) for pk in ids]


def test_every_section_has_members_in_the_synthetic_clinic(clinic):
    numbers = kept()[0]
    assert all(numbers[i] > 0 for i in (0, 3)), numbers  # Book a scan, Review
    assert numbers[-1] == 80


def test_an_lvef_save_reads_one_status_and_matches_the_sql(clinic, nurse):
    (patient,) = some("book_scan")
    reads = clinic.reads
    services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("41"), modality="echo"
    )
    assert kept() == from_sql()
    assert clinic.reads == reads + 1


def test_scan_requests_booking_and_closing_match_the_sql(clinic, nurse):
    first, second = some("book_scan", 2)
    request = services.scan_request_create(
        actor=nurse, patient=first, requested_on=TODAY - timedelta(days=30), modality="echo"
    )
    assert kept() == from_sql()  # Book a scan -> Chase (late)
    services.scan_request_book(actor=nurse, request=request, booked_for=TODAY + timedelta(days=3))
    assert kept() == from_sql()  # -> Booked
    services.scan_request_create(actor=nurse, patient=second, requested_on=TODAY, modality="echo")
    assert kept() == from_sql()


def test_a_review_matches_the_sql(clinic, oncologist):
    (patient,) = some("review")
    services.review_create(
        actor=oncologist,
        patient=patient,
        date=TODAY,
        decision="continue_despite_criteria",
        reason="Discussed with cardiology",
    )
    assert kept() == from_sql()


def test_a_patient_entered_in_error_leaves_every_section(clinic, nurse):
    (patient,) = some("review")
    services.mark_entered_in_error(patient, actor=nurse, reason="Duplicate record")
    numbers = kept()[0]
    assert kept() == from_sql()
    assert numbers[-1] == 79
    assert patient.pk not in store().members


def test_many_writes_in_a_row_match_the_sql(clinic, nurse):
    for patient in some("book_scan", 5):
        services.lvef_create(
            actor=nurse, patient=patient, date=TODAY, value=Decimal("55"), modality="echo"
        )
    assert kept() == from_sql()


def test_a_change_naming_nobody_reads_everything(clinic):
    reads = clinic.reads
    services.worklist_changed()
    assert kept() == from_sql()
    assert clinic.reads == reads + 80


def test_a_version_without_a_change_row_reads_everything(clinic):
    reads = clinic.reads
    WorklistVersion.objects.filter(pk=1).update(version=12345)
    assert kept() == from_sql()
    assert clinic.reads == reads + 80


def test_a_deleted_change_row_reads_everything(clinic, nurse):
    """The nightly refresh deletes old change rows: a process that stopped at one of them
    cannot follow on, and reads everything again rather than miss a change."""
    (patient,) = some("book_scan")
    WorklistChange.objects.all().delete()
    reads = clinic.reads
    services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("41"), modality="echo"
    )
    assert kept() == from_sql()
    assert clinic.reads == reads + 80


def test_a_status_changed_behind_the_services_back_is_not_seen_without_a_change():
    """What the cache relies on: only a change row (with its version) moves it. A stored status
    updated with no version change is not seen — every writer goes through worklist_changed."""
    interchange.import_document(
        synthetic_document(20, TODAY, start=1), actor=services.import_actor()
    )
    before = kept()
    MonitoringStatus.objects.update(reload_dose_due=True)
    assert kept() == before
    services.worklist_changed()
    assert kept() == from_sql() != before


def test_too_many_patients_in_one_change_name_nobody(clinic):
    services.worklist_changed(range(1, services.status.CHANGE_NAMES_AT_MOST + 2))
    assert WorklistChange.objects.order_by("-id").first().patient_id is None
    services.worklist_changed(range(1, services.status.CHANGE_NAMES_AT_MOST + 1))
    last = list(WorklistChange.objects.order_by("-id")[: services.status.CHANGE_NAMES_AT_MOST])
    assert {row.patient_id for row in last} == set(
        range(1, services.status.CHANGE_NAMES_AT_MOST + 1)
    )
    assert len({row.after for row in last}) == 1


def test_old_change_rows_are_deleted_before_the_last_that_names_nobody(db):
    services.worklist_changed([1])
    services.worklist_changed()
    marker = WorklistChange.objects.order_by("-id").first()
    services.worklist_changed([2])
    assert services.forget_old_worklist_changes() >= 1
    assert list(WorklistChange.objects.order_by("id").values_list("patient_id", flat=True)) == [
        None,
        2,
    ]
    assert WorklistChange.objects.order_by("id").first().pk == marker.pk
    assert services.forget_old_worklist_changes() == 0


def test_the_worklist_after_a_write_reads_a_bounded_number_of_queries(
    clinic, nurse, oncologist_client, django_assert_max_num_queries
):
    oncologist_client.get("/")
    (patient,) = some("book_scan")
    services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("41"), modality="echo"
    )
    reads = clinic.reads
    with django_assert_max_num_queries(17):
        page = oncologist_client.get("/").content.decode()
    assert clinic.reads == reads + 1
    assert f'data-count="review">{kept()[0][3]}<' in page


# --- the sections themselves: built once per version, rows read again only when named ---------


def fresh_sections(limit=wl.SECTION_ROWS):
    """The sections as a search-less worklist built from scratch (the query path) gives them."""
    statuses = stored_statuses(TODAY, current=False)
    return wl._sections(TODAY, *wl._run(*wl._worklist_sql(statuses, TODAY, limit)), {})


def shown(result):
    sections, counts = result
    return counts, [
        (s.key, s.count, [(r.pk, r.reason, r.state, r.review, r.contact) for r in s.rows])
        for s in sections
    ]


def test_the_kept_sections_equal_fresh_ones_after_every_kind_of_write(clinic, nurse, oncologist):
    assert shown(wl.worklist(TODAY)) == shown(fresh_sections())
    first, second = some("book_scan", 2)
    services.lvef_create(
        actor=nurse, patient=first, date=TODAY, value=Decimal("41"), modality="echo"
    )
    assert shown(wl.worklist(TODAY)) == shown(fresh_sections())
    request = services.scan_request_create(
        actor=nurse, patient=second, requested_on=TODAY - timedelta(days=30), modality="echo"
    )
    assert shown(wl.worklist(TODAY)) == shown(fresh_sections())
    services.scan_request_book(actor=nurse, request=request, booked_for=TODAY + timedelta(days=3))
    assert shown(wl.worklist(TODAY)) == shown(fresh_sections())
    (reviewed,) = some("review")
    services.review_create(
        actor=oncologist,
        patient=reviewed,
        date=TODAY,
        decision="continue_despite_criteria",
        reason="Discussed with cardiology",
    )
    assert shown(wl.worklist(TODAY)) == shown(fresh_sections())
    assert shown(wl.worklist(TODAY, limit=3)) == shown(fresh_sections(3))


def test_a_shown_patient_renamed_shows_the_new_name(clinic, nurse):
    (book,) = [s for s in wl.worklist(TODAY)[0] if s.key == "book_scan"]
    patient = Patient.objects.get(pk=book.rows[-1].pk)
    services.record_update(patient, actor=nurse, family_name="Renamed")
    (book,) = [s for s in wl.worklist(TODAY)[0] if s.key == "book_scan"]
    assert "Renamed" in [r.patient.family_name for r in book.rows]


def test_an_unchanged_worklist_reads_no_row_and_a_write_reads_that_patients_row(
    clinic, nurse, django_assert_num_queries
):
    wl.worklist(TODAY)
    with django_assert_num_queries(2):  # the stale statuses' check and the version
        sections, _ = wl.worklist(TODAY)
    assert wl.worklist(TODAY)[0] is sections  # the same sections, built once
    (patient,) = some("book_scan")
    services.lvef_create(
        actor=nurse, patient=patient, date=TODAY, value=Decimal("41"), modality="echo"
    )
    # + the change rows, that patient's places, the oldest evaluation day, and the rows of
    # the patients now shown that were not before (the one saved, and whoever moved up)
    with django_assert_num_queries(6):
        sections, _ = wl.worklist(TODAY)
    assert shown((sections, {})) == shown((fresh_sections()[0], {}))


def test_each_role_gets_its_own_buttons_from_the_kept_sections(
    clinic, nurse_client, oncologist_client
):
    """The rows' HTML is kept per set of permissions: a nurse viewing first does not give the
    oncologist a nurse's buttons, nor the other way round."""
    nurse_page = nurse_client.get("/").content.decode()
    oncologist_page = oncologist_client.get("/").content.decode()
    assert "Record review" not in nurse_page
    assert "Record review" in oncologist_page
    assert "Record review" not in nurse_client.get("/").content.decode()
