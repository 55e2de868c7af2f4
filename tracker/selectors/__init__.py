"""Every read the pages, commands and API need, with bounded queries (issue 10 item 1: one module
per concern, re-exported so that `selectors.worklist(...)` reads as before)."""

from .export import PatientExport, all_patient_exports, patient_exports
from .history import (
    ChangeEntry,
    ChangeGroup,
    group_by_course,
    patient_change_history,
    patient_views,
    record_name,
    record_type_choices,
)
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
    flags_of,
    patient_stored_row,
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
from .workflow import (
    MonitoringPlan,
    Work,
    full_name,
    is_current,
    monitoring_plan,
    review_sentence,
    review_state,
)
from .worklist import (
    SECTION_FILTERS,
    SECTION_ROWS,
    SECTION_TITLES,
    WORKLIST_SECTIONS,
    WorklistRow,
    WorklistSection,
    ordering,
    section_description,
    worklist,
    worklist_export,
)
from .worklist import contact_text as worklist_contact_text
from .worklist import reason_words as worklist_reason_words
from .worklist import review_text as worklist_review_text
from .worklist import sections_in as worklist_sections_in
from .worklist import work_state_words as worklist_work_state_words

__all__ = [
    "ROW_FIELDS",
    "SECTION_FILTERS",
    "SECTION_ROWS",
    "SECTION_TITLES",
    "WORKLIST_SECTIONS",
    "ChangeEntry",
    "EvaluatedPatient",
    "HistoryEntry",
    "PatientExport",
    "PatientHistory",
    "Timeline",
    "MonitoringPlan",
    "Work",
    "WorklistRow",
    "WorklistSection",
    "is_current",
    "monitoring_plan",
    "ordering",
    "review_sentence",
    "review_state",
    "section_description",
    "flags_of",
    "full_name",
    "worklist_contact_text",
    "worklist_export",
    "worklist_reason_words",
    "worklist_review_text",
    "worklist_sections_in",
    "worklist_work_state_words",
    "active_patients",
    "all_patient_exports",
    "assessment_status_ranges",
    "bring_up_to_date",
    "evaluate_patients",
    "infusion_warnings",
    "load_records",
    "patient_change_history",
    "ChangeGroup",
    "group_by_course",
    "record_type_choices",
    "patient_exports",
    "patient_history",
    "patient_stored_row",
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
