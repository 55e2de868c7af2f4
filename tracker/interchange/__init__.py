"""Data in and out of the tracker (interchange.md).

- plan.py: the format-neutral import plan (PatientPlan, CoursePlan), ImportResult, ImportFailed
- json_v1.py: reading JSON v1 (parse_json; DocumentStream, a file read as it goes) and
  the keys of each object (the nested lists' from the registry, tracker/records.py)
- validators.py: a JSON v1 document into a plan, one validator per record type
- writer.py: the all-or-nothing bulk writer of a plan
- importer.py: import_document = validate and write batch by batch, in one transaction
- report.py: the monitoring report, JSON and CSV
"""

from tracker.interchange.importer import import_document
from tracker.interchange.json_v1 import DocumentStream, parse_json
from tracker.interchange.plan import CoursePlan, ImportFailed, ImportResult, PatientPlan
from tracker.interchange.report import build_report, write_csv, write_json
from tracker.interchange.validators import validate_document

__all__ = [
    "CoursePlan",
    "DocumentStream",
    "ImportFailed",
    "ImportResult",
    "PatientPlan",
    "build_report",
    "import_document",
    "parse_json",
    "validate_document",
    "write_csv",
    "write_json",
]
