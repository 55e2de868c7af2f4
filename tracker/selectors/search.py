"""Patient search by MRN or name."""

from __future__ import annotations

from django.db.models import QuerySet

from tracker.models import (
    Patient,
)
from tracker.models.clinical import search_text
from tracker.validators import mrn_key


def search(patients: QuerySet[Patient], query: str) -> QuerySet[Patient]:
    """MRN or name, any part; every word must match (issue 13 item 13): case-, accent- and
    punctuation-insensitive through Patient.search_key ("Foster, Linda" = "Linda Foster",
    "O'Connor" = "OConnor", "Zoe" = "Zoë")."""
    for word in query.split():
        key = search_text(word)
        if key:  # a word of punctuation only ("," or "-") matches everyone: skipped
            patients = patients.filter(search_key__contains=key)
    return patients


def exact_mrn(query: str) -> Patient | None:
    """The patient whose MRN is the whole query, case- and width-insensitive (a scanned
    wristband opens the patient: issue 13 item 13), or None."""
    query = query.strip()
    if not query or len(query.split()) != 1:
        return None
    return Patient.objects.filter(mrn_key=mrn_key(query), entered_in_error=False).first()
