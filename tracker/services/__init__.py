"""Every write goes through here (issue 10 item 1: one module per concern, re-exported so that
`from tracker import services; services.lvef_create(...)` reads as before): clinical records
(records), the audit trail (audit) and the stored status (status)."""

from .audit import audit_event_record, client_address
from .records import (
    IMPORT_ACTOR_USERNAME,
    OWNER_FIELDS,
    UPDATABLE_FIELDS,
    _owner_patient_id,
    check_consistency,
    cotreatment_create,
    course_create,
    hold_create,
    import_actor,
    infusion_create,
    lock_patients,
    lvef_create,
    lvef_import,
    mark_entered_in_error,
    patient_create,
    patient_of,
    record_add,
    record_update,
)
from .status import (
    DATE_DERIVED_FLAGS,
    STATUS_CHUNK,
    status_refresh,
    status_refresh_in_chunks,
    worklist_changed,
)

__all__ = [
    "DATE_DERIVED_FLAGS",
    "IMPORT_ACTOR_USERNAME",
    "OWNER_FIELDS",
    "STATUS_CHUNK",
    "UPDATABLE_FIELDS",
    "_owner_patient_id",
    "audit_event_record",
    "check_consistency",
    "client_address",
    "cotreatment_create",
    "course_create",
    "hold_create",
    "import_actor",
    "infusion_create",
    "lock_patients",
    "lvef_create",
    "lvef_import",
    "mark_entered_in_error",
    "patient_create",
    "patient_of",
    "record_add",
    "record_update",
    "status_refresh",
    "status_refresh_in_chunks",
    "worklist_changed",
]
