"""The clinical rules of clinical-rules.md: pure Python, standard library only, no Django.

``evaluate(record, as_of)`` turns one patient's records into a ``PatientStatus``.
"""

from .dates import add_months
from .evaluate import evaluate
from .flags import FLAGS, Flag
from .records import (
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
)
from .report import status_to_report
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .status import PatientStatus

__all__ = [
    "DEFAULT_SETTINGS",
    "FLAGS",
    "CoTreatment",
    "Course",
    "Flag",
    "Hold",
    "Infusion",
    "LvefMeasurement",
    "PatientRecord",
    "PatientStatus",
    "RuleSettings",
    "add_months",
    "evaluate",
    "status_to_report",
]
