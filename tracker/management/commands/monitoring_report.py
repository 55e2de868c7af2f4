import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import monitoring, selectors
from tracker.monitoring.report import REPORT_KEYS

NESTED = ("baseline_lvef", "latest_lvef")
# The report's keys, with the nested LVEF objects flattened (interchange.md, CSV format).
CSV_COLUMNS = tuple(
    column
    for key in REPORT_KEYS
    for column in ((f"{key}_date", f"{key}_value", f"{key}_modality") if key in NESTED else (key,))
)


def _as_of(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: must be a date written YYYY-MM-DD, not {value!r}") from None


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


def monitoring_report(as_of: date, mrns=None) -> dict:
    patients = selectors.active_patients()
    if mrns:
        patients = patients.filter(mrn__in=mrns)
    return {
        "as_of": as_of.isoformat(),
        "patients": [
            monitoring.status_to_report(e.status, e.mrn)
            for e in selectors.evaluate_patients(patients, as_of)
        ],
    }


class Command(BaseCommand):
    help = "Print the monitoring report (interchange.md) of every patient, or of the given MRNs."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_as_of, help="evaluation date (default: today)")
        parser.add_argument("--mrn", nargs="+", action="extend", help="only these patients")
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args, as_of, mrn, format, **options):
        as_of = as_of or timezone.localdate()
        report = monitoring_report(as_of, mrn)
        if mrn:
            missing = sorted(set(mrn) - {p["mrn"] for p in report["patients"]})
            if missing:
                raise CommandError("unknown MRN: " + ", ".join(missing))
        out = self.stdout
        if format == "json":
            out.write(json.dumps(report, indent=2))
        else:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in report["patients"]:
                writer.writerow(flatten(row))
