from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from tracker.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into the configured database, which must be "
        "empty (a new database, not yet migrated): the backup brings its own schema."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="restore even though the database has tables"
        )

    def handle(self, *args, file, replace, **options):
        tables = connection.introspection.table_names()
        if tables and not replace:
            raise CommandError(
                f"The database already has {len(tables)} tables; restore into a new, empty "
                "database, or pass --replace to overwrite it."
            )
        try:
            restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {file}.")
