import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from devdata.synthetic import synthetic_document
from tracker import interchange
from tracker.models import Patient
from tracker.services import import_actor


class Command(BaseCommand):
    help = "Create N synthetic patients for benchmarks (never in production)."

    def add_arguments(self, parser):
        parser.add_argument("--patients", type=int, required=True)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, patients, seed, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_synthetic refuses to run with production settings.")
        if not 1 <= patients <= 1_000_000:
            raise CommandError("--patients: must be between 1 and 1000000")
        started = time.perf_counter()
        # Synthetic MRNs are S0000001...: continue after any already there.
        last = Patient.objects.filter(mrn__startswith="S").aggregate(m=Max("mrn"))["m"]
        first = int(last[1:]) + 1 if last and last[1:].isdigit() else 1
        doc = synthetic_document(patients, timezone.localdate(), seed=seed, start=first)
        result = interchange.import_document(doc, actor=import_actor())
        elapsed = time.perf_counter() - started
        self.stdout.write(f"Created {result.summary()} in {elapsed:.1f} s.")
