"""Recording, editing and marking entered in error a patient's clinical records; the kinds
of record come from the registry (tracker/records.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from tracker import forms, selectors, services
from tracker.models import TreatmentCourse
from tracker.records import PATIENT_RECORDS, RecordType
from tracker.selectors.record_forms import form_setup, record_warnings

from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today

# URL kind -> its record type (tracker/records.py): model, form, owner, title, create service.
KINDS = PATIENT_RECORDS


def _capitalised(title: str) -> str:
    return title[0].upper() + title[1:]


def _kind(kind) -> RecordType:
    if kind not in KINDS:
        raise Http404("No such kind of record.")
    return KINDS[kind]


def _record(patient, kind, pk):
    record_type = _kind(kind)
    return get_object_or_404(record_type.model, pk=pk, **{record_type.patient_path: patient})


def _course(patient, course_id):
    return get_object_or_404(TreatmentCourse, pk=course_id, patient=patient, entered_in_error=False)


def _form_viewed(request, patient, what: str):
    """A form shows the patient (and the record being edited): a read, audited (finding 5).
    A save that succeeds is audited as the write instead (signals)."""
    services.audit_event_record("form_view", request=request, patient=patient, detail=what)


def _save_form(request, form, save):
    """Run a service with the form's data; its ValidationErrors land on the form's fields."""
    try:
        with transaction.atomic():
            return save(form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def _owner_course(patient, record_type: RecordType, course_id):
    """The course an infusion or a hold is recorded in (None for a patient's record)."""
    if record_type.owner != "course":
        return None
    if course_id is None:
        raise Http404("Infusions and holds belong to a course.")
    return _course(patient, course_id)


@require_http_methods(["GET", "POST"])
def record_create(request, mrn, kind, course_id=None):
    record_type = _kind(kind)
    _require(request, f"add_{record_type.codename}")
    patient = _patient(mrn)
    course = _owner_course(patient, record_type, course_id)
    # What the form proposes and shows when it opens (issue 13 items 11, 12).
    setup = form_setup(record_type, patient, course, _today())
    form = record_type.form(request.POST or None, initial=setup.initial)
    warnings = []
    if request.method == "POST" and form.is_valid():
        warnings = record_warnings(record_type, course, form.cleaned_data)
        if not form.needs_confirmation(warnings):
            owner = {"course": course} if course else {"patient": patient}
            create = record_type.create
            saved = _save_form(
                request, form, lambda _: create(actor=request.user, **owner, **form.record_data())
            )
            if saved:
                name = selectors.record_name(saved)
                messages.success(request, f"{_capitalised(record_type.title)} recorded: {name}.")
                return redirect("tracker:patient", mrn=patient.mrn)
            warnings = []
    _form_viewed(request, patient, f"new {record_type.title}")
    title = f"Record {record_type.article} {record_type.title}"
    context = {"form": form, "patient": patient, "course": course, "title": title}
    return render(request, "tracker/form.html", {**context, "warnings": warnings, **setup.page})


@require_http_methods(["GET", "POST"])
def record_edit(request, mrn, kind, pk):
    record_type = _kind(kind)
    title = record_type.title
    _require(request, f"change_{record_type.codename}")
    patient = _patient(mrn)
    record = _record(patient, kind, pk)
    if record.entered_in_error:
        messages.error(request, "A record marked entered in error cannot be changed.")
        return redirect("tracker:patient", mrn=patient.mrn)
    form = record_type.form(request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "confirm_warnings"}
        version = data.pop("version", None)
        saved = _save_form(
            request,
            form,
            lambda _: services.record_update(
                record, actor=request.user, expected_updated_at=version, **data
            ),
        )
        if saved:
            messages.success(request, f"{_capitalised(title)} updated.")
            return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"edit {title} {record.pk}")
    return render(
        request,
        "tracker/form.html",
        {"form": form, "patient": patient, "title": f"Edit {title}", "record": record},
    )


def _mark_entered_in_error(request, record, title: str, reason: str) -> None:
    try:
        services.mark_entered_in_error(record, actor=request.user, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{_capitalised(title)} marked entered in error.")


def _entered_in_error_page(record, title: str) -> dict:
    return {
        "title": f"Mark {title} as entered in error",
        "record": record,
        "intro": f"{record} will stay in the record, struck through, with your name, the "
        "time and this reason. Nothing is deleted.",
        "submit": "Mark entered in error",
        "danger": True,
    }


@require_http_methods(["GET", "POST"])
def record_entered_in_error(request, mrn, kind, pk):
    title = _kind(kind).title
    _require(request, f"change_{_kind(kind).codename}")
    patient = _patient(mrn)
    record = _record(patient, kind, pk)
    form = forms.EnteredInErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _mark_entered_in_error(request, record, title, form.cleaned_data["reason"])
        return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"mark {title} {record.pk} entered in error")
    context = {"form": form, "patient": patient, **_entered_in_error_page(record, title)}
    return render(request, "tracker/form.html", context)
