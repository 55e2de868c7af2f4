import secrets

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from devdata.demo import demo_document, demo_workflow
from tracker import interchange, services
from tracker.models import LvefMeasurement, Patient, RecommendationReview, User
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
            staff = {row[0]: User.objects.get(username=row[0]) for row in DEMO_STAFF}
            follow_through = load_demo_workflow(timezone.localdate(), staff)
        self.stdout.write(self.style.SUCCESS(f"Demo data: created {result.summary()}."))
        self.stdout.write(f"Follow-through (issue 12): {follow_through} records.")
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


def load_demo_workflow(today, staff) -> int:
    """The demo's scan requests, reviews and contacts (devdata.demo.demo_workflow), through the
    services, as the demo staff would record them."""
    from datetime import timedelta

    count = 0
    for item in demo_workflow():
        patient = Patient.objects.get(mrn=item["mrn"])
        actor = staff[item["by"]]
        kind = item["record"]
        if kind == "scan":
            _demo_scan(patient, actor, item, today, timedelta)
        elif kind == "review":
            _demo_review(patient, actor, item, today)
        else:
            services.contact_create(
                actor=actor,
                patient=patient,
                date=today - timedelta(days=item["days"]),
                method=item["method"],
                outcome=item["outcome"],
                notes=item["note"],
            )
        count += 1
    return count


def _demo_scan(patient, actor, item, today, timedelta):
    if item.get("close") == "done":  # the LVEF recorded after the request closed it
        latest = patient.lvef_measurements.filter(entered_in_error=False).order_by("date").last()
        request = services.scan_request_create(
            actor=actor, patient=patient, requested_on=latest.date - timedelta(days=14)
        )
        services.scan_request_close(
            request, actor=actor, state="done", closed_on=latest.date, lvef=latest
        )
        return
    requested = today - timedelta(days=item["requested"])
    request = services.scan_request_create(actor=actor, patient=patient, requested_on=requested)
    if item.get("close") == "entered_in_error":
        services.mark_entered_in_error(request, actor=actor, reason=item["reason"])
        return
    if "booked_for" in item:
        request = services.scan_request_book(
            request,
            actor=actor,
            booked_for=today + timedelta(days=item["booked_for"]),
            place=item.get("place", ""),
            booked_on=requested + timedelta(days=1),
        )
    if item.get("close") == "did_not_attend":
        services.scan_request_close(
            request, actor=actor, state="did_not_attend", closed_on=request.booked_for
        )
    elif item.get("close") == "cancelled":
        services.scan_request_close(
            request,
            actor=actor,
            state="cancelled",
            closed_on=requested + timedelta(days=2),
            reason=item["reason"],
        )


def _demo_review(patient, actor, item, today):
    if not item["stale"]:
        services.review_create(
            actor=actor,
            patient=patient,
            date=today,
            decision=item["decision"],
            reason=item["reason"],
        )
        return
    # A review made on the LVEF before the latest: no longer current (issue 12 item 2).
    earlier = list(
        LvefMeasurement.objects.filter(patient=patient, entered_in_error=False).order_by(
            "-date", "-pk"
        )[:2]
    )[-1]
    review = RecommendationReview(
        patient=patient,
        date=earlier.date,
        decision=item["decision"],
        reason=item["reason"],
        reviewed_by=actor,
        recommendation="hold",
        lvef=earlier,
        lvef_date=earlier.date,
        lvef_value=earlier.value,
        created_by=actor,
        updated_by=actor,
    )
    review._history_user = actor
    review.full_clean()
    review.save()
