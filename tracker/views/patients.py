"""The patient list, and adding and editing a patient."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tracker import forms, labels, selectors, services
from tracker.csv_export import csv_safe
from tracker.selectors import patient_list as patient_list_selector
from tracker.selectors.search import exact_mrn

from .common import _listed, _search_query
from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today
from .records import _form_viewed, _save_form

FILTER_NAMES = {
    "phase": "Phase",
    "assessment_status": "Assessment",
    "recommendation": "Recommendation",
    "cotreatment_risk": "Co-treatment risk",
    "section": "Worklist section",
}
FILTER_LABELS = {
    **labels.PHASE_LABELS,
    **{k: v[0] for k, v in labels.STATUS_LABELS.items()},
    **{k: v[0] for k, v in labels.RECOMMENDATION_LABELS.items()},
    **{k: v[0] for k, v in labels.RISK_LABELS.items()},
    **{key: title for key, title, *_ in selectors.WORKLIST_SECTIONS},
}
SECTIONS = {key: (title, selectors.section_description(description))
            for key, title, description, *_ in selectors.WORKLIST_SECTIONS}  # fmt: skip
# The sort orders' labels (issue 13 item 14; the orders: selectors/patient_list.py).
SORTS = {
    "mrn": "MRN",
    "-mrn": "MRN, descending",
    "name": "Name",
    "-name": "Name, descending",
    "next_assessment": "Next assessment",
    "-next_assessment": "Next assessment, latest first",
    "latest_lvef": "Latest LVEF date",
    "-latest_lvef": "Latest LVEF date, newest first",
}
CSV_HEADER = (
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
)


def _choices(request):
    """The valid filters and sort of the request; an unknown value is said and ignored."""
    chosen = {}
    for name, values in patient_list_selector.FILTERS.items():
        value = request.GET.get(name, "")
        if value and value not in values:
            label = FILTER_NAMES[name]
            messages.error(request, f"{label}: unknown value “{value}”; the filter was ignored.")
        elif value:
            chosen[name] = value
    sort = request.GET.get("sort", "")
    if sort and sort not in SORTS:
        messages.error(request, f"Sort: unknown value “{sort}”; the sort was ignored.")
        sort = ""
    return chosen, sort


def patient_list(request):
    _require(request, "view_patient")
    search = forms.PatientSearchForm(request.GET or None)
    query, _refused = _search_query(request, search)
    csv_wanted = request.GET.get("format") == "csv"
    if query and not csv_wanted and (patient := exact_mrn(query)):
        return redirect("tracker:patient", mrn=patient.mrn)  # a scanned wristband (issue 13)
    today = _today()
    chosen, sort = _choices(request)
    order = patient_list_selector.order_of(sort, chosen.get("section", ""))
    filtered = "".join(f", {name}={value}" for name, value in chosen.items())  # fixed values
    if csv_wanted:
        count = patient_list_selector.matching(today, query, chosen).count()
        detail = f"{_listed('patient list CSV', count, query)}{filtered}"
        services.audit_event_record("csv_download", request=request, detail=detail)
        return _patient_csv(patient_list_selector.all_rows(today, query, chosen, order), today)
    page = patient_list_selector.page(
        today, query, chosen, order, number=request.GET.get("page"),
        after=request.GET.get("after", ""), before=request.GET.get("before", ""),
    )  # fmt: skip
    services.audit_event_record(
        "list_view",
        request=request,
        detail=f"{_listed('patient list', len(page.rows), query)}, page {page.number} of "
        f"{page.num_pages}, {page.count} in all{filtered}",
    )
    context = _list_context(request, page, search, chosen, sort, query)
    return render(request, "tracker/patient_list.html", context)


def _list_context(request, page, search, chosen, sort, query):
    params = request.GET.copy()
    for name in ("page", "after", "before"):
        params.pop(name, None)
    csv_params = params.copy()
    csv_params["format"] = "csv"
    sort_params = params.copy()
    sort_params.pop("sort", None)
    sort_links = []
    for value, label in SORTS.items():
        if not value.startswith("-"):
            current = sort.lstrip("-") == value
            sort_params["sort"] = f"-{value}" if sort == value else value
            sort_links.append((value, label, sort_params.urlencode(), current, sort))
    return {
        "page": page,
        "rows": page.rows,
        "search": search,
        "filters": [
            (name, FILTER_NAMES[name], [(v, FILTER_LABELS.get(v, v)) for v in values])
            for name, values in patient_list_selector.FILTERS.items()
        ],
        "chosen": chosen,
        "query_string": params.urlencode(),
        "next_query": _page_link(params, "after", page.next_cursor, page.number + 1),
        "previous_query": _page_link(params, "before", page.previous_cursor, page.number - 1),
        "csv_query": csv_params.urlencode(),
        "sort": sort,
        "sorts": sort_links,
        "section": SECTIONS.get(chosen.get("section", "")),
        "filtered": bool(chosen or query or sort),
    }


def _page_link(params, name, cursor, number) -> str:
    """Next and Previous go by keyset (the row they start from), with the page's number
    for the reader; Previous to the first page is the plain list."""
    link = params.copy()
    if cursor and number > 1:
        link[name] = cursor
        link["page"] = str(number)
    return link.urlencode()


def _patient_csv(rows, today):
    """Streamed: rows are read and written a chunk at a time (issue 16)."""
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="patients-{today.isoformat()}.csv"'
    return response


class _Line:
    def write(self, text):
        return text


def _csv_lines(rows):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_HEADER)  # a BOM: spreadsheets read accents right
    for row in rows:
        s = row.status
        yield writer.writerow(
            [
                csv_safe(row.mrn),
                csv_safe(row.family_name),
                csv_safe(row.given_name),
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
