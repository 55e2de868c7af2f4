"""Every range and ordering rule of interchange.md is a database CHECK constraint: a bad row
written straight to the database (no validation on the way) is refused by the database itself."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    CoTreatmentFactory,
    CourseFactory,
    HoldFactory,
    InfusionFactory,
    LvefFactory,
    PatientFactory,
)
from tracker import models

pytestmark = pytest.mark.django_db


def _raw_update(instance, **values):
    """Write values with a queryset update: no model validation, only the database's checks."""
    with transaction.atomic():
        type(instance).objects.filter(pk=instance.pk).update(**values)


# (factory, field values, should the database accept them?)
CASES = [
    (LvefFactory, {"value": Decimal("0.9")}, False),
    (LvefFactory, {"value": Decimal("1.0")}, True),
    (LvefFactory, {"value": Decimal("99.0")}, True),
    (LvefFactory, {"value": Decimal("99.1")}, False),
    (LvefFactory, {"gls": Decimal("-40.1")}, False),
    (LvefFactory, {"gls": Decimal("-40.0")}, True),
    (LvefFactory, {"gls": Decimal("0.0")}, True),
    (LvefFactory, {"gls": Decimal("0.1")}, False),
    (LvefFactory, {"modality": "xray"}, False),
    (InfusionFactory, {"dose_mg": Decimal("0")}, False),
    (InfusionFactory, {"dose_mg": Decimal("0.1")}, True),
    (InfusionFactory, {"dose_mg": Decimal("2000")}, True),
    (InfusionFactory, {"dose_mg": Decimal("2000.1")}, False),
    (InfusionFactory, {"dose_mg": Decimal("-5")}, False),
    (InfusionFactory, {"weight_kg": Decimal("19.9")}, False),
    (InfusionFactory, {"weight_kg": Decimal("20")}, True),
    (InfusionFactory, {"weight_kg": Decimal("300")}, True),
    (InfusionFactory, {"weight_kg": Decimal("300.1")}, False),
    (InfusionFactory, {"duration_minutes": 0}, False),
    (InfusionFactory, {"duration_minutes": 1}, True),
    (InfusionFactory, {"duration_minutes": 600}, True),
    (InfusionFactory, {"duration_minutes": 601}, False),
    (InfusionFactory, {"reaction": "fatal"}, False),
    (HoldFactory, {"end": date(2026, 3, 19)}, False),
    (HoldFactory, {"end": date(2026, 3, 20)}, True),
    (HoldFactory, {"reason": "holiday"}, False),
    (CoTreatmentFactory, {"end": date(2025, 8, 31)}, False),
    (CoTreatmentFactory, {"end": date(2025, 9, 1)}, True),
    (CoTreatmentFactory, {"cumulative_dose_mg_m2": Decimal("0")}, False),
    (CoTreatmentFactory, {"cumulative_dose_mg_m2": Decimal("5000")}, True),
    (CoTreatmentFactory, {"cumulative_dose_mg_m2": Decimal("5000.1")}, False),
    (CoTreatmentFactory, {"drug": "aspirin"}, False),
    (CourseFactory, {"agent": "herceptin"}, False),
    (CourseFactory, {"intent": "palliative"}, False),
    (CourseFactory, {"schedule": "monthly"}, False),
    (CourseFactory, {"end_date": date(2026, 6, 1)}, False),  # end date without a reason
    (CourseFactory, {"end_reason": "completed"}, False),  # a reason without an end date
    (CourseFactory, {"end_date": date(2026, 6, 1), "end_reason": "completed"}, True),
    (CourseFactory, {"end_date": date(2026, 6, 1), "end_reason": "bored"}, False),
    (PatientFactory, {"mrn": ""}, False),
    (PatientFactory, {"given_name": ""}, False),
    (PatientFactory, {"sex": "x"}, False),
    (LvefFactory, {"entered_in_error": True}, False),  # no reason, no time
    (LvefFactory, {"entered_in_error": True, "entered_in_error_reason": "typo"}, False),
]


@pytest.mark.parametrize(
    ("factory", "values", "accepted"),
    CASES,
    ids=[f"{f._meta.model.__name__}-{v}-{'ok' if ok else 'refused'}" for f, v, ok in CASES],
)
def test_database_enforces_ranges(factory, values, accepted):
    instance = factory()
    if accepted:
        _raw_update(instance, **values)
        instance.refresh_from_db()
        for field, value in values.items():
            assert getattr(instance, field) == value
    else:
        with pytest.raises(IntegrityError):
            _raw_update(instance, **values)


def test_entered_in_error_with_reason_and_time_is_accepted():
    lvef = LvefFactory()
    _raw_update(
        lvef,
        entered_in_error=True,
        entered_in_error_reason="wrong patient",
        entered_in_error_at=timezone.now(),
    )
    assert models.LvefMeasurement.objects.get(pk=lvef.pk).entered_in_error


def test_mrn_is_unique_in_the_database():
    PatientFactory(mrn="A1001")
    with pytest.raises(IntegrityError), transaction.atomic():
        models.Patient.objects.bulk_create(
            [
                models.Patient(
                    mrn="A1001", given_name="B", family_name="C", date_of_birth=date(1970, 1, 1)
                )
            ]
        )


def test_clinical_records_cannot_be_deleted_while_referenced():
    """PROTECT: a patient with records cannot vanish with them (no cascade of clinical data)."""
    lvef = LvefFactory()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        lvef.patient.delete()
