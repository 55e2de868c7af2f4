"""Writes go through the services: validated, attributed, never deleted."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tracker import services
from tracker.models import LvefMeasurement

pytestmark = pytest.mark.django_db


def test_create_records_who_and_when(nurse):
    patient = PatientFactory()
    lvef = services.lvef_create(
        actor=nurse, patient=patient, date=date(2026, 1, 2), value=Decimal("58.5"), modality="echo"
    )
    assert lvef.created_by == nurse and lvef.updated_by == nurse
    assert lvef.created_at is not None
    record = lvef.history.get()
    assert (record.history_type, record.history_user) == ("+", nurse)


def test_update_keeps_history(nurse, admin_user):
    lvef = services.lvef_create(
        actor=nurse,
        patient=PatientFactory(),
        date=date(2026, 1, 2),
        value=Decimal("58"),
        modality="echo",
    )
    services.record_update(lvef, actor=admin_user, value=Decimal("57"))
    lvef.refresh_from_db()
    assert (lvef.value, lvef.created_by, lvef.updated_by) == (Decimal("57"), nurse, admin_user)
    assert [h.value for h in lvef.history.order_by("history_date")] == [
        Decimal("58"),
        Decimal("57"),
    ]


def test_bad_value_is_refused_with_the_field_named(nurse):
    with pytest.raises(ValidationError) as exc:
        services.lvef_create(
            actor=nurse,
            patient=PatientFactory(),
            date=date(2026, 1, 2),
            value=Decimal("0.5"),
            modality="echo",
        )
    assert exc.value.message_dict == {"value": ["must be between 1 and 99"]}
    assert LvefMeasurement.objects.count() == 0


def test_date_before_birth_is_refused(nurse):
    patient = PatientFactory(date_of_birth=date(1970, 5, 1))
    with pytest.raises(ValidationError) as exc:
        services.lvef_create(
            actor=nurse,
            patient=patient,
            date=date(1970, 4, 30),
            value=Decimal("60"),
            modality="echo",
        )
    assert exc.value.message_dict == {"date": ["must not be before the date of birth"]}


def test_overlapping_hold_is_refused(nurse):
    course = CourseFactory()
    HoldFactory(course=course, start=date(2026, 3, 1), end=date(2026, 3, 20))
    with pytest.raises(ValidationError) as exc:
        services.hold_create(actor=nurse, course=course, start=date(2026, 3, 19), reason="cardiac")
    assert exc.value.message_dict == {
        "start": ["overlaps another hold of this course (2026-03-01 to 2026-03-20)"]
    }
    services.hold_create(actor=nurse, course=course, start=date(2026, 3, 20), reason="cardiac")


def test_hold_marked_in_error_no_longer_blocks(nurse):
    course = CourseFactory()
    wrong = HoldFactory(course=course, start=date(2026, 3, 1))
    services.mark_entered_in_error(wrong, actor=nurse, reason="wrong course")
    services.hold_create(actor=nurse, course=course, start=date(2026, 3, 2), reason="cardiac")


def test_course_end_before_first_infusion_is_refused(nurse):
    infusion = InfusionFactory(date=date(2026, 1, 5))
    with pytest.raises(ValidationError) as exc:
        services.record_update(
            infusion.course, actor=nurse, end_date=date(2026, 1, 4), end_reason="completed"
        )
    assert exc.value.message_dict == {
        "end_date": ["must be on or after the first infusion (2026-01-05)"]
    }


# Each record type's first clinical date (the registry's `dates`), made the patient's earliest.
EARLIEST = {
    "courses": lambda p, d: CourseFactory(patient=p, planned_start=d),
    "infusions": lambda p, d: InfusionFactory(
        course=CourseFactory(patient=p, planned_start=d), date=d
    ),
    "holds": lambda p, d: HoldFactory(
        course=CourseFactory(patient=p, planned_start=date(2026, 3, 1)), start=d
    ),
    "lvef": lambda p, d: LvefFactory(patient=p, date=d),
    "cotreatments": lambda p, d: CoTreatmentFactory(patient=p, start=d, end=None),
}


@pytest.mark.parametrize("kind", sorted(EARLIEST))
@pytest.mark.parametrize(
    ("birth", "refused"),
    [(date(2025, 12, 19), False), (date(2025, 12, 20), False), (date(2025, 12, 21), True)],
)
def test_date_of_birth_against_every_record_types_earliest_date(nurse, kind, birth, refused):
    """services._earliest_clinical_date reads every record type of the registry: the birth
    date may be on the earliest record's date, not after it."""
    patient = PatientFactory(date_of_birth=date(1960, 1, 1))
    EARLIEST[kind](patient, date(2025, 12, 20))
    if not refused:
        services.record_update(patient, actor=nurse, date_of_birth=birth)
        return
    with pytest.raises(ValidationError) as exc:
        services.record_update(patient, actor=nurse, date_of_birth=birth)
    assert exc.value.message_dict == {
        "date_of_birth": ["must not be after the patient's earliest clinical record (2025-12-20)"]
    }


def test_end_date_needs_reason(nurse):
    course = CourseFactory()
    with pytest.raises(ValidationError) as exc:
        services.record_update(course, actor=nurse, end_date=date(2026, 2, 1))
    assert "end date and end reason go together" in str(exc.value)


def test_date_of_birth_cannot_move_after_records(nurse):
    lvef = LvefFactory(date=date(2025, 12, 20))
    with pytest.raises(ValidationError) as exc:
        services.record_update(lvef.patient, actor=nurse, date_of_birth=date(2025, 12, 21))
    assert exc.value.message_dict == {
        "date_of_birth": ["must not be after the patient's earliest clinical record (2025-12-20)"]
    }


def test_mark_entered_in_error_keeps_the_record(nurse):
    lvef = LvefFactory()
    services.mark_entered_in_error(lvef, actor=nurse, reason="  measured on the wrong patient ")
    lvef.refresh_from_db()
    assert lvef.entered_in_error
    assert lvef.entered_in_error_reason == "measured on the wrong patient"
    assert lvef.entered_in_error_by == nurse
    assert lvef.entered_in_error_at is not None
    assert LvefMeasurement.objects.filter(pk=lvef.pk).exists()
    assert lvef.history.latest("history_date").history_user == nurse


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_mark_entered_in_error_needs_a_reason(nurse, reason):
    lvef = LvefFactory()
    with pytest.raises(ValidationError) as exc:
        services.mark_entered_in_error(lvef, actor=nurse, reason=reason)
    assert exc.value.message_dict == {"entered_in_error_reason": ["a reason is required"]}
    lvef.refresh_from_db()
    assert not lvef.entered_in_error


def test_record_in_error_cannot_be_edited_or_marked_twice(nurse):
    lvef = LvefFactory()
    services.mark_entered_in_error(lvef, actor=nurse, reason="typo")
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.record_update(lvef, actor=nurse, value=Decimal("40"))
    with pytest.raises(ValidationError, match="already marked"):
        services.mark_entered_in_error(lvef, actor=nurse, reason="again")
