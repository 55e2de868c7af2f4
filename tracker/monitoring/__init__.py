"""The clinical rules of clinical-rules.md (version 2): pure Python, standard library only.

``evaluate(record, as_of, settings)`` turns one patient's records into a ``PatientStatus``;
``infusion_checks`` gives the warnings to show before recording an infusion.
"""

from . import vocabulary
from .checks import InfusionWarning, infusion_checks
from .dates import add_months
from .evaluate import RULES_VERSION, evaluate
from .explain import Explanation
from .flags import FLAGS, Flag
from .profiles import PROFILES, Profile, profile_for
from .records import (
    CoTreatment,
    Course,
    Hold,
    Infusion,
    LvefMeasurement,
    PatientRecord,
)
from .report import report_document, status_to_report
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .status import PatientStatus
from .vocabulary import LABELS, RuleSet, label

__all__ = [
    "DEFAULT_SETTINGS",
    "FLAGS",
    "LABELS",
    "PROFILES",
    "RULES_VERSION",
    "CoTreatment",
    "Course",
    "Explanation",
    "Flag",
    "Hold",
    "Infusion",
    "InfusionWarning",
    "LvefMeasurement",
    "PatientRecord",
    "PatientStatus",
    "Profile",
    "RuleSet",
    "RuleSettings",
    "add_months",
    "evaluate",
    "infusion_checks",
    "label",
    "profile_for",
    "report_document",
    "status_to_report",
    "vocabulary",
]
