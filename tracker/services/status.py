"""The stored status (MonitoringStatus): recomputed in the transaction of every write that can
change it, upserted patient by patient under the patient's lock; refreshed in chunks."""

import secrets

from django.db import transaction
from django.utils import timezone

from tracker.models import (
    MonitoringStatus,
    Patient,
    WorklistChange,
    WorklistVersion,
)
from tracker.monitoring.lvef import HOLD_RECOMMENDATIONS

from .records import lock_patients

# S6's two flags depend on the day the status is read, not on the records: they are derived
# from the stored due date when the status is read (selectors.stored_row).
DATE_DERIVED_FLAGS = frozenset({"ASSESSMENT_OVERDUE", "ASSESSMENT_DUE_SOON"})
STATUS_CHUNK = 2000


def _status_row(evaluated, today, now) -> MonitoringStatus:
    s = evaluated.status
    stored_flags = [code for code in s.flags if code not in DATE_DERIVED_FLAGS]
    return MonitoringStatus(
        patient_id=evaluated.pk,
        evaluated_for=today,
        evaluated_at=now,
        stable_until=s.stable_until,
        rules_version=s.rules_version,
        rule_set=str(s.rule_set),
        profile=s.profile,
        phase=s.phase,
        next_assessment_due=s.next_assessment_due,
        recommendation=s.recommendation,
        recommendation_reason=s.recommendation_reason,
        cotreatment_risk=s.cotreatment_risk,
        ctrcd=s.ctrcd,
        baseline_value=s.baseline.value if s.baseline else None,
        baseline_date=s.baseline.date if s.baseline else None,
        latest_value=s.latest.value if s.latest else None,
        latest_date=s.latest.date if s.latest else None,
        latest_modality=s.latest.modality if s.latest else "",
        lvef_drop=s.lvef_drop,
        doxorubicin_equivalent_mg_m2=s.doxorubicin_equivalent_mg_m2,
        flags=f";{';'.join(stored_flags)};" if stored_flags else "",
        hold_recommended=s.recommendation in HOLD_RECOMMENDATIONS,
        **{column: code in s.flags for column, code in MonitoringStatus.SECTION_FLAGS.items()},
    )


def _status_update_fields() -> list[str]:
    return [f.name for f in MonitoringStatus._meta.concrete_fields if not f.primary_key]


@transaction.atomic
def status_refresh(patient_ids=None, *, today=None) -> int:
    """Recompute the stored status of these patients (all when None), in the caller's
    transaction; returns how many were stored. Patients entered in error lose theirs.

    Each chunk locks its patients first (lock_patients), then evaluates and upserts: no
    delete-then-insert, so a refresh beside a clinician's save, or beside another refresh on
    another app server, waits for it instead of colliding on the status row (finding 1)."""
    from tracker import selectors  # reads; imported here to keep the module graph one-way

    today = today or timezone.localdate()
    now = timezone.now()
    if patient_ids is None:
        patient_ids = list(Patient.objects.order_by("pk").values_list("pk", flat=True))
    ids = sorted(set(patient_ids))
    stored = 0
    for start in range(0, len(ids), STATUS_CHUNK):
        chunk = ids[start : start + STATUS_CHUNK]
        lock_patients(*chunk)
        evaluated = selectors.evaluate_patients(
            selectors.active_patients().filter(pk__in=chunk), today
        )
        active = [e.pk for e in evaluated]
        MonitoringStatus.objects.filter(patient_id__in=chunk).exclude(
            patient_id__in=active
        ).delete()
        MonitoringStatus.objects.bulk_create(
            [_status_row(e, today, now) for e in evaluated],
            batch_size=500,
            update_conflicts=True,
            unique_fields=["patient"],
            update_fields=_status_update_fields(),
        )
        stored += len(evaluated)
    worklist_changed(ids)
    return stored


