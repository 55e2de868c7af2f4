"""The patient list, and adding and editing a patient."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tracker import forms, labels, selectors, services

from .common import PAGE_SIZE, _listed, _search_query
from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today
from .records import _form_viewed, _save_form

PATIENT_FILTERS = {
    "phase": ("Phase", tuple(labels.PHASE_LABELS)),
    "assessment_status": ("Assessment", tuple(labels.STATUS_LABELS)),
    "recommendation": ("Recommendation", tuple(labels.RECOMMENDATION_LABELS)),
    "cotreatment_risk": ("Co-treatment risk", tuple(labels.RISK_LABELS)),
    "section": ("Worklist section", tuple(key for key, *_ in selectors.WORKLIST_SECTIONS)),
}
FILTER_LABELS = {
    **labels.PHASE_LABELS,
    **{k: v[0] for k, v in labels.STATUS_LABELS.items()},
    **{k: v[0] for k, v in labels.RECOMMENDATION_LABELS.items()},
    **{k: v[0] for k, v in labels.RISK_LABELS.items()},
    **{key: title for key, title, *_ in selectors.WORKLIST_SECTIONS},
}


def patient_list(request):
    _require(request, "view_patient")
    search = forms.PatientSearchForm(request.GET or None)
    query, _refused = _search_query(request, search)
    today = _today()
    statuses = selectors.stored_statuses(today, query)
    chosen = {}
    for name, (label, values) in PATIENT_FILTERS.items():
        value = request.GET.get(name, "")
        if value and value not in values:
            messages.error(request, f"{label}: unknown value “{value}”; the filter was ignored.")
        elif value:
            chosen[name] = value
            if name == "section":
                statuses = statuses.filter(selectors.SECTION_FILTERS[value](today))
            else:
                statuses = statuses.filter(**{name: value})
    ordered = statuses.order_by("patient__mrn").values(*selectors.ROW_FIELDS)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.stored_row(values, today) for values in page]
    filtered = "".join(f", {name}={value}" for name, value in chosen.items())  # fixed values
    services.audit_event_record(
        "list_view",
        request=request,
        detail=f"{_listed('patient list', len(rows), query)}, page {page.number} of "
        f"{page.paginator.num_pages}, {page.paginator.count} in all{filtered}",
    )
    filters = [
        (name, label, [(v, FILTER_LABELS.get(v, v)) for v in values])
        for name, (label, values) in PATIENT_FILTERS.items()
    ]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "tracker/patient_list.html",
        {
            "page": page,
            "rows": rows,
            "search": search,
            "filters": filters,
            "chosen": chosen,
            "query_string": params.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
def patient_create(request):
    _require(request, "add_patient")
    form = forms.PatientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            patient = services.patient_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Patient {patient.mrn} added.")
            return redirect("tracker:patient", mrn=patient.mrn)
    return render(request, "tracker/form.html", {"form": form, "title": "Add a patient"})


@require_http_methods(["GET", "POST"])
def patient_edit(request, mrn):
    _require(request, "change_patient")
    patient = _patient(mrn)
    form = forms.PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        saved = _save_form(
            request,
            form,
            lambda _: services.record_update(
                patient, actor=request.user, expected_updated_at=version, **data
            ),
        )
        if saved:
            messages.success(request, "Patient details updated.")
            return redirect("tracker:patient", mrn=saved.mrn)
    _form_viewed(request, patient, "edit patient details")
    return render(
        request,
        "tracker/form.html",
        {"form": form, "patient": patient, "title": "Edit patient details"},
    )
