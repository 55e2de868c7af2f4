"""What every view shares: the permission check, today's date, the patient by MRN."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils import timezone

from tracker import selectors
from tracker.models import Patient

PAGE_SIZE = 50


def require(request, permission: str):
    """Every view checks its permission on the server (roles: tracker/roles.py)."""
    if not request.user.has_perm(f"tracker.{permission}"):
        raise PermissionDenied("Your role does not allow this.")


def today() -> date:
    return timezone.localdate()


def patient_or_404(mrn: str) -> Patient:
    return get_object_or_404(selectors.active_patients(), mrn=mrn)


def _search_query(request, search) -> tuple[str, bool]:
    """The search text, or "" and an error message naming the problem (too long, a NUL):
    a refused search is said, never silently dropped (issue 9 finding 11)."""
    if not search.is_bound or search.is_valid():
        return (search.cleaned_data["q"] if search.is_bound else ""), False
    problems = " ".join(search.errors.get("q", [])) or "the search could not be read."
    messages.error(
        request,
        f"Search ({search.fields['q'].label}): {problems} The search was not run; "
        "shorten or correct it and try again.",
    )
    return "", True


def _listed(what: str, rows: int, query: str) -> str:
    """Audit detail of a list (finding 5): how many rows it showed and whether a search was
    made, never the query text (a name or an MRN is patient data)."""
    return f"{what}: {rows} row(s){', search made' if query else ''}"
