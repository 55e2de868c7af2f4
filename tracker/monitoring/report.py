"""One patient object of the monitoring report (interchange.md, "Report"). Floats only here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .records import LvefMeasurement
from .status import PatientStatus

_ONE_DECIMAL = Decimal("0.1")

REPORT_KEYS = (
    "mrn",
    "phase",
    "baseline_lvef",
    "latest_lvef",
    "lvef_drop",
    "ctrcd",
    "next_assessment_due",
    "assessment_status",
    "recommendation",
    "cotreatment_risk",
    "doxorubicin_equivalent_mg_m2",
    "flags",
)


def _one_decimal(value: Decimal) -> float:
    return float(value.quantize(_ONE_DECIMAL))


def _lvef(measurement: LvefMeasurement | None) -> dict[str, Any] | None:
    if measurement is None:
        return None
    return {
        "date": measurement.date.isoformat(),
        "value": _one_decimal(measurement.value),
        "modality": measurement.modality,
    }


def report_document(as_of: date, rule_set: str, patients: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's top level (interchange.md v2): as_of, the rule set applied, the patients."""
    return {"as_of": as_of.isoformat(), "rule_set": str(rule_set), "patients": patients}


def status_to_report(status: PatientStatus, key: str) -> dict[str, Any]:
    due = status.next_assessment_due
    drop = status.lvef_drop
    return {
        "mrn": key,
        "phase": str(status.phase),
        "baseline_lvef": _lvef(status.baseline),
        "latest_lvef": _lvef(status.latest),
        "lvef_drop": _one_decimal(drop) if drop is not None else None,
        "ctrcd": str(status.ctrcd),
        "next_assessment_due": due.isoformat() if due is not None else None,
        "assessment_status": str(status.assessment_status),
        "recommendation": str(status.recommendation),
        "cotreatment_risk": str(status.cotreatment_risk),
        "doxorubicin_equivalent_mg_m2": float(status.doxorubicin_equivalent_mg_m2),
        "flags": list(status.flags),
    }
