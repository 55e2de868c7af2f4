"""The quality report of quality-measures.md ("Report format"), as JSON or CSV."""

from __future__ import annotations

import csv
import json
from datetime import date
from typing import TextIO

from tracker import selectors
from tracker.monitoring.quality import Measure, quality_measures

# One CSV row per measure; not_met and pending are joined with ';'.
CSV_COLUMNS = (
    "id",
    "denominator",
    "numerator",
    "percent",
    "not_met",
    "pending",
    "median_days_overdue",
)


def _number(value):
    """JSON number of a Decimal (percent 92.5, a median 2.5) or an int; None stays null."""
    if value is None or isinstance(value, int):
        return value
    return float(value) if value != int(value) else int(value)


def measure_to_report(measure: Measure) -> dict:
    row = {
        "id": measure.id,
        "denominator": measure.denominator,
        "numerator": measure.numerator,
        "percent": None if measure.percent is None else float(measure.percent),
        "not_met": list(measure.not_met),
        "pending": list(measure.pending),
    }
    if measure.id == "Q7":
        row["median_days_overdue"] = _number(measure.median_days_overdue)
    return row


def build_quality_report(start: date, end: date, as_of: date, reviews=None) -> dict:
    """The report for [start, end] at as_of, of every active patient, under the clinic's rules.
    ``reviews``: MRN -> review decision dates for Q5 (none are recorded yet; see quality.py)."""
    rules = selectors.rule_settings()
    records = selectors.load_records(selectors.active_patients()).values()
    measures = quality_measures(records, start, end, as_of, rules, reviews)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": as_of.isoformat(),
        "rule_set": str(rules.rule_set),
        "measures": [measure_to_report(m) for m in measures],
    }


def write_json(report: dict, out: TextIO) -> None:
    out.write(json.dumps(report, indent=2))


def write_csv(report: dict, out: TextIO) -> None:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report["measures"]:
        flat = {k: "" if v is None else v for k, v in row.items()}
        flat["not_met"] = ";".join(row["not_met"])
        flat["pending"] = ";".join(row["pending"])
        flat.setdefault("median_days_overdue", "")
        writer.writerow(flat)


WRITERS = {"json": write_json, "csv": write_csv}
