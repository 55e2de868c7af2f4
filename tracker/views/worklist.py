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


CSV_CHUNK_ROWS = 500  # rows per piece of the stream: one write each, not one per row


def _worklist_csv(rows, today):
    writer = csv.writer(_Echo())
    csv_row = _CsvRow(today)

    def lines():
        yield "\ufeff"  # a BOM: spreadsheets then read the names' accents right
        yield writer.writerow(CSV_HEADERS)
        piece = []
        for values in rows:
            piece.append(writer.writerow(csv_row(values)))
            if len(piece) == CSV_CHUNK_ROWS:
                yield "".join(piece)
                piece = []
        if piece:
            yield "".join(piece)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="worklist-{today}.csv"'
    return response


class _Memo(dict):
    """function(key), computed once per key."""

    def __init__(self, function):
        super().__init__()
        self.function = function

    def __missing__(self, key):
        value = self[key] = self.function(key)
        return value


class _CsvRow:
    """One CSV row from a row of selectors.worklist_export (EXPORT_FIELDS), in the words of the
    worklist page (the selectors' functions): what recurs from row to row (a due date, a set of
    flags, a set of sections) is worded once (issue 16: 100,000 patients in 3 s)."""

    def __init__(self, today):
        self.today = today
        self.sections = _Memo(self._sections)
        self.dates = _Memo(lambda value: value.isoformat() if value else "")
        self.until = _Memo(lambda due: (due - today).days if due else None)
        self.flags = _Memo(self._flags)
        self.safe = _Memo(csv_safe)  # the state of the work: the same few sentences

    @staticmethod
    def _sections(bits):
        keys = selectors.worklist_sections_in(bits)
        return keys, "; ".join(selectors.SECTION_TITLES[key] for key in keys)

    @staticmethod
    def _flags(stored_and_status):
        """The flags as selectors.stored_row gives them, and their titles (the Flags column)."""
        codes = selectors.flags_of(*stored_and_status)
        return codes, "; ".join(FLAGS[code].title for code in codes if code in FLAGS)

    def __call__(self, values):
        (
            mrn, family_name, given_name, phase, due, assessment_status, recommendation,
            recommendation_reason, cotreatment_risk, latest_date, latest_value, lvef_drop,
            stored_flags, request_state, requested_on, booked_for, place, modality, missed_on,
            contact_date, contact_method, contact_outcome, review_date, review_decision,
            review_reason, reviewer_first_name, reviewer_last_name, bits,
        ) = values  # fmt: skip
        today = self.today
        until = self.until[due]
        codes, flag_titles = self.flags[stored_flags, assessment_status]
        keys, titles = self.sections[bits]
        reasons = [
            selectors.worklist_reason_words(
                key,
                today,
                due,
                until,
                codes,
                recommendation,
                recommendation_reason,
                phase,
                request_state,
                requested_on,
                booked_for,
                missed_on,
            )  # fmt: skip
            for key in keys
        ]
        work = selectors.worklist_work_state_words(
            modality, request_state, requested_on, booked_for, place, missed_on
        )
        contact = ""
        if contact_date:
            contact = selectors.worklist_contact_text(contact_date, contact_method, contact_outcome)
        review = ""
        if review_date:
            reviewer = selectors.full_name(reviewer_first_name, reviewer_last_name)
            review = selectors.worklist_review_text(
                review_date, review_decision, review_reason, reviewer
            )
        latest = latest_value is not None  # stored_row: no latest LVEF without its value
        return [
            titles,
            csv_safe(" | ".join(text for text in reasons if text)),
            csv_safe(mrn),
            csv_safe(family_name),
            csv_safe(given_name),
            labels.PHASE_LABELS.get(phase, phase),
            self.dates[due],
            labels.STATUS_LABELS.get(assessment_status, (assessment_status,))[0],
            -until if until is not None and until < 0 else "",
            self.dates[latest_date] if latest else "",
            latest_value if latest else "",
            "" if lvef_drop is None else lvef_drop,
            labels.RECOMMENDATION_LABELS.get(recommendation, (recommendation,))[0],
            labels.RISK_LABELS.get(cotreatment_risk, (cotreatment_risk,))[0],
            self.safe[work],
            csv_safe(contact) if contact else "",
            csv_safe(review) if review else "",
            flag_titles,
        ]
