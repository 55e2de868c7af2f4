"""The patient list, and adding and editing a patient."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tracker import forms, labels, selectors, services
from tracker.selectors.search import exact_mrn

from .common import PAGE_SIZE, _listed, _search_query
from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today
from .records import _form_viewed, _save_form
from .worklist import _csv_safe

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

SECTIONS = {key: (title, selectors.section_description(description), order)
            for key, title, description, _, order in selectors.WORKLIST_SECTIONS}  # fmt: skip
# The patient list's sort orders (issue 13 item 14): value -> (label, order); ties by MRN.
SORTS = {
    "mrn": ("MRN", ("patient__mrn",)),
    "-mrn": ("MRN, descending", ("-patient__mrn",)),
    "name": ("Name", ("patient__family_name", "patient__given_name", "patient__mrn")),
    "-name": (
        "Name, descending",
        ("-patient__family_name", "-patient__given_name", "-patient__mrn"),
    ),
    "next_assessment": ("Next assessment", ("next_assessment_due", "patient__mrn")),
    "-next_assessment": ("Next assessment, latest first", ("-next_assessment_due", "patient__mrn")),
    "latest_lvef": ("Latest LVEF date", ("latest_date", "patient__mrn")),
    "-latest_lvef": ("Latest LVEF date, newest first", ("-latest_date", "patient__mrn")),
}


def _order(fields):
    # No date (no LVEF yet, no assessment due) sorts last either way; a section may order by
    # an expression (selectors.ordering: the review's urgency, issue 12).
    return selectors.ordering(fields)


def patient_list(request):
    _require(request, "view_patient")
    search = forms.PatientSearchForm(request.GET or None)
    query, _refused = _search_query(request, search)
    if query and request.GET.get("format") != "csv" and (patient := exact_mrn(query)):
        return redirect("tracker:patient", mrn=patient.mrn)  # a scanned wristband (issue 13)
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
    sort = request.GET.get("sort", "")
    if sort and sort not in SORTS:
        messages.error(request, f"Sort: unknown value “{sort}”; the sort was ignored.")
        sort = ""
    section = SECTIONS.get(chosen.get("section", ""))
    if sort:
        order = SORTS[sort][1]
    elif section:  # "See all" keeps the worklist section's order
        order = section[2]
    else:
        order = ("patient__mrn",)
    ordered = statuses.order_by(*_order(order)).values(*selectors.ROW_FIELDS)
    filtered = "".join(f", {name}={value}" for name, value in chosen.items())  # fixed values
    if request.GET.get("format") == "csv":
        rows = [selectors.stored_row(values, today) for values in ordered]
        services.audit_event_record(
            "csv_download",
            request=request,
            detail=f"{_listed('patient list CSV', len(rows), query)}{filtered}",
        )
        return _patient_csv(rows, today)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [selectors.stored_row(values, today) for values in page]
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
    csv_params = params.copy()
    csv_params["format"] = "csv"
    sort_params = params.copy()
    sort_params.pop("sort", None)
    sort_links = []
    for value, (label, _) in SORTS.items():
        if not value.startswith("-"):
            current = sort.lstrip("-") == value
            sort_params["sort"] = f"-{value}" if sort == value else value
            sort_links.append((value, label, sort_params.urlencode(), current, sort))
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
            "csv_query": csv_params.urlencode(),
            "sort": sort,
            "sorts": sort_links,
            "section": section,
            "filtered": bool(chosen or query or sort),
        },
    )


def _patient_csv(rows, today):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patients-{today.isoformat()}.csv"'
    response.write("\ufeff")  # a BOM: spreadsheets then read the names' accents right
    writer = csv.writer(response)
    writer.writerow(
        [
            "mrn",
            "family_name",
            "given_name",
            "phase",
            "next_assessment_due",
            "assessment_status",
            "latest_lvef_date",
            "latest_lvef_value",
            "recommendation",
            "cotreatment_risk",
            "flags",
        ]
    )
    for row in rows:
        s = row.status
        writer.writerow(
            [
                _csv_safe(row.mrn),
                _csv_safe(row.family_name),
                _csv_safe(row.given_name),
                s.phase,
                s.next_assessment_due.isoformat() if s.next_assessment_due else "",
                s.assessment_status,
                s.latest.date.isoformat() if s.latest else "",
                s.latest.value if s.latest else "",
                s.recommendation,
                s.cotreatment_risk,
                ";".join(s.flags),
            ]
        )
    return response


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
