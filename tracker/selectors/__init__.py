"""Every read the pages, commands and API need, with bounded queries (issue 10 item 1: one module
per concern, re-exported so that `selectors.worklist(...)` reads as before)."""

from .export import PatientExport, all_patient_exports, patient_exports
from .history import ChangeEntry, patient_change_history, patient_views, record_name
from .records import (
    EvaluatedPatient,
    active_patients,
    evaluate_patients,
    load_records,
    rule_settings,
)
from .search import search
from .status import (
    ROW_FIELDS,
    assessment_status_ranges,
    bring_up_to_date,
    stored_row,
    stored_rows,
    stored_statuses,
    with_assessment_status,
)
from .timeline import (
    HistoryEntry,
    PatientHistory,
    Timeline,
    infusion_warnings,
    patient_history,
    patient_timeline,
)
from .worklist import (
    SECTION_FILTERS,
    SECTION_ROWS,
    WORKLIST_SECTIONS,
    WorklistSection,
    worklist,
)

__all__ = [
    "ROW_FIELDS",
    "SECTION_FILTERS",
    "SECTION_ROWS",
    "WORKLIST_SECTIONS",
    "ChangeEntry",
    "EvaluatedPatient",
    "HistoryEntry",
    "PatientExport",
    "PatientHistory",
    "Timeline",
    "WorklistSection",
    "active_patients",
    "all_patient_exports",
    "assessment_status_ranges",
    "bring_up_to_date",
    "evaluate_patients",
    "infusion_warnings",
    "load_records",
    "patient_change_history",
    "patient_exports",
    "patient_history",
    "patient_timeline",
    "patient_views",
    "record_name",
    "rule_settings",
    "search",
    "stored_row",
    "stored_rows",
    "stored_statuses",
    "with_assessment_status",
    "worklist",
]
