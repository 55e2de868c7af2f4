from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker.interchange import report
from tracker.monitoring.vocabulary import RuleSet


def _as_of(value):
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of: must be a date written YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Print the monitoring report (interchange.md) of every patient, or of the given MRNs."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_as_of, help="evaluation date (default: today)")
        parser.add_argument("--mrn", nargs="+", action="extend", help="only these patients")
        parser.add_argument("--format", choices=tuple(report.WRITERS), default="json")
        parser.add_argument(
            "--rule-set",
            choices=[r.value for r in RuleSet],
            help="the rule set for this report only (default: the RULE_SET setting)",
        )

    def handle(self, *args, as_of, mrn, format, rule_set, **options):
        # Streamed: each chunk of patients is written as soon as it is evaluated (issue 16).
        built = report.Report(as_of or timezone.localdate(), mrn, rule_set)
        missing = built.missing(mrn or ())
        if missing:
            raise CommandError("unknown MRN: " + ", ".join(missing))
        report.WRITERS[format](built, _Unended(self.stdout))
        if format == "json":
            self.stdout.write("")  # the one line end after the document, as before


class _Unended:
    """The command's output as a plain stream: OutputWrapper ends every write with a line end,
    and the report is written piece by piece."""

    def __init__(self, out):
        self.out = out

    def write(self, text: str) -> None:
        self.out.write(text, ending="")
