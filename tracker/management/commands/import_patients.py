from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker import interchange, services
from tracker.services import import_actor


class Command(BaseCommand):
    help = "Import patients from a JSON file (docs: interchange.md). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the JSON document")
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")

    def handle(self, *args, file, dry_run, **options):
        # A file name that is not valid UTF-8 (os.fsdecode's surrogates) is still printable and
        # storable in the audit detail.
        path, file = (
            file,
            file.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"),
        )
        try:
            # Read as a stream, validated and written in batches (issue 16: memory bounded by
            # a batch, not the file); still one transaction, all or nothing.
            with open(path, encoding="utf-8") as stream, transaction.atomic():
                doc = interchange.DocumentStream(stream)
                actor = None if dry_run else import_actor()
                result = interchange.import_document(doc, actor=actor, dry_run=dry_run)
                if not dry_run:  # the audit event commits with the data, or neither
                    services.audit_event_record(
                        "import", user=actor, detail=f"{file}: {result.summary()}"
                    )
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc.reason
            raise CommandError(f"{file}: cannot read the file ({reason})") from None
        except interchange.ImportFailed as failure:
            for error in failure.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{failure.total:,} error(s) in {file}; nothing was written."
            ) from None
        if dry_run:
            self.stdout.write(f"Dry run: {file} is valid and would create {result.summary()}.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Created {result.summary()}."))
