"""The follow-through (issue 12): booking and closing a scan request, the patient letter, ending
a hold. Requesting a scan, recording a review and logging a contact are the record pages of
tracker/views/records.py (the registry's kinds scans, reviews, contacts)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from tracker import forms, selectors, services
from tracker.models import ScanRequest, TreatmentHold

from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today
from .records import _form_viewed, _save_form


def _open_request(patient, pk) -> ScanRequest:
    return get_object_or_404(ScanRequest, pk=pk, patient=patient, entered_in_error=False)


def _form_page(request, patient, form, title, **extra):
    return render(
        request, "tracker/form.html", {"form": form, "patient": patient, "title": title, **extra}
    )


@require_http_methods(["GET", "POST"])
def scan_request_book(request, mrn, pk):
    _require(request, "change_scanrequest")
    patient = _patient(mrn)
    scan = _open_request(patient, pk)
    form = forms.BookingForm(
        request.POST or None, initial={"booked_for": scan.booked_for, "place": scan.place}
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_form(
            request,
            form,
            lambda data: services.scan_request_book(scan, actor=request.user, **data),
        )
        if saved:
            messages.success(request, f"Scan booked for {saved.booked_for:%d %b %Y}.")
            return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"book scan request {scan.pk}")
    return _form_page(request, patient, form, "Record the booking", intro=_scan_intro(scan))


@require_http_methods(["GET", "POST"])
def scan_request_close(request, mrn, pk):
    _require(request, "change_scanrequest")
    patient = _patient(mrn)
    scan = _open_request(patient, pk)
    form = forms.CloseRequestForm(request.POST or None, initial={"closed_on": _today()})
    if request.method == "POST" and form.is_valid():
        saved = _save_form(
            request,
            form,
            lambda data: services.scan_request_close(scan, actor=request.user, **data),
        )
        if saved:
            messages.success(request, f"Scan request {saved.get_state_display().lower()}.")
            return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"close scan request {scan.pk}")
    return _form_page(
        request,
        patient,
        form,
        "Did not attend, or cancel the request",
        intro=_scan_intro(scan)
        + " Recording the LVEF closes the request as done by itself; nothing is deleted.",
    )


def _scan_intro(scan) -> str:
    text = f"{scan.get_modality_display()} requested on {scan.requested_on:%d %b %Y}"
    if scan.booked_for:
        text += f", booked for {scan.booked_for:%d %b %Y}"
    return text + "."


def patient_letter(request, mrn):
    """Item 4: the reminder letter, A4 (print stylesheet), for a patient whose scan is due or
    overdue."""
    _require(request, "view_patient")
    patient = _patient(mrn)
    today = _today()
    row = selectors.patient_stored_row(patient, today)
    _form_viewed(request, patient, "patient letter")
    return render(
        request,
        "tracker/letter.html",
        {
            "patient": patient,
            "row": row,
            "due": row.status.next_assessment_due if row else None,
            "due_now": bool(row and row.status.assessment_status in ("due_soon", "overdue")),
            "today": today,
            "clinic_name": settings.CLINIC_NAME,
            "clinic_telephone": settings.CLINIC_TELEPHONE,
        },
    )


@require_POST
def patient_letter_sent(request, mrn):
    """Item 4: printing the letter writes a letter-sent contact."""
    _require(request, "add_contactlog")
    patient = _patient(mrn)
    row = selectors.patient_stored_row(patient, _today())
    services.letter_sent(
        actor=request.user, patient=patient, due=row.status.next_assessment_due if row else None
    )
    messages.success(request, "Letter recorded as sent in the contact log.")
    return redirect("tracker:patient_letter", mrn=patient.mrn)


@require_http_methods(["GET", "POST"])
def hold_end(request, mrn, pk):
    """Item 7: end a hold; a cardiac hold whose LVEF has not recovered (H2) only confirmed and
    with a reason."""
    _require(request, "change_treatmenthold")
    patient = _patient(mrn)
    hold = get_object_or_404(
        TreatmentHold.objects.select_related("course__patient"),
        pk=pk,
        course__patient=patient,
        entered_in_error=False,
    )
    today = _today()
    unrecovered = services.hold_end_needs_confirmation(hold, today)
    form = forms.EndHoldForm(request.POST or None, initial={"end": today})
    if not unrecovered:
        del form.fields["confirm"]
    if request.method == "POST" and form.is_valid():
        saved = _save_form(
            request,
            form,
            lambda data: services.hold_end(
                hold,
                actor=request.user,
                today=today,
                end=data["end"],
                reason=data.get("end_reason", ""),
                confirmed=data.get("confirm", False),
            ),
        )
        if saved:
            messages.success(request, f"Hold ended on {saved.end:%d %b %Y}.")
            if request.GET.get("next") == "worklist":  # the worklist row's button
                return redirect("tracker:worklist")
            return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"end hold {hold.pk}")
    intro = f"{hold.get_reason_display()} hold from {hold.start:%d %b %Y}."
    if unrecovered:
        intro += (
            " The LVEF has not recovered (the rules do not say may resume, H2): ending the hold "
            "now needs your confirmation and a reason, which are kept with the hold."
        )
    return _form_page(request, patient, form, "End the hold", intro=intro, danger=unrecovered)
