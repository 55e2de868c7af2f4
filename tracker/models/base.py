"""The user model and the abstract bases of every clinical record (audited, never deleted)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from tracker.validators import (
    EARLIEST_DATE,
    LATEST_PLANNED_DATE,
)


def _choices(values, labels=None):
    labels = labels or {}
    return [(v, labels.get(v, v.replace("_", " ").capitalize())) for v in values]


def _plausible_dates(prefix, *fields):
    """The plausible_date range as CHECK constraints (a NULL end passes)."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{field}__isnull": True})
            | Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_PLANNED_DATE}),
            name=f"{prefix}_{field}_plausible",
        )
        for field in fields
    ]


def _in(field, choices):
    return Q(**{f"{field}__in": [value for value, _ in choices]})


class User(AbstractUser):
    """Clinic staff. A custom model from the first migration, so it can grow without pain."""

    class Meta:
        db_table = "tracker_user"


class Audited(models.Model):
    """Who created and last changed a row, and when (full history: django-simple-history)."""

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        abstract = True


class ClinicalRecord(Audited):
    """A record that is never deleted; a mistake is marked entered in error instead."""

    notes = models.TextField(blank=True, max_length=2000)
    entered_in_error = models.BooleanField(default=False)
    entered_in_error_reason = models.TextField(blank=True, max_length=500)
    entered_in_error_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    entered_in_error_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def entered_in_error_constraint(cls, name):
        return models.CheckConstraint(
            condition=Q(entered_in_error=False)
            | (~Q(entered_in_error_reason="") & Q(entered_in_error_at__isnull=False)),
            name=name,
            violation_error_message="an entered-in-error mark needs a reason and a time",
        )
