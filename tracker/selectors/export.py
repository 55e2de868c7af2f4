"""The reads of the FHIR export (issue 15 item 2): every record of a batch of patients, entered
in error ones included, with each patient's fresh evaluation; a fixed number of queries per
batch whatever its size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import QuerySet

from tracker import monitoring
from tracker.models import CoTreatment, Infusion, LvefMeasurement, Patient, TreatmentCourse

from .records import evaluate_patients

EXPORT_CHUNK = 500


@dataclass
class PatientExport:
    patient: Patient
    status: monitoring.PatientStatus
    infusions: list[Infusion] = field(default_factory=list)  # each with .course loaded
    lvef: list[LvefMeasurement] = field(default_factory=list)
    cotreatments: list[CoTreatment] = field(default_factory=list)


def patient_exports(patients: QuerySet[Patient], as_of: date) -> list[PatientExport]:
    """The patients of the queryset (active ones only), in MRN order, with their records."""
    patients = patients.filter(entered_in_error=False)
    rows = {p.pk: p for p in patients}
    if not rows:
        return []
    ids = list(rows)
    evaluated = {e.pk: e.status for e in evaluate_patients(patients.filter(pk__in=ids), as_of)}
    exports = {pk: PatientExport(rows[pk], evaluated[pk]) for pk in ids}
    courses = {c.pk: c for c in TreatmentCourse.objects.filter(patient_id__in=ids)}
    for infusion in Infusion.objects.filter(course_id__in=list(courses)).order_by("date", "pk"):
        infusion.course = courses[infusion.course_id]
        exports[infusion.course.patient_id].infusions.append(infusion)
    by_patient = defaultdict(list)
    for m in LvefMeasurement.objects.filter(patient_id__in=ids).order_by("date", "pk"):
        by_patient[m.patient_id].append(m)
    for pk, measurements in by_patient.items():
        exports[pk].lvef = measurements
    for t in CoTreatment.objects.filter(patient_id__in=ids).order_by("start", "pk"):
        exports[t.patient_id].cotreatments.append(t)
    return sorted(exports.values(), key=lambda e: e.patient.mrn)


def all_patient_exports(as_of: date, chunk: int = EXPORT_CHUNK) -> Iterator[PatientExport]:
    """Every active patient, EXPORT_CHUNK at a time (bounded memory for the bulk export)."""
    ids = list(
        Patient.objects.filter(entered_in_error=False).order_by("mrn").values_list("pk", flat=True)
    )
    for start in range(0, len(ids), chunk):
        yield from patient_exports(Patient.objects.filter(pk__in=ids[start : start + chunk]), as_of)
