"""Patient search by MRN or name."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tracker.models import (
    Patient,
)


def search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """MRN or name, any part, any case; every word must match."""
    for word in query.split():
        patients = patients.filter(
            Q(mrn__icontains=word) | Q(given_name__icontains=word) | Q(family_name__icontains=word)
        )
    return patients
