import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from devdata.demo import demo_document
from tracker import interchange
from tracker.models import Patient, User
from tracker.services import import_actor

# (username, first name, last name, role: a group of tracker/roles.py, or None for a superuser)
DEMO_STAFF = (
    ("admin", "Alex", "Admin", None),
    ("nurse", "Nora", "Navigator", "nurse"),
    ("oncologist", "Olu", "Oncologist", "oncologist"),
    ("cardiology", "Cara", "Cardiologist", "cardiology"),
    ("viewer", "Vic", "Viewer", "viewer"),
)


class Command(BaseCommand):
    help = "Load the demo patients (every flag of clinical-rules.md) and demo staff users."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when patients already exist"
        )
        parser.add_argument(
            "--password",
            help="password for every demo user (default: a random one per user, printed)",
        )

    def handle(self, *args, if_empty, password, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError("seed_demo refuses to run with production settings.")
        if Patient.objects.exists():
            if if_empty:
                self.stdout.write("Patients already exist: demo data not loaded.")
                return
            raise CommandError("The database already has patients; seed_demo loads an empty one.")
        with transaction.atomic():
            result = interchange.import_document(
                demo_document(timezone.localdate()), actor=import_actor()
            )
            credentials = [self._user(row, password) for row in DEMO_STAFF]
        self.stdout.write(self.style.SUCCESS(f"Demo data: created {result.summary()}."))
        self.stdout.write("Demo staff users (log in at /accounts/login/):")
        for username, user_password in credentials:
            self.stdout.write(f"  {username:<28} {user_password}")

    def _user(self, row, password):
        username, first, last, role = row
        password = password or secrets.token_urlsafe(12)
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.is_staff = True
        user.is_superuser = role is None
        user.set_password(password)
        user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
        return f"{username} ({role or 'administrator'})", password
