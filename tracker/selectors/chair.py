"""The chair list's reads (issue 12 item 6): every patient with a course that has not ended,
evaluated afresh for the chosen day (monitoring.chair), in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, Subquery

from tracker.models import Infusion, RecommendationReview, TreatmentCourse
from tracker.monitoring import PatientStatus
from tracker.monitoring.chair import STATE_ORDER, ChairEntry, Weight, chair_entry, day_status
from tracker.monitoring.vocabulary import ChairState

from .records import active_patients, load_records, rule_settings


def review_pending_ids(
    patient_ids: Iterable[int], *, statuses: Mapping[int, PatientStatus]
) -> set[int]:
    """The patients whose recommendation waits for an oncologist's review (CHECK on the chair
    list): a review is called for (hold, discontinue, may resume, HOLD_NOT_ACTIONED; issue 12
    item 2) and none covers the day's evaluation. One query for the page, whatever its size."""
    from tracker.services.workflow import needs_review

    from .workflow import is_current

    wanted = {
        pk: status
        for pk in patient_ids
        if (status := statuses.get(pk)) is not None and needs_review(status)
    }
    if not wanted:
        return set()
    reviewed = {
        review.patient_id
        for review in RecommendationReview.objects.filter(
            patient_id__in=wanted, entered_in_error=False
        )
        if is_current(review, wanted[review.patient_id])
    }
    return set(wanted) - reviewed


@dataclass(frozen=True)
class ChairRow:
    pk: int
    mrn: str
    given_name: str
    family_name: str
    entry: ChairEntry

    @property
    def name(self) -> str:
        return f"{self.family_name}, {self.given_name}"


@dataclass(frozen=True)
class ChairList:
    day: date
    rows: list[ChairRow]

    @property
    def counts(self) -> dict[str, int]:
        counts = {state.value: 0 for state in ChairState}
        for row in self.rows:
            counts[row.entry.state.value] += 1
        return counts


def chair_list(day: date) -> ChairList:
    """The patients expected for an infusion on ``day``: stop first, then check, then go; the
    latest first within each."""
    not_ended = TreatmentCourse.objects.filter(
        patient=OuterRef("pk"), entered_in_error=False
    ).filter(Q(end_date__isnull=True) | Q(end_date__gt=day))
    patients = active_patients().filter(Exists(not_ended))
    weights = Infusion.objects.filter(
        course__patient=OuterRef("pk"),
        course__entered_in_error=False,
        entered_in_error=False,
        weight_kg__isnull=False,
        date__lte=day,
    ).order_by("-date", "-pk")
    people = list(
        patients.annotate(
            weight_kg=Subquery(weights.values("weight_kg")[:1]),
            weight_on=Subquery(weights.values("date")[:1]),
        ).values_list("pk", "mrn", "given_name", "family_name", "weight_kg", "weight_on")
    )
    records = load_records(patients.filter(pk__in=[p[0] for p in people]))
    rules = rule_settings()
    # One evaluation per patient, on the day and before the day's dose; the reviews read it.
    statuses = {pk: day_status(record, day, rules) for pk, record in records.items()}
    pending = review_pending_ids(statuses, statuses=statuses)
    rows = []
    for pk, mrn, given, family, kg, weighed in people:
        weight = Weight(weighed, kg) if kg is not None else None
        entry = chair_entry(
            records[pk],
            day,
            rules,
            review_pending=pk in pending,
            last_weight=weight,
            status=statuses[pk],
        )
        if entry is not None:
            rows.append(ChairRow(pk, mrn, given, family, entry))
    rows.sort(key=lambda r: (STATE_ORDER[r.entry.state], -r.entry.days_late, r.name, r.mrn))
    return ChairList(day, rows)
