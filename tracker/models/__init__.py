"""Data and its constraints, one module per kind (issue 10): every model is re-exported here, so
`from tracker.models import Patient` and the migrations' `tracker.models.ClinicalDecimalField` keep
working. Clinical records are never deleted: they are marked entered in error, with who, when and
why."""

from .api import ApiToken
from .audit import AUDIT_ACTIONS, AuditEvent
from .base import Audited, ClinicalRecord, User
from .clinical import (
    AGENT_CHOICES,
    CLINICAL_MODELS,
    DRUG_CHOICES,
    END_REASON_CHOICES,
    HOLD_REASON_CHOICES,
    INTENT_CHOICES,
    MODALITY_CHOICES,
    REACTION_CHOICES,
    SCHEDULE_CHOICES,
    SEX_CHOICES,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    duplicate_mrn_error,
)
from .fields import ClinicalDecimalField, MrnField
from .status import MonitoringStatus, QualityItems, WorklistChange, WorklistVersion
from .workflow import (
    CLOSED_STATES,
    OPEN_STATES,
    WORKFLOW_MODELS,
    ContactLog,
    RecommendationReview,
    ScanRequest,
)

__all__ = [
    "AGENT_CHOICES",
    "AUDIT_ACTIONS",
    "CLINICAL_MODELS",
    "CLOSED_STATES",
    "OPEN_STATES",
    "WORKFLOW_MODELS",
    "ContactLog",
    "RecommendationReview",
    "ScanRequest",
    "DRUG_CHOICES",
    "END_REASON_CHOICES",
    "HOLD_REASON_CHOICES",
    "INTENT_CHOICES",
    "MODALITY_CHOICES",
    "REACTION_CHOICES",
    "SCHEDULE_CHOICES",
    "SEX_CHOICES",
    "ApiToken",
    "AuditEvent",
    "Audited",
    "ClinicalDecimalField",
    "ClinicalRecord",
    "CoTreatment",
    "Infusion",
    "LvefMeasurement",
    "MonitoringStatus",
    "QualityItems",
    "MrnField",
    "Patient",
    "TreatmentCourse",
    "TreatmentHold",
    "User",
    "WorklistChange",
    "WorklistVersion",
    "duplicate_mrn_error",
]
