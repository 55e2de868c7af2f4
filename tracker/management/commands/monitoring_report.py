import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import monitoring, selectors

CSV_COLUMNS = (
    "mrn",
    "phase",
    "baseline_lvef_date",
    "baseline_lvef_value",
    "baseline_lvef_modality",
    "latest_lvef_date",
    "latest_lvef_value",
    "latest_lvef_modality",
    "lvef_drop",
    "ctrcd",
    "next_assessment_due",
    "assessment_status",
    "recommendation",
    "cotreatment_risk",
    "doxorubicin_equivalent_mg_m2",
    "flags",
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
        if key in ("baseline_lvef", "latest_lvef"):
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
