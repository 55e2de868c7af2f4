"""Bulk FHIR export (issue 15 item 2): every active patient's resources as NDJSON, one file per
resource type (Patient.ndjson, Observation.ndjson ...), as the FHIR Bulk Data format has it.
Streamed EXPORT_CHUNK patients at a time: memory and queries bounded by the chunk, not the
clinic."""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import selectors, services
from tracker.fhir import resources
from tracker.fhir.validation import problems
from tracker.selectors.export import EXPORT_CHUNK

TYPES = (
    "Patient",
    "MedicationAdministration",
    "Observation",
    "MedicationStatement",
    "Flag",
    "ServiceRequest",
)


def _as_of(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: must be a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Write every patient as FHIR R4 NDJSON files (one per resource type) into DIR."

    def add_arguments(self, parser):
        parser.add_argument("dir", help="the folder to write (created if missing)")
        parser.add_argument("--as-of", type=_as_of, help="evaluation date (default: today)")
        parser.add_argument(
            "--validate",
            action="store_true",
            help="check every resource against the FHIR R4 models (slower)",
        )

    def handle(self, *args, dir, as_of, validate, **options):
        folder = Path(dir)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"{dir}: cannot create the folder ({exc.strerror})") from None
        counts = dict.fromkeys(TYPES, 0)
        files = {kind: (folder / f"{kind}.ndjson").open("w", encoding="utf-8") for kind in TYPES}
        patients = 0
        exports = selectors.all_patient_exports(as_of or timezone.localdate(), EXPORT_CHUNK)
        try:
            for export in exports:
                patients += 1
                for resource in resources.patient_resources(export):
                    if validate and (found := problems(resource)):
                        raise CommandError(f"{resource['resourceType']}/{resource['id']}: {found}")
                    kind = resource["resourceType"]
                    files[kind].write(json.dumps(resource, ensure_ascii=False) + "\n")
                    counts[kind] += 1
        finally:
            for handle in files.values():
                handle.close()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        # The export reads every patient: one audit row for the run (no patient named).
        services.audit_event_record(
            "list_view", detail=f"FHIR bulk export (fhir_export): {patients} patients; {summary}"
        )
        self.stdout.write(self.style.SUCCESS(f"Wrote {patients} patients: {summary}."))
