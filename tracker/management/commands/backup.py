from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the whole database to FILE while the app runs (SQLite: its "
        "online backup API; PostgreSQL: pg_dump in custom format)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file, **options):
        try:
            backup(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written to {file} ({file.stat().st_size:,} bytes).")
