from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.interchange import quality_report


def _date_of(option):
    def parse(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"{option}: must be a date written YYYY-MM-DD, not {value!r}"
            ) from None

    return parse


class Command(BaseCommand):
    help = (
        "Print the quality measures Q1-Q7 (quality-measures.md) for the period [--from, --to], "
        "evaluated at --as-of. JSON as the spec's report format; CSV: one row per measure with "
        "the columns id, denominator, numerator, percent, not_met and pending (MRNs joined "
        "with ';') and median_days_overdue (Q7 only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from",
            dest="start",
            metavar="YYYY-MM-DD",
            required=True,
            type=_date_of("--from"),
            help="first day of the period, YYYY-MM-DD",
        )
        parser.add_argument(
            "--to",
            dest="end",
            metavar="YYYY-MM-DD",
            required=True,
            type=_date_of("--to"),
            help="last day of the period, YYYY-MM-DD (inclusive)",
        )
        parser.add_argument(
            "--as-of",
            metavar="YYYY-MM-DD",
            type=_date_of("--as-of"),
            help="evaluation date (default: today)",
        )
        parser.add_argument("--format", choices=tuple(quality_report.WRITERS), default="json")

    def handle(self, *args, start, end, as_of, format, **options):
        if start > end:
            raise CommandError(f"--from: {start.isoformat()} is after --to {end.isoformat()}")
        built = quality_report.build_quality_report(start, end, as_of or timezone.localdate())
        quality_report.WRITERS[format](built, self.stdout)
