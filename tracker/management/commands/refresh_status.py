import time

from django.core.management.base import BaseCommand

from tracker import services


class Command(BaseCommand):
    help = (
        "Recompute every patient's stored monitoring status for today. Run it nightly: hold "
        "ages, reload doses and follow-up windows move with the date. It commits chunk by chunk "
        "and may run beside the web app and beside another run of itself."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        stored = services.status_refresh_in_chunks()
        self.stdout.write(
            f"Refreshed the status of {stored} patients in {time.perf_counter() - started:.1f} s."
        )
