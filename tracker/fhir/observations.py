"""LVEF results sent as FHIR R4 Observations (issue 15 item 3): one Observation, or a Bundle of
type transaction of Observations, all or nothing. Each becomes an LVEF measurement through
services.lvef_import (the same validation, lock, history, audit and status refresh as the
form), idempotent on the Observation's identifier.

What is read (docs in README "FHIR"):
- code: a LOINC coding among codes.ACCEPTED_LOINC (codes.REFUSED_LOINC are refused with why);
- subject: the patient by MRN, ``subject.identifier`` or ``Patient?identifier=<system>|<MRN>``;
- method: the modality (SNOMED CT, or the tracker's own modality codes); never guessed;
- effectiveDateTime (a full date), valueQuantity in %, a GLS component, and an identifier with
  system and value.
Every problem is an Issue naming its place (a FHIRPath expression such as
``Bundle.entry[2].resource.valueQuantity.value``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker import selectors, services
from tracker.models import LvefMeasurement, Patient
from tracker.monitoring.vocabulary import Modality, label
from tracker.validators import mrn_key

from . import codes as c
from .validation import problems

MAX_TRANSACTION_ENTRIES = 1000
# Observation.status values that are a result to record.
RECORDABLE_STATUSES = ("final", "amended", "corrected")
MAX_IDENTIFIER_LENGTH = 255
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class Issue:
    expression: str
    message: str
    code: str = "invalid"  # FHIR issue-type: invalid, required, value, not-found, ...


class Refused(Exception):
    """The request writes nothing; ``status`` is the HTTP status of the OperationOutcome."""

    def __init__(self, issues: list[Issue], status: int = 422):
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in issues))
        self.issues = issues
        self.status = status


@dataclass
class ParsedLvef:
    path: str
    patient: Patient
    source_system: str
    source_value: str
    fields: dict = field(default_factory=dict)
    gls_path: str = ""


def _codings(concept) -> list[dict]:
    if not isinstance(concept, dict):
        return []
    return [x for x in concept.get("coding") or [] if isinstance(x, dict)]


def _loinc(resource, path, issues) -> str | None:
    """The modality the code implies (None: the method says), after checking the code."""
    loinc = [x.get("code") for x in _codings(resource.get("code")) if x.get("system") == c.LOINC]
    accepted = ", ".join(c.ACCEPTED_LOINC)
    if not loinc:
        issues.append(
            Issue(
                f"{path}.code",
                f"needs a LOINC coding (system {c.LOINC}) of an LVEF: one of {accepted}",
                "code-invalid",
            )
        )
        return None
    for code in loinc:
        if code in c.ACCEPTED_LOINC:
            return c.ACCEPTED_LOINC[code]
    code = loinc[0]
    reason = c.REFUSED_LOINC.get(code, "not a left ventricular ejection fraction code")
    issues.append(
        Issue(
            f"{path}.code",
            f"LOINC {code} is {reason}; the tracker accepts {accepted}",
            "code-invalid",
        )
    )
    return None


def _modality(resource, path, implied, issues) -> str | None:
    method = resource.get("method")
    spoken = f"{label(Modality.ECHO)}, {label(Modality.MUGA)} or {label(Modality.CMR)}"
    snomed = ", ".join(code for code, _ in c.MODALITY_SNOMED.values())
    if not method:
        issues.append(
            Issue(
                f"{path}.method",
                f"is required: how the LVEF was measured ({spoken}; SNOMED CT {snomed}). The "
                "tracker does not guess the modality.",
                "required",
            )
        )
        return None
    found = set()
    for coding in _codings(method):
        if coding.get("system") == c.SNOMED and coding.get("code") in c.SNOMED_MODALITY:
            found.add(c.SNOMED_MODALITY[coding["code"]])
        elif coding.get("system") == c.local_system("lvef-modality") and coding.get("code") in {
            m.value for m in Modality
        }:
            found.add(Modality(coding["code"]))
    if not found:
        issues.append(
            Issue(
                f"{path}.method",
                f"is not a method the tracker knows: use {spoken} (SNOMED CT {snomed})",
                "code-invalid",
            )
        )
        return None
    if len(found) > 1:
        issues.append(Issue(f"{path}.method", "names more than one modality", "value"))
        return None
    (modality,) = found
    if implied is not None and modality != implied:
        issues.append(
            Issue(
                f"{path}.method",
                f"says {label(modality)}, but the LOINC code is an LVEF by "
                f"{label(Modality(implied))}",
                "value",
            )
        )
        return None
    return modality


def _date(resource, path, issues) -> date | None:
    text = resource.get("effectiveDateTime")
    if not isinstance(text, str) or not _FULL_DATE.match(text):
        issues.append(
            Issue(
                f"{path}.effectiveDateTime",
                "is required, with a full date (YYYY-MM-DD, or a date and time)",
                "required",
            )
        )
        return None
    try:
        if "T" not in text:
            return date.fromisoformat(text[:10])
        moment = datetime.fromisoformat(text)
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    except ValueError:
        issues.append(Issue(f"{path}.effectiveDateTime", "is not a valid date", "value"))
        return None


def _percent(quantity, where, issues, what) -> Decimal | None:
    if not isinstance(quantity, dict) or quantity.get("value") is None:
        issues.append(Issue(f"{where}.value", f"is required: the {what} in %", "required"))
        return None
    ucum = quantity.get("system") == c.UCUM and quantity.get("code") == "%"
    if not ucum and quantity.get("unit") != "%":
        issues.append(Issue(f"{where}.code", f"the {what} must be in % (UCUM code %)", "value"))
        return None
    try:
        return Decimal(str(quantity["value"]))
    except (InvalidOperation, ValueError):
        issues.append(Issue(f"{where}.value", "is not a number", "value"))
        return None


def _gls(resource, path, issues) -> tuple[Decimal | None, str]:
    for index, component in enumerate(resource.get("component") or []):
        if not isinstance(component, dict):
            continue
        for coding in _codings(component.get("code")):
            if (coding.get("system"), coding.get("code")) == (
                c.local_system("observation"),
                c.GLS_CODE[0],
            ):
                where = f"{path}.component[{index}].valueQuantity"
                return _percent(component.get("valueQuantity"), where, issues, "GLS"), where
    return None, ""


def _mrn(subject, path, issues) -> str | None:
    """The MRN the subject names (an identifier, or Patient?identifier=...)."""
    system = value = None
    if isinstance(subject, dict) and isinstance(subject.get("identifier"), dict):
        system = subject["identifier"].get("system")
        value = subject["identifier"].get("value")
    elif isinstance(subject, dict) and str(subject.get("reference", "")).startswith(
        "Patient?identifier="
    ):
        token = subject["reference"].removeprefix("Patient?identifier=")
        system, _, value = token.rpartition("|") if "|" in token else (None, "", token)
    if not value:
        issues.append(
            Issue(
                f"{path}.subject",
                "must name the patient by MRN: subject.identifier (system "
                f"{c.mrn_system()}, value the MRN) or subject.reference "
                f"Patient?identifier={c.mrn_system()}|<MRN>",
                "required",
            )
        )
        return None
    if system and system != c.mrn_system():
        issues.append(
            Issue(
                f"{path}.subject",
                f"names an identifier of system {system[:100]}, not this hospital's MRNs "
                f"({c.mrn_system()})",
                "value",
            )
        )
        return None
    return str(value)


def _identifier(resource, path, issues) -> tuple[str, str] | None:
    for identifier in resource.get("identifier") or []:
        if not isinstance(identifier, dict):
            continue
        system, value = identifier.get("system"), identifier.get("value")
        if system and value:
            if max(len(system), len(value)) > MAX_IDENTIFIER_LENGTH:
                issues.append(
                    Issue(
                        f"{path}.identifier",
                        f"system and value must be at most {MAX_IDENTIFIER_LENGTH} characters",
                        "value",
                    )
                )
                return None
            return system, value
    issues.append(
        Issue(
            f"{path}.identifier",
            "is required, with a system and a value: it is how a repeated send is recognised",
            "required",
        )
    )
    return None


def parse(resource, path: str = "Observation") -> ParsedLvef:
    """One Observation into what lvef_import needs, or Refused naming every problem."""
    structural = problems(resource, path)
    if structural:
        raise Refused([Issue(where, what, "structure") for where, what in structural], 400)
    if resource["resourceType"] != "Observation":
        raise Refused([Issue(f"{path}.resourceType", "must be Observation", "not-supported")])
    issues: list[Issue] = []
    status = resource.get("status")
    if status not in RECORDABLE_STATUSES:
        issues.append(
            Issue(
                f"{path}.status",
                f"is {status!r}: only a result ({', '.join(RECORDABLE_STATUSES)}) is recorded",
                "value",
            )
        )
    implied = _loinc(resource, path, issues)
    modality = _modality(resource, path, implied, issues)
    measured = _date(resource, path, issues)
    value = _percent(resource.get("valueQuantity"), f"{path}.valueQuantity", issues, "LVEF")
    gls, gls_path = _gls(resource, path, issues)
    identifier = _identifier(resource, path, issues)
    mrn = _mrn(resource.get("subject"), path, issues)
    patient = None
    if mrn is not None:
        patient = selectors.active_patients().filter(mrn_key=mrn_key(mrn)).first()
        if patient is None:
            issues.append(
                Issue(f"{path}.subject", "no patient in the tracker has this MRN", "not-found")
            )
    if issues:
        raise Refused(issues)
    return ParsedLvef(
        path=path,
        patient=patient,
        source_system=identifier[0],
        source_value=identifier[1],
        fields={"date": measured, "value": value, "modality": modality, "gls": gls},
        gls_path=gls_path,
    )


def _field_expression(parsed: ParsedLvef, name: str) -> str:
    where = {
        "date": "effectiveDateTime",
        "value": "valueQuantity.value",
        "modality": "method",
        "source_value": "identifier",
        "source_system": "identifier",
        "patient": "subject",
    }.get(name)
    if name == "gls" and parsed.gls_path:
        return f"{parsed.gls_path}.value"
    return f"{parsed.path}.{where}" if where else parsed.path


def save(parsed: ParsedLvef, *, actor) -> tuple[LvefMeasurement, bool]:
    try:
        return services.lvef_import(
            actor=actor,
            patient=parsed.patient,
            source_system=parsed.source_system,
            source_value=parsed.source_value,
            **parsed.fields,
        )
    except ValidationError as exc:
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        issues = [
            Issue(_field_expression(parsed, name), " ".join(messages), "business-rule")
            for name, messages in by_field.items()
        ]
        raise Refused(issues) from None


def import_observation(resource, *, actor) -> tuple[LvefMeasurement, bool]:
    parsed = parse(resource)
    return _saved(lambda: save(parsed, actor=actor), parsed.path)


def _saved(write, path):
    try:
        with transaction.atomic():
            return write()
    except IntegrityError:  # the same identifier sent at the same moment for another patient
        raise Refused(
            [Issue(f"{path}.identifier", "was recorded by another request just now", "conflict")],
            409,
        ) from None


def import_transaction(bundle, *, actor) -> list[tuple[LvefMeasurement, bool]]:
    """Every entry, or none: a problem in any entry refuses the whole Bundle."""
    structural = problems(bundle, "Bundle")
    if structural:
        raise Refused([Issue(where, what, "structure") for where, what in structural], 400)
    if bundle.get("type") != "transaction":
        raise Refused([Issue("Bundle.type", "must be transaction", "not-supported")])
    entries = bundle.get("entry") or []
    if not entries:
        raise Refused([Issue("Bundle.entry", "is empty: nothing to record", "required")])
    if len(entries) > MAX_TRANSACTION_ENTRIES:
        raise Refused(
            [Issue("Bundle.entry", f"more than {MAX_TRANSACTION_ENTRIES} entries", "too-costly")],
            413,
        )
    issues: list[Issue] = []
    parsed: list[ParsedLvef] = []
    for index, entry in enumerate(entries):
        where = f"Bundle.entry[{index}]"
        request = entry.get("request") or {}
        if request.get("method") != "POST" or str(request.get("url", "")).split("?")[0] not in (
            "Observation",
            "Observation/",
        ):
            issues.append(Issue(f"{where}.request", "must be POST Observation", "not-supported"))
        try:
            parsed.append(parse(entry.get("resource"), f"{where}.resource"))
        except Refused as refused:
            issues += refused.issues
    if issues:
        raise Refused(issues, 400 if any(i.code == "structure" for i in issues) else 422)

    def write():
        return [save(p, actor=actor) for p in parsed]

    return _saved(write, "Bundle.entry")
