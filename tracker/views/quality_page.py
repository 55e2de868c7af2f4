"""The quality page, its drill-down lists and their CSV files (issue 14 item 3)."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from tracker import labels, quality_charts, services
from tracker.csv_export import csv_safe
from tracker.monitoring.quality import MEASURE_IDS, PUBLISHED
from tracker.quality_period import QualityPeriodForm
from tracker.selectors import quality as selector

from .common import PAGE_SIZE
from .common import require as _require
from .common import today as _today


def _percent(value) -> str:
    return "" if value is None else str(value)


def _period_form(request):
    """The period form, or None (and a message naming the field) when its input is refused."""
    form = QualityPeriodForm(request.GET or None, today=_today())
    if form.is_bound and not form.is_valid():
        messages.error(
            request, f"{form.problems()} Nothing was computed; correct the period and try again."
        )
        return form, False
    return form, True


def _query(period) -> str:
    if period.quarter:
        return f"quarter={period.code}"
    return f"start={period.start.isoformat()}&end={period.end.isoformat()}"


def quality(request):
    _require(request, "view_patient")
    form, valid = _period_form(request)
    as_csv = request.GET.get("format") == "csv"
    if not valid:
        if as_csv:
            messages.error(request, "The CSV was not downloaded.")
        return render(
            request, "tracker/quality.html", {"form": form, "dashboard": None}, status=400
        )
    period = form.period()
    dashboard = selector.quality_dashboard(period, _today())
    if as_csv:
        services.audit_event_record(
            "csv_download", request=request, detail=f"quality CSV: {period.label}"
        )
        return _dashboard_csv(dashboard)
    services.audit_event_record(
        "list_view", request=request, detail=f"quality dashboard: {period.label}"
    )
    cards = []
    for m in dashboard.measures:
        name, counted, description = labels.QUALITY_MEASURES[m.id]
        points = [(q.label.replace(" to ", "–"), _by_id(ms)[m.id]) for q, ms in dashboard.trend]
        published = [p for p in PUBLISHED if p.measure == m.id]
        cards.append(
            {
                "measure": m,
                "name": name,
                "counted": counted,
                "description": description,
                "published": published,
                "bars": quality_charts.quality_bars(m, published, f"bars-{m.id}"),
                "trend": quality_charts.quality_trend(m.id, points, f"trend-{m.id}", name),
            }
        )
    return render(
        request,
        "tracker/quality.html",
        {
            "form": form,
            "dashboard": dashboard,
            "cards": cards,
            "query": _query(period),
            "trend_rows": [
                (q, [(labels.QUALITY_MEASURES[m.id][0], m) for m in ms])
                for q, ms in dashboard.trend
            ],
            "measure_names": [(i, labels.QUALITY_MEASURES[i][0]) for i in MEASURE_IDS],
            "published": [(p, labels.QUALITY_MEASURES[p.measure][0]) for p in PUBLISHED],
        },
    )


def _by_id(measures):
    return {m.id: m for m in measures}


def quality_list(request, measure):
    _require(request, "view_patient")
    if measure not in MEASURE_IDS:
        raise Http404("No such measure.")
    form, valid = _period_form(request)
    as_csv = request.GET.get("format") == "csv"
    name, counted, description = labels.QUALITY_MEASURES[measure]
    context = {"form": form, "measure_id": measure, "name": name, "description": description}
    if not valid:
        if as_csv:
            messages.error(request, "The CSV was not downloaded.")
        return render(
            request, "tracker/quality_list.html", {**context, "dashboard": None}, status=400
        )
    period = form.period()
    dashboard = selector.quality_dashboard(period, _today(), listed=measure)
    items = dashboard.open_items(measure)
    # The page shows PAGE_SIZE rows at a time (a clinic may have thousands); the CSV has all.
    page = None if as_csv else Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = items if page is None else page.object_list
    patients = selector.patients_by_mrn({i.key for i in shown})
    rows = [(item, patients.get(item.key), labels.QUALITY_OUTCOMES[item.outcome]) for item in shown]
    what = f"quality {measure} list: {len(rows)} row(s), {period.label}"
    if as_csv:
        services.audit_event_record("csv_download", request=request, detail=f"{what} (CSV)")
        return _list_csv(measure, dashboard, rows)
    services.audit_event_record("list_view", request=request, detail=what)
    return render(
        request,
        "tracker/quality_list.html",
        {
            **context,
            "dashboard": dashboard,
            "measure": dashboard.measure(measure),
            "counted": counted,
            "rows": rows,
            "page": page,
            "query": _query(period),
            "day_label": labels.QUALITY_ITEM_DAYS[measure],
        },
    )


def _csv_response(filename: str):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


def _dashboard_csv(dashboard):
    """One row per measure for the period, then one per measure and trend quarter."""
    response, writer = _csv_response(f"quality-{dashboard.period.start}-{dashboard.period.end}.csv")
    writer.writerow(
        ["period", "from", "to", "as_of", "rule_set", "id", "measure", "denominator",
         "numerator", "percent", "pending", "median_days_overdue"]
    )  # fmt: skip
    rows = [("selected", dashboard.period, dashboard.measures)]
    rows += [("trend", q, ms) for q, ms in dashboard.trend]
    for kind, period, measures in rows:
        for m in measures:
            writer.writerow(
                [
                    kind,
                    period.start,
                    period.end,
                    dashboard.as_of,
                    dashboard.rule_set,
                    m.id,
                    labels.QUALITY_MEASURES[m.id][0],
                    m.denominator,
                    m.numerator,
                    _percent(m.percent),
                    len(m.pending),
                    "" if m.median_days_overdue is None else m.median_days_overdue,
                ]
            )
    return response


def _list_csv(measure, dashboard, rows):
    period = dashboard.period
    response, writer = _csv_response(f"quality-{measure}-{period.start}-{period.end}.csv")
    writer.writerow(
        ["id", "mrn", "family_name", "given_name", "outcome", "date", "reason"]
    )  # fmt: skip
    for item, patient, _ in rows:
        writer.writerow(
            [
                measure,
                csv_safe(item.key),
                csv_safe(patient.family_name) if patient else "",
                csv_safe(patient.given_name) if patient else "",
                item.outcome,
                item.day,
                csv_safe(item.reason),
            ]
        )
    return response
