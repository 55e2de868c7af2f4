import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker import services
from tracker.models import MonitoringStatus, QualityItems, RecommendationReview, ScanRequest
from tracker.ops.locks import REFRESH_STATUS_LOCK, advisory_lock, analyze
from tracker.selectors import quality


class Command(BaseCommand):
    help = (
        "Recompute every patient's stored monitoring status for today. Optional since stored "
        "statuses are re-evaluated on read when their date comes; nightly it keeps reads fast. "
        "It commits chunk by chunk and may run beside the web app; a second run at the same time "
        "(another host) waits for the first, or skips with --skip-if-running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--skip-if-running",
            action="store_true",
            help="do nothing (exit 0) when another refresh_status holds the lock",
        )
        parser.add_argument(
            "--no-quality",
            action="store_true",
            help="do not compute the quality dashboard's default page for today afterwards",
        )

    def handle(self, *args, skip_if_running, no_quality=False, **options):
        started = time.perf_counter()
        with advisory_lock(REFRESH_STATUS_LOCK, wait=not skip_if_running) as held:
            if not held:
                self.stdout.write("Another refresh_status is running; this one did nothing.")
                return
            stored = services.status_refresh_in_chunks()
            # Its chunks each wrote a change naming nobody: the rows before the last are done.
            services.forget_old_worklist_changes()
            # The workflow tables too: never analysed (autovacuum off, or too few rows yet), their
            # estimates made PostgreSQL compile the worklist's counts to machine code (issue 16).
            analyze(
                [m._meta.db_table for m in (MonitoringStatus, ScanRequest, RecommendationReview)]
            )
            if not no_quality:
                # Issue 14 item 4: the day's first view of the dashboard, on any app server,
                # then reads these shared items instead of computing every patient.
                quality.forget_old_shared(timezone.localdate())
                quality.warm_up()
                analyze([QualityItems._meta.db_table])
        self.stdout.write(
            f"Refreshed the status of {stored} patients in {time.perf_counter() - started:.1f} s."
        )
