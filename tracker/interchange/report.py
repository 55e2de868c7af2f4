"""The monitoring report of interchange.md: one object per active patient, as JSON or CSV."""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TextIO

from tracker import monitoring, selectors
from tracker.monitoring.report import REPORT_KEYS

NESTED = ("baseline_lvef", "latest_lvef")
# The report's keys, with the nested LVEF objects flattened (interchange.md, CSV format).
CSV_COLUMNS = tuple(
    column
    for key in REPORT_KEYS
    for column in ((f"{key}_date", f"{key}_value", f"{key}_modality") if key in NESTED else (key,))
)


def build_report(as_of: date, mrns=None, rule_set: str | None = None) -> dict:
    """The report at ``as_of`` of every active patient, or of those with the given MRNs, under
    the clinic's rule set or the one given (interchange.md: `--rule-set`, the `rule_set` key)."""
    patients = selectors.active_patients()
    if mrns:
        patients = patients.filter(mrn__in=mrns)
    rules = selectors.rule_settings(rule_set)
    return monitoring.report_document(
        as_of,
        rules.rule_set,
        [
            monitoring.status_to_report(e.status, e.mrn)
            for e in selectors.evaluate_patients(patients, as_of, rules)
        ],
    )


def missing_mrns(report: dict, mrns) -> list[str]:
    """The MRNs asked for that the report has no patient for, sorted."""
    return sorted(set(mrns) - {p["mrn"] for p in report["patients"]})


def flatten(row: dict) -> dict:
    """One CSV row: nested LVEF objects as baseline_lvef_date, ...; flags joined with ';'."""
    flat = {}
    for key, value in row.items():
        if key in NESTED:
            for part in ("date", "value", "modality"):
                flat[f"{key}_{part}"] = "" if value is None else value[part]
        elif key == "flags":
            flat[key] = ";".join(value)
        else:
            flat[key] = "" if value is None else value
    return flat


def write_json(report: dict, out: TextIO) -> None:
    out.write(json.dumps(report, indent=2))


def write_csv(report: dict, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report["patients"]:
        writer.writerow(flatten(row))


WRITERS = {"json": write_json, "csv": write_csv}
