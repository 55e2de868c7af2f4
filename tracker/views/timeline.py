"""The patient's timeline and its change history."""

from __future__ import annotations

from django.shortcuts import render

from tracker import selectors, services
from tracker.records import PATIENT_RECORDS

from .common import patient_or_404 as _patient
from .common import require as _require
from .common import today as _today


def patient_timeline(request, mrn):
    _require(request, "view_patient")
    patient = _patient(mrn)
    services.audit_event_record("patient_view", request=request, patient=patient)
    timeline = selectors.patient_timeline(patient, _today())
    changeable = {
        kind
        for kind, t in PATIENT_RECORDS.items()
        if request.user.has_perm(f"tracker.change_{t.codename}")
    }
    return render(
        request,
        "tracker/timeline.html",
        {
            "patient": patient,
            "status": timeline.status,
            "flags": timeline.status.flag_details,
            "chart": timeline.chart,
            "chart_legend": timeline.chart_legend,
            "history": timeline.history,
            "courses": timeline.courses,
            "lln": timeline.lln,
            "today": timeline.today,
            "changeable": changeable,
            "plan": timeline.plan,
            "open_hold": _open_hold(timeline.courses),
        },
    )


def _open_hold(courses):
    """The hold the End hold button ends (issue 12 item 7)."""
    for course in courses:
        if course.entered_in_error:
            continue
        for hold in course.holds.all():
            if hold.end is None and not hold.entered_in_error:
                return hold
    return None


def patient_audit(request, mrn):
    _require(request, "view_patient")
    patient = _patient(mrn)
    services.audit_event_record("history_view", request=request, patient=patient)
    # Filtered by record type and grouped by course (issue 13 item 15); an unknown type is
    # ignored rather than an error, as the patient list's filters do.
    types = selectors.record_type_choices()
    record_type = request.GET.get("type", "")
    if record_type not in dict(types):
        record_type = ""
    changes = selectors.patient_change_history(patient, record_type)
    return render(
        request,
        "tracker/patient_audit.html",
        {
            "patient": patient,
            "changes": changes,
            "groups": selectors.group_by_course(changes, patient.courses.all()),
            "types": types,
            "record_type": record_type,
            "views": selectors.patient_views(patient),
        },
    )
