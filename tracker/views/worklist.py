"""The worklist page and its CSV."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render

from tracker import forms, labels, selectors, services
from tracker.csv_export import csv_safe
from tracker.monitoring.flags import FLAGS
from tracker.selectors.search import exact_mrn

from .common import PAGE_SIZE, _listed, _search_query
from .common import require as _require
from .common import today as _today


def worklist(request):
    _require(request, "view_patient")
    search = forms.PatientSearchForm(request.GET or None)
    query, search_error = _search_query(request, search)
    today = _today()
    as_csv = request.GET.get("format") == "csv"
    if as_csv and search_error:
        # Never the whole worklist in place of the search that was asked for (issue 9 #11).
        messages.error(request, "The CSV was not downloaded.")
        as_csv = False
    if query and not as_csv and (patient := exact_mrn(query)):
        return redirect("tracker:patient", mrn=patient.mrn)  # a scanned wristband (issue 13)
    if as_csv:
        count, rows = selectors.worklist_export(today, query)
        services.audit_event_record(
            "csv_download", request=request, detail=_listed("worklist CSV", count, query)
        )
        return _worklist_csv(rows, today)
    sections, counts = selectors.worklist(today, query)
    matches = []
    if query:  # a search shows every matching patient, in a section or not
        matches = selectors.stored_rows(
            selectors.stored_statuses(today, query).order_by("patient__mrn")[:PAGE_SIZE], today
        )
    detail = _listed("worklist", sum(len(section.rows) for section in sections), query)
    if query:
        detail += f", {len(matches)} search match(es) shown"
    services.audit_event_record("worklist_view", request=request, detail=detail)
    return render(
        request,
        "tracker/worklist.html",
        {
            "sections": sections,
            "search": search,
            "query": query,
            "matches": matches,
            "patient_count": counts["total"],
            "evaluated_for": counts["evaluated_for"],
            "stale": counts["evaluated_for"] is not None and counts["evaluated_for"] < today,
            "today": today,
        },
    )


# Issue 13 item 17: the headers and values people read, one row per patient.
CSV_HEADERS = (
    "Worklist sections",
    "Why",
    "MRN",
    "Family name",
    "Given name",
    "Phase",
    "Next assessment due",
    "Assessment",
    "Days overdue",
    "Latest LVEF date",
    "Latest LVEF (%)",
    "LVEF drop (points)",
    "Recommendation",
    "Co-treatment risk",
    "Scan request",
    "Latest contact",
    "Review",
    "Flags",
)


class _Echo:
    def write(self, value):
        return value


def _worklist_csv(rows, today):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a BOM: spreadsheets then read the names' accents right
        yield writer.writerow(CSV_HEADERS)
        for patient, work, reasons in rows:
            yield writer.writerow(_csv_row(patient, work, reasons, today))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worklist-{today}.csv"'
    return response


def _csv_row(patient, work, reasons, today):
    s = patient.status
    overdue = -s.days_until_due if s.days_until_due is not None and s.days_until_due < 0 else ""
    return [
        "; ".join(selectors.SECTION_TITLES[key] for key, _ in reasons),
        csv_safe(" | ".join(text for _, text in reasons if text)),
        csv_safe(patient.mrn),
        csv_safe(patient.family_name),
        csv_safe(patient.given_name),
        labels.PHASE_LABELS.get(s.phase, s.phase),
        s.next_assessment_due.isoformat() if s.next_assessment_due else "",
        labels.STATUS_LABELS.get(s.assessment_status, (s.assessment_status,))[0],
        overdue,
        s.latest.date.isoformat() if s.latest else "",
        s.latest.value if s.latest else "",
        "" if s.lvef_drop is None else s.lvef_drop,
        labels.RECOMMENDATION_LABELS.get(s.recommendation, (s.recommendation,))[0],
        labels.RISK_LABELS.get(s.cotreatment_risk, (s.cotreatment_risk,))[0],
        csv_safe(selectors.worklist_work_state(work, today)),
        csv_safe(selectors.worklist_contact_words(work)),
        csv_safe(selectors.worklist_review_words(work)),
        "; ".join(FLAGS[code].title for code in s.flags if code in FLAGS),
    ]
