"""The tracker's records as FHIR R4 resources (issue 15 item 2): plain dicts, checked against
fhir.resources' R4 models by the tests and by validation.validate.

Records entered in error are exported with status ``entered-in-error`` (not left out): a
receiver that stored an earlier export learns that the record was withdrawn. The patient itself,
if entered in error, is not exported at all (404), as on every page.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from tracker.monitoring import FLAGS
from tracker.monitoring import vocabulary as v
from tracker.selectors import PatientExport

from . import codes as c


def _decimal(value: Decimal) -> float | int:
    """A JSON number as the record holds it: 62 for 62.0, 61.5 as it is."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _coding(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return coding


def _quantity(value, unit: str, code: str | None = None) -> dict:
    return {"value": _decimal(value), "unit": unit, "system": c.UCUM, "code": code or unit}


def _subject(patient) -> dict:
    return {
        "reference": f"Patient/{patient_id(patient)}",
        "identifier": {"system": c.mrn_system(), "value": patient.mrn},
    }


def patient_id(patient) -> str:
    # The FHIR id is the row's key: an MRN may hold "_", which a FHIR id may not.
    return str(patient.pk)


def patient_resource(patient) -> dict:
    return {
        "resourceType": "Patient",
        "id": patient_id(patient),
        "identifier": [
            {
                "use": "usual",
                "type": {"coding": [_coding(c.V2_0203, "MR", "Medical record number")]},
                "system": c.mrn_system(),
                "value": patient.mrn,
            }
        ],
        "active": True,
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
        "gender": patient.sex,  # female, male, other, unknown: FHIR's administrative gender
        "birthDate": patient.date_of_birth.isoformat(),
    }


def infusion_resource(infusion, patient) -> dict:
    course = infusion.course
    code, display = c.AGENT_ATC[course.agent]
    route = c.ROUTE_SC if course.agent in c.SC_AGENTS else c.ROUTE_IV
    withdrawn = infusion.entered_in_error or course.entered_in_error
    dosage = {
        "route": {"coding": [_coding(c.SNOMED, *route)]},
        "dose": _quantity(infusion.dose_mg, "mg"),
    }
    notes = []
    if infusion.loading_dose:
        notes.append("Loading dose.")
    if course.agent == v.Agent.PERTUZUMAB_TRASTUZUMAB:
        notes.append(
            f"Given with pertuzumab IV (ATC {c.PERTUZUMAB_ATC[0]}); the dose is the trastuzumab "
            "dose."
        )
    if course.agent == v.Agent.PERTUZUMAB_TRASTUZUMAB_SC:
        notes.append("The dose is the trastuzumab component.")
    if infusion.duration_minutes:
        notes.append(f"Given over {infusion.duration_minutes} minutes.")
    if infusion.reaction != v.Reaction.NONE:
        notes.append(f"Infusion reaction: {infusion.reaction}.")
    resource = {
        "resourceType": "MedicationAdministration",
        "id": f"infusion-{infusion.pk}",
        "status": "entered-in-error" if withdrawn else "completed",
        "medicationCodeableConcept": {
            "coding": [_coding(c.ATC, code, display)],
            "text": v.label(v.Agent(course.agent)),
        },
        "subject": _subject(patient),
        "effectiveDateTime": infusion.date.isoformat(),
        "dosage": dosage,
    }
    if notes:
        resource["note"] = [{"text": " ".join(notes)}]
    return resource


def lvef_identifiers(measurement) -> list[dict]:
    identifiers = [{"system": c.local_system("lvef"), "value": str(measurement.pk)}]
    if measurement.source_value:
        identifiers.append({"system": measurement.source_system, "value": measurement.source_value})
    return identifiers


def lvef_resource(measurement, patient) -> dict:
    code, display = c.MODALITY_SNOMED[measurement.modality]
    resource = {
        "resourceType": "Observation",
        "id": f"lvef-{measurement.pk}",
        "identifier": lvef_identifiers(measurement),
        "status": "entered-in-error" if measurement.entered_in_error else "final",
        "category": [{"coding": [_coding(c.OBSERVATION_CATEGORY, "imaging", "Imaging")]}],
        "code": {
            "coding": [_coding(c.LOINC, c.LVEF_LOINC, c.LVEF_DISPLAY)],
            "text": "LVEF",
        },
        "subject": _subject(patient),
        "effectiveDateTime": measurement.date.isoformat(),
        "valueQuantity": _quantity(measurement.value, "%"),
        "method": {
            "coding": [
                _coding(c.SNOMED, code, display),
                _coding(c.local_system("lvef-modality"), measurement.modality),
            ],
            "text": v.label(v.Modality(measurement.modality)),
        },
    }
    if measurement.gls is not None:
        resource["component"] = [
            {
                "code": {
                    "coding": [_coding(c.local_system("observation"), *c.GLS_CODE)],
                    "text": "GLS",
                },
                "valueQuantity": _quantity(measurement.gls, "%"),
            }
        ]
    return resource