def status_refresh_in_chunks(patient_ids=None, *, today=None) -> int:
    """status_refresh, one committed transaction per chunk: a long refresh (the nightly run,
    the refresh after a large import) holds no lock for longer than one chunk, so the web app
    keeps working beside it, and SQLite's single write lock is free between chunks
    (finding 4). A patient written meanwhile is recomputed by that write itself."""
    if patient_ids is None:
        patient_ids = Patient.objects.order_by("pk").values_list("pk", flat=True)
    ids = sorted(set(patient_ids))
    stored = 0
    for start in range(0, len(ids), STATUS_CHUNK):
        stored += status_refresh(ids[start : start + STATUS_CHUNK], today=today)
    return stored


# Above this many patients, one change names none (patient_id None): the readers read the
# whole worklist again rather than a long list of patients (selectors.worklist).
CHANGE_NAMES_AT_MOST = 100


def worklist_changed(patient_ids=None) -> None:
    """Name the new state of the stored statuses and workflow records (models.WorklistVersion),
    and which patients it changed (models.WorklistChange; None: any of them), in the caller's
    transaction: the worklist stops reusing what it read of the old state, and brings itself up
    to date from these patients alone. The version is one UPDATE of one row (no read-modify-
    write); the row is created by an upsert if a test flush removed it, so two writers creating
    it at once do not collide. The change rows come after it: its lock orders the writers."""
    version = secrets.randbits(62)
    ids = sorted(set(patient_ids)) if patient_ids is not None else None
    with transaction.atomic():
        if not WorklistVersion.objects.filter(pk=1).update(version=version):
            WorklistVersion.objects.bulk_create(
                [WorklistVersion(pk=1, version=version)],
                update_conflicts=True,
                unique_fields=["id"],
                update_fields=["version"],
            )
        if ids is None or len(ids) > CHANGE_NAMES_AT_MOST:
            ids = [None]
        WorklistChange.objects.bulk_create(
            [WorklistChange(after=version, patient_id=pk) for pk in ids]
        )


def forget_old_worklist_changes() -> int:
    """Delete the change rows before the last one that names no patient (nightly, after the
    refresh wrote one): a reader that kept an older state meets that row, or misses the row it
    stopped at, and reads the whole worklist again either way."""
    last = (
        WorklistChange.objects.filter(patient_id__isnull=True)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    if last is None:
        return 0
    deleted, _ = WorklistChange.objects.filter(id__lt=last).delete()
    return deleted


STALE_BATCH = 500
# (rules version, rule set) pairs this process has already brought every stored status up to:
# after that, only rows whose stable_until has come need a look (an indexed range).
_current_rules: set[tuple[str, str]] = set()


def status_refresh_stale(today=None) -> int:
    """Re-evaluate, in bounded batches, the stored statuses that may have changed without a
    write (issue 10 item 5): those whose stable_until has come, and — once per process — those
    evaluated by other rules (an older RULES_VERSION or another RULE_SET). Every read of stored
    statuses calls this first, so the nightly refresh_status is only an optimisation."""
    from django.conf import settings
    from django.db.models import Q

    from tracker.monitoring import RULES_VERSION

    today = today or timezone.localdate()
    rules = (RULES_VERSION, settings.RULE_SET)
    condition = Q(stable_until__lte=today)
    if rules not in _current_rules:
        condition |= ~Q(rules_version=RULES_VERSION) | ~Q(rule_set=settings.RULE_SET)
    # In stable_until order, so that the index gives the range (by patient id the database
    # walked every status to find none: 110-170 ms a page at 100,000 patients; issue 16).
    stale = MonitoringStatus.objects.filter(condition).order_by("stable_until", "patient_id")
    refreshed, done = 0, set()
    while ids := [
        pk for pk in stale.values_list("patient_id", flat=True)[:STALE_BATCH] if pk not in done
    ]:
        status_refresh(ids, today=today)
        done.update(ids)
        refreshed += len(ids)
    _current_rules.add(rules)
    return refreshed
