"""The stored statuses (MonitoringStatus) as rows for the screens; S6 derived in SQL from today."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, CharField, Q, QuerySet, Value, When

from tracker import monitoring
from tracker.models import (
    MonitoringStatus,
    Patient,
    WorklistChange,
)

from .records import EvaluatedPatient
from .search import searched_ids


def assessment_status_ranges(today: date) -> dict[str, Q]:
    """S6 in SQL, from the stored due date and today, so it is right even if the nightly refresh
    was missed: overdue when today is after the due date; due soon when today is within the
    window before it, or on it. Ranges on the due date, so that the index answers them."""
    soon = today + timedelta(days=settings.ASSESSMENT_DUE_SOON_DAYS)
    return {
        "not_required": Q(next_assessment_due__isnull=True),
        "overdue": Q(next_assessment_due__lt=today),
        "due_soon": Q(next_assessment_due__gte=today, next_assessment_due__lte=soon),
        "ok": Q(next_assessment_due__gt=soon),
    }


def with_assessment_status(statuses: QuerySet[MonitoringStatus], today: date):
    ranges = assessment_status_ranges(today)
    return statuses.annotate(
        assessment_status=Case(
            *(When(condition, then=Value(status)) for status, condition in ranges.items()),
            output_field=CharField(),
        )
    )


def _stored_lvef(value, day, modality):
    if value is None:
        return None
    return monitoring.LvefMeasurement(day, value, modality)


# What the screens read of a stored status: values, not model instances (a worklist reads up
# to 90 rows and a page of the patient list 50; building instances cost more than the SQL).
ROW_FIELDS = (
    "patient_id",
    "patient__mrn",
    "patient__given_name",
    "patient__family_name",
    "patient__date_of_birth",
    "phase",
    "next_assessment_due",
    "assessment_status",
    "recommendation",
    "recommendation_reason",
    "cotreatment_risk",
    "ctrcd",
    "baseline_value",
    "baseline_date",
    "latest_value",
    "latest_date",
    "latest_modality",
    "lvef_drop",
    "doxorubicin_equivalent_mg_m2",
    "flags",
)


def stored_rows(statuses: QuerySet[MonitoringStatus], today: date) -> list[EvaluatedPatient]:
    return [stored_row(values, today) for values in statuses.values(*ROW_FIELDS)]


def stored_row(row: dict, today: date) -> EvaluatedPatient:
    """A stored status (values of ROW_FIELDS, with the SQL assessment_status) in the shape the
    screens use for a fresh evaluation; S6's flags come from the status of today."""
    due = row["next_assessment_due"]
    return EvaluatedPatient(
        row["patient_id"],
        row["patient__mrn"],
        row["patient__given_name"],
        row["patient__family_name"],
        row["patient__date_of_birth"],
        monitoring.PatientStatus(
            as_of=today,
            phase=row["phase"],
            baseline=_stored_lvef(row["baseline_value"], row["baseline_date"], ""),
            latest=_stored_lvef(row["latest_value"], row["latest_date"], row["latest_modality"]),
            lvef_drop=row["lvef_drop"],
            ctrcd=row["ctrcd"],
            next_assessment_due=due,
            days_until_due=(due - today).days if due else None,
            assessment_status=row["assessment_status"],
            recommendation=row["recommendation"],
            recommendation_reason=row["recommendation_reason"],
            cotreatment_risk=row["cotreatment_risk"],
            doxorubicin_equivalent_mg_m2=row["doxorubicin_equivalent_mg_m2"],
            flags=flags_of(row["flags"], row["assessment_status"]),
        ),
    )


def flags_of(stored: str, assessment_status: str) -> tuple[str, ...]:
    """A stored status's flags as of today: the stored ones (";"-separated) and S6's from the
    status of today (the SQL assessment_status), sorted."""
    flags = [code for code in stored.split(";") if code]
    if assessment_status == "overdue":
        flags.append("ASSESSMENT_OVERDUE")
    elif assessment_status == "due_soon":
        flags.append("ASSESSMENT_DUE_SOON")
    return tuple(sorted(set(flags)))


def bring_up_to_date(today: date) -> int:
    """Before stored statuses are read: re-evaluate those that may have changed with the date
    or the rules (services.status_refresh_stale; issue 10 item 5). One indexed query when
    nothing is stale."""
    from tracker.services.status import status_refresh_stale  # the read-repair seam

    return status_refresh_stale(today)


def stored_statuses(
    today: date, query: str = "", *, current: bool = True
) -> QuerySet[MonitoringStatus]:
    """The stored statuses (matching the search), as of today; `current=False` when the caller
    has just brought them up to date."""
    if current:
        bring_up_to_date(today)
    # Patients entered in error have no stored status (services.status_refresh).
    statuses = MonitoringStatus.objects.all()
    if query:
        for ids in searched_ids(query):  # by patient id: no lookup of each match's patient
            statuses = statuses.filter(patient_id__in=ids)
    return with_assessment_status(statuses, today)


def patient_stored_row(patient: Patient, today: date) -> EvaluatedPatient | None:
    """One patient's stored status as a row (the letter, the chair list); None when the patient
    has none (entered in error)."""
    rows = stored_rows(stored_statuses(today).filter(patient=patient), today)
    return rows[0] if rows else None


# More change rows than this since the kept one: a reader reads everything again instead.
CHANGES_FOLLOWED_AT_MOST = 500


def last_change() -> tuple[int, int] | None:
    """(id, version) of the last WorklistChange, to follow on from; None when there is none.
    Read BEFORE what is kept from it: a change committed in between is followed again, which
    gives the same state."""
    return WorklistChange.objects.order_by("-id").values_list("id", "after").first()


def changes_since(kept: tuple[int, int] | None) -> tuple[set[int], tuple[int, int]] | None:
    """The patients changed since the kept change (models.WorklistChange) and the last change
    now, for what a process keeps of the stored statuses and workflow records (the worklist,
    the chair list); None when the rows do not follow on from the kept one (deleted by the
    nightly refresh, a rolled-back test database), name nobody, are too many, or there are none
    though the version changed: the caller then reads everything again."""
    if kept is None:
        return None
    kept_id, kept_after = kept
    rows = list(
        WorklistChange.objects.filter(id__gte=kept_id)
        .order_by("id")
        .values_list("id", "after", "patient_id")[: CHANGES_FOLLOWED_AT_MOST + 2]
    )
    if not rows or rows[0][:2] != (kept_id, kept_after):
        return None
    later = rows[1:]
    if not later or len(later) > CHANGES_FOLLOWED_AT_MOST:
        return None
    patients = {patient for _, _, patient in later}
    if None in patients:
        return None
    last_id, last_after, _ = later[-1]
    return patients, (last_id, last_after)
