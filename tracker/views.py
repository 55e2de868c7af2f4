"""Thin views: read through selectors, write through services, render templates."""

from __future__ import annotations

import csv
import unicodedata
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from tracker import charts, forms, monitoring, selectors, services
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)
from tracker.monitoring import FLAGS
from tracker.templatetags import tracker_tags as tags

PAGE_SIZE = 50


def _require(request, permission: str):
    """Every view checks its permission on the server (roles: tracker/roles.py)."""
    if not request.user.has_perm(f"tracker.{permission}"):
        raise PermissionDenied("Your role does not allow this.")


def _today() -> date:
    return timezone.localdate()


def _patient(mrn: str) -> Patient:
    return get_object_or_404(selectors.active_patients(), mrn=mrn)


# --- worklist and patient list ------------------------------------------------------------


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


PATIENT_FILTERS = {
    "phase": ("Phase", tuple(tags.PHASE_LABELS)),
    "assessment_status": ("Assessment", tuple(tags.STATUS_LABELS)),
    "recommendation": ("Recommendation", tuple(tags.RECOMMENDATION_LABELS)),
    "cotreatment_risk": ("Co-treatment risk", tuple(tags.RISK_LABELS)),
    "section": ("Worklist section", tuple(key for key, *_ in selectors.WORKLIST_SECTIONS)),
}
FILTER_LABELS = {
    **tags.PHASE_LABELS,
    **{k: v[0] for k, v in tags.STATUS_LABELS.items()},
    **{k: v[0] for k, v in tags.RECOMMENDATION_LABELS.items()},
    **{k: v[0] for k, v in tags.RISK_LABELS.items()},
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


# --- the timeline --------------------------------------------------------------------------


def patient_timeline(request, mrn):
    _require(request, "view_patient")
    patient = _patient(mrn)
    services.audit_event_record("patient_view", request=request, patient=patient)
    today = _today()
    history = selectors.patient_history(patient)
    record = history.record
    rules = selectors.rule_settings()
    status = monitoring.evaluate(record, today, rules)
    chart = charts.lvef_chart(
        measurements=[m for m in record.lvef if m.date <= today],
        baseline=status.baseline,
        lln=rules.lln,
        holds=[(h.start, h.end, h.reason) for c in record.courses for h in c.holds],
        infusions=[i.date for c in record.courses for i in c.infusions],
        as_of=today,
    )
    return render(
        request,
        "tracker/timeline.html",
        {
            "patient": patient,
            "status": status,
            "flags": status.flag_details,
            "chart": chart,
            "history": history,
            "courses": history.courses,
            "lln": rules.lln,
            "today": today,
            "changeable": {
                kind
                for kind, (model, *_) in KINDS.items()
                if request.user.has_perm(f"tracker.change_{model._meta.model_name}")
            },
        },
    )


# --- data entry ----------------------------------------------------------------------------

# URL kind -> (model, form, how to find its patient, title)
KINDS = {
    "courses": (TreatmentCourse, forms.CourseForm, "patient", "treatment course"),
    "infusions": (Infusion, forms.InfusionForm, "course__patient", "infusion"),
    "holds": (TreatmentHold, forms.HoldForm, "course__patient", "treatment hold"),
    "lvef": (LvefMeasurement, forms.LvefForm, "patient", "LVEF measurement"),
    "cotreatments": (CoTreatment, forms.CoTreatmentForm, "patient", "co-treatment"),
}
CREATE = {
    "courses": services.course_create,
    "lvef": services.lvef_create,
    "cotreatments": services.cotreatment_create,
    "infusions": services.infusion_create,
    "holds": services.hold_create,
}


def _article(title: str) -> str:
    """ "an LVEF measurement" (said "el-vef"), "an infusion", "a treatment hold"."""
    return "an" if title[0] in "aeiouAEIOU" or title.startswith("LVEF") else "a"


def _capitalised(title: str) -> str:
    return title[0].upper() + title[1:]


def _kind(kind):
    if kind not in KINDS:
        raise Http404("No such kind of record.")
    return KINDS[kind]


def _record(patient, kind, pk):
    model, _, patient_path, _ = _kind(kind)
    return get_object_or_404(model, pk=pk, **{patient_path: patient})


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


@require_http_methods(["GET", "POST"])
def record_create(request, mrn, kind, course_id=None):
    model, form_class, patient_path, title = _kind(kind)
    _require(request, f"add_{model._meta.model_name}")
    patient = _patient(mrn)
    course = _course(patient, course_id) if patient_path == "course__patient" else None
    if patient_path == "course__patient" and course_id is None:
        raise Http404("Infusions and holds belong to a course.")
    first_date = {"courses": "planned_start", "holds": "start", "cotreatments": "start"}
    form = form_class(request.POST or None, initial={first_date.get(kind, "date"): _today()})
    warnings = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        confirmed = data.pop("confirm_warnings", False)
        if kind == "infusions":
            warnings = selectors.infusion_warnings(course, data)
        if warnings and not confirmed:
            form.data = form.data.copy()
            form.data["confirm_warnings"] = "on"
        else:
            owner = {"course": course} if course else {"patient": patient}
            saved = _save_form(
                request, form, lambda _: CREATE[kind](actor=request.user, **owner, **data)
            )
            if saved:
                messages.success(request, f"{_capitalised(title)} recorded: {saved}.")
                return redirect("tracker:patient", mrn=patient.mrn)
            warnings = []
    _form_viewed(request, patient, f"new {title}")
    return render(
        request,
        "tracker/form.html",
        {
            "form": form,
            "patient": patient,
            "course": course,
            "title": f"Record {_article(title)} {title}",
            "warnings": warnings,
        },
    )


@require_http_methods(["GET", "POST"])
def record_edit(request, mrn, kind, pk):
    model, form_class, _, title = _kind(kind)
    _require(request, f"change_{model._meta.model_name}")
    patient = _patient(mrn)
    record = _record(patient, kind, pk)
    if record.entered_in_error:
        messages.error(request, "A record marked entered in error cannot be changed.")
        return redirect("tracker:patient", mrn=patient.mrn)
    form = form_class(request.POST or None, instance=record)
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


@require_http_methods(["GET", "POST"])
def record_entered_in_error(request, mrn, kind, pk):
    model, _, _, title = _kind(kind)
    _require(request, f"change_{model._meta.model_name}")
    patient = _patient(mrn)
    record = _record(patient, kind, pk)
    form = forms.EnteredInErrorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_entered_in_error(
                record, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{_capitalised(title)} marked entered in error.")
        return redirect("tracker:patient", mrn=patient.mrn)
    _form_viewed(request, patient, f"mark {title} {record.pk} entered in error")
    return render(
        request,
        "tracker/form.html",
        {
            "form": form,
            "patient": patient,
            "title": f"Mark {title} as entered in error",
            "record": record,
            "intro": f"{record} will stay in the record, struck through, with your name, the "
            "time and this reason. Nothing is deleted.",
            "submit": "Mark entered in error",
            "danger": True,
        },
    )


def flag_help(request):
    _require(request, "view_patient")
    return render(
        request, "tracker/flags.html", {"flags": sorted(FLAGS.values(), key=lambda f: f.rule)}
    )


def patient_audit(request, mrn):
    _require(request, "view_patient")
    patient = _patient(mrn)
    services.audit_event_record("history_view", request=request, patient=patient)
    return render(
        request,
        "tracker/patient_audit.html",
        {
            "patient": patient,
            "changes": selectors.patient_change_history(patient),
            "views": selectors.patient_views(patient),
        },
    )
