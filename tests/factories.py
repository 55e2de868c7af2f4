"""Test data builders. Defaults give a valid, ordinary patient; tests state only what matters."""

from datetime import date
from decimal import Decimal

import factory

from tracker import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Sam"
    last_name = "Staff"
    is_staff = True
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """UserFactory(roles=["nurse"]): put the user in those groups (tracker/roles.py)."""
        if create and extracted:
            from django.contrib.auth.models import Group

            self.groups.set(Group.objects.filter(name__in=extracted))


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Patient

    mrn = factory.Sequence(lambda n: f"T{n:05d}")
    given_name = "Ada"
    family_name = factory.Sequence(lambda n: f"Patient{n}")
    date_of_birth = date(1961, 4, 2)
    sex = "female"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TreatmentCourse

    patient = factory.SubFactory(PatientFactory)
    agent = "trastuzumab"
    intent = "adjuvant"
    schedule = "every_3_weeks"
    planned_start = date(2026, 1, 5)


class InfusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Infusion

    course = factory.SubFactory(CourseFactory)
    date = date(2026, 1, 5)
    dose_mg = Decimal("480")
    weight_kg = Decimal("60")
    duration_minutes = 90


class HoldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TreatmentHold

    course = factory.SubFactory(CourseFactory)
    start = date(2026, 3, 20)
    reason = "cardiac"


class LvefFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.LvefMeasurement

    patient = factory.SubFactory(PatientFactory)
    date = date(2025, 12, 20)
    value = Decimal("62")
    modality = "echo"


class CoTreatmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CoTreatment

    patient = factory.SubFactory(PatientFactory)
    drug = "doxorubicin"
    start = date(2025, 9, 1)
    end = date(2025, 11, 10)
    cumulative_dose_mg_m2 = Decimal("240")


# Issue 12: the follow-through (written past the services, as the other factories are).
class ScanRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ScanRequest

    patient = factory.SubFactory(PatientFactory)
    modality = "echo"
    requested_on = date(2026, 1, 5)
    state = "requested"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.RecommendationReview

    patient = factory.SubFactory(PatientFactory)
    date = date(2026, 1, 5)
    decision = "hold_recorded"
    recommendation = "hold"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ContactLog

    patient = factory.SubFactory(PatientFactory)
    date = date(2026, 1, 5)
    method = "phone"
    outcome = "no_answer"
