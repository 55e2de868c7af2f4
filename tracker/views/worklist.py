"""The worklist page and its CSV."""

from __future__ import annotations

import csv
import unicodedata

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tracker import forms, selectors, services
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
    sections, counts = selectors.worklist(
        today, query, limit=None if as_csv else selectors.SECTION_ROWS
    )
    listed = sum(len(section.rows) for section in sections)
    if as_csv:
        services.audit_event_record(
            "csv_download", request=request, detail=_listed("worklist CSV", listed, query)
        )
        return _worklist_csv(sections)
    matches = []
    if query:  # a search shows every matching patient, in a section or not
        matches = selectors.stored_rows(
            selectors.stored_statuses(today, query).order_by("patient__mrn")[:PAGE_SIZE], today
        )
    detail = _listed("worklist", listed, query)
    if query:
        detail += f", {len(matches)} search match(es) shown"
    services.audit_event_record("worklist_view", request=request, detail=detail)
    stale = counts["evaluated_for"] is not None and counts["evaluated_for"] < today
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
            "stale": stale,
            "today": today,
        },
    )


def _worklist_csv(sections):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worklist-{_today()}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "section",
            "mrn",
            "family_name",
            "given_name",
            "phase",
            "next_assessment_due",
            "assessment_status",
            "days_until_due",
            "latest_lvef_date",
            "latest_lvef_value",
            "lvef_drop",
            "recommendation",
            "cotreatment_risk",
            "flags",
        ]
    )
    for section in sections:
        for row in section.rows:
            s = row.status
            writer.writerow(
                [
                    section.title,
                    _csv_safe(row.mrn),
                    _csv_safe(row.family_name),
                    _csv_safe(row.given_name),
                    s.phase,
                    s.next_assessment_due or "",
                    s.assessment_status,
                    "" if s.days_until_due is None else s.days_until_due,
                    s.latest.date if s.latest else "",
                    s.latest.value if s.latest else "",
                    "" if s.lvef_drop is None else s.lvef_drop,
                    s.recommendation,
                    s.cotreatment_risk,
                    ";".join(s.flags),
                ]
            )
    return response


def _csv_safe(text: str) -> str:
    """Staff open CSV files in spreadsheets: neutralise cells that would run as formulas, also
    behind leading invisible characters (U+200B, U+FEFF: format, category Cf) or white space,
    which spreadsheets skip (issue 9 finding 11)."""
    if text[:1] in ("\t", "\r"):
        return "'" + text
    visible = next((c for c in text if not (c.isspace() or _invisible(c))), "")
    first = unicodedata.normalize("NFKC", visible)  # a full-width ＝ reads as =
    return "'" + text if first[:1] in ("=", "+", "-", "@") else text


def _invisible(char: str) -> bool:
    return unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")
