"""Thin views, one module per page family (issue 10 item 1): read through selectors, write
through services, render templates. Re-exported for tracker/urls.py."""

from .help import flag_help
from .imports import data_import
from .patients import patient_create, patient_edit, patient_list
from .records import KINDS, record_create, record_edit, record_entered_in_error
from .timeline import patient_audit, patient_timeline
from .worklist import worklist

__all__ = [
    "KINDS",
    "data_import",
    "flag_help",
    "patient_audit",
    "patient_create",
    "patient_edit",
    "patient_list",
    "patient_timeline",
    "record_create",
    "record_edit",
    "record_entered_in_error",
    "worklist",
]
