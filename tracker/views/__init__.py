"""Thin views, one module per page family (issue 10 item 1): read through selectors, write
through services, render templates. Re-exported for tracker/urls.py."""

from .chair import chair
from .help import flag_help
from .imports import data_import
from .patients import patient_create, patient_edit, patient_list
from .quality_page import quality, quality_list
from .records import KINDS, record_create, record_edit, record_entered_in_error
from .timeline import patient_audit, patient_timeline
from .workflow import (
    hold_end,
    patient_letter,
    patient_letter_sent,
    scan_request_book,
    scan_request_close,
)
from .worklist import worklist

__all__ = [
    "KINDS",
    "chair",
    "data_import",
    "flag_help",
    "hold_end",
    "patient_letter",
    "patient_letter_sent",
    "scan_request_book",
    "scan_request_close",
    "patient_audit",
    "patient_create",
    "patient_edit",
    "patient_list",
    "patient_timeline",
    "quality",
    "quality_list",
    "record_create",
    "record_edit",
    "record_entered_in_error",
    "worklist",
]
