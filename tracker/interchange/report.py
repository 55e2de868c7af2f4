"""The monitoring report of interchange.md: one object per active patient, as JSON or CSV,
written as the patients are evaluated (issue 16 item 1: memory flat in the number of patients,
a bounded number of queries per chunk of REPORT_CHUNK patients)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
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
REPORT_CHUNK = 1000


class Report:
    """The report at ``as_of`` of every active patient, or of those with the given MRNs, under
    the clinic's rule set or the one given (interchange.md: `--rule-set`, the `rule_set` key).
    ``patients()`` evaluates them chunk by chunk, in MRN order (plain string order)."""

    def __init__(self, as_of: date, mrns=None, rule_set: str | None = None):
        self.as_of = as_of
        self.rules = selectors.rule_settings(rule_set)
        self.rule_set = self.rules.rule_set
        patients = selectors.active_patients()
        if mrns:
            patients = patients.filter(mrn__in=mrns)
        self.queryset = patients
        # Only the ids are kept, sorted by MRN here (plain string order whatever the
        # database's collation): a few MB at 100,000 patients.
        ordered = sorted(patients.values_list("mrn", "pk"))
        self.mrns = {mrn for mrn, _ in ordered} if mrns else None
        self.ids = [pk for _, pk in ordered]

    def patients(self) -> Iterator[dict]:
        for start in range(0, len(self.ids), REPORT_CHUNK):
            chunk = self.ids[start : start + REPORT_CHUNK]
            for e in selectors.evaluate_patients(
                selectors.active_patients().filter(pk__in=chunk), self.as_of, self.rules
            ):
                yield monitoring.status_to_report(e.status, e.mrn)

    def missing(self, mrns) -> list[str]:
        """The MRNs asked for that the report has no patient for, sorted."""
        return sorted(set(mrns) - (self.mrns or set()))


def build_report(as_of: date, mrns=None, rule_set: str | None = None) -> dict:
    """The whole report as one document (for callers that want it in memory)."""
    built = Report(as_of, mrns, rule_set)
    return monitoring.report_document(as_of, built.rule_set, list(built.patients()))


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


def _parts(report: dict | Report) -> tuple[str, str, object]:
    if isinstance(report, Report):
        return report.as_of.isoformat(), str(report.rule_set), report.patients()
    return report["as_of"], report["rule_set"], report["patients"]


def write_json(report: dict | Report, out: TextIO) -> None:
    """The text of json.dumps(document, indent=2), written patient by patient."""
    as_of, rule_set, patients = _parts(report)
    head = json.dumps({"as_of": as_of, "rule_set": rule_set}, indent=2)[:-2]
    out.write(head + ',\n  "patients": [')
    first = True
    for patient in patients:
        text = json.dumps(patient, indent=2).replace("\n", "\n    ")
        out.write(("\n    " if first else ",\n    ") + text)
        first = False
    out.write("]\n}" if first else "\n  ]\n}")


def write_csv(report: dict | Report, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _parts(report)[2]:
        writer.writerow(flatten(row))


WRITERS = {"json": write_json, "csv": write_csv}