def cotreatment_resource(cotreatment, patient, as_of) -> dict:
    code, display = c.DRUG_ATC[cotreatment.drug]
    if cotreatment.entered_in_error:
        status = "entered-in-error"
    elif cotreatment.end is not None and cotreatment.end <= as_of:
        status = "completed"
    else:
        status = "active"
    period = {"start": cotreatment.start.isoformat()}
    if cotreatment.end:
        period["end"] = cotreatment.end.isoformat()
    resource = {
        "resourceType": "MedicationStatement",
        "id": f"cotreatment-{cotreatment.pk}",
        "status": status,
        "medicationCodeableConcept": {
            "coding": [_coding(c.ATC, code, display)],
            "text": v.label(v.Drug(cotreatment.drug)),
        },
        "subject": _subject(patient),
        "effectivePeriod": period,
    }
    if cotreatment.cumulative_dose_mg_m2 is not None:
        dose = cotreatment.cumulative_dose_mg_m2
        resource["extension"] = [
            {
                "url": c.local_system("cumulative-dose"),
                "valueQuantity": _quantity(dose, "mg/m2"),
            }
        ]
        resource["note"] = [{"text": f"Cumulative dose {_decimal(dose)} mg/m²."}]
    return resource


def flag_resources(status, patient) -> list[dict]:
    """One Flag per flag the rules raise today (code = the flag code, text = its sentence for
    this patient, the rule id after the words)."""
    texts = status.flag_texts
    out = []
    for code in status.flags:
        flag = FLAGS[code]
        out.append(
            {
                "resourceType": "Flag",
                "id": f"flag-{patient.pk}-{code.lower().replace('_', '-')}",
                "status": "active",
                "category": [{"text": flag.severity}],
                "code": {
                    "coding": [_coding(c.local_system("flag"), code, flag.title)],
                    "text": texts[code],  # the sentence ends with its rule id: "[C3]"
                },
                "subject": _subject(patient),
                "period": {"start": status.as_of.isoformat()},
            }
        )
    return out


# S6: the assessment status -> ServiceRequest.status and priority.
_REQUEST_STATUS = {
    v.AssessmentStatus.OK: ("active", "routine"),
    v.AssessmentStatus.DUE_SOON: ("active", "routine"),
    v.AssessmentStatus.OVERDUE: ("active", "urgent"),
    v.AssessmentStatus.NOT_REQUIRED: ("completed", "routine"),
}


def next_assessment_resource(status, patient) -> dict | None:
    """The next LVEF assessment due (S1-S5), or None when none is due."""
    if status.next_assessment_due is None:
        return None
    assessment = v.AssessmentStatus(status.assessment_status)
    request_status, priority = _REQUEST_STATUS[assessment]
    rule = f" ({status.schedule_rule})" if status.schedule_rule else ""
    return {
        "resourceType": "ServiceRequest",
        "id": f"next-assessment-{patient.pk}",
        "status": request_status,
        "intent": "plan",
        "priority": priority,
        "code": {
            "coding": [_coding(c.LOINC, c.LVEF_LOINC, c.LVEF_DISPLAY)],
            "text": "LVEF assessment (echo, MUGA or cardiac MRI)",
        },
        "subject": _subject(patient),
        "occurrenceDateTime": status.next_assessment_due.isoformat(),
        "authoredOn": status.as_of.isoformat(),
        "note": [{"text": f"{v.label(assessment)}{rule}."}],
    }


def patient_resources(export: PatientExport) -> list[dict]:
    """Every resource of one patient, Patient first."""
    patient = export.patient
    resources = [patient_resource(patient)]
    resources += [infusion_resource(i, patient) for i in export.infusions]
    resources += [lvef_resource(m, patient) for m in export.lvef]
    as_of = export.status.as_of
    resources += [cotreatment_resource(t, patient, as_of) for t in export.cotreatments]
    resources += flag_resources(export.status, patient)
    request = next_assessment_resource(export.status, patient)
    if request is not None:
        resources.append(request)
    return resources


def collection_bundle(resources: list[dict], base_url: str) -> dict:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": timezone.now().isoformat(timespec="seconds"),
        "entry": [
            {"fullUrl": f"{base_url}{r['resourceType']}/{r['id']}", "resource": r}
            for r in resources
        ],
    }
