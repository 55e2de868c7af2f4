"""The quality measures Q1-Q7 of quality-measures.md, from the records, for a period.

Pure Python like the rules, and built from them: the episodes are the runs of section 0
(``definitions.runs``), B is B1 (``baseline.baseline_for_first_infusion``), the hold criteria are
H1 (``lvef.hold_criterion``) at each measurement's own date (``build_context``, ``phase_of``,
``baseline_of``), the recheck interval is the profile's (``profile_for``), and Q7 is S6 of
``evaluate``. Nothing here restates a threshold of clinical-rules.md.

Pending (quality-measures.md): an item is met as soon as its condition is; not met once its window
has closed without it; pending in between. A window closes on its last day: records dated on
as_of are part of the evaluation, so at as_of = the window's last day it is decided.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from statistics import median

from .baseline import baseline_for_first_infusion, baseline_of
from .dates import add_days, add_months, add_months_then_days
from .definitions import EPISODE_GAP_DAYS, Context, build_context, infusion_days, runs
from .lvef import hold_criterion
from .phase import phase_of
from .profiles import Profile, profile_for
from .records import Course, LvefMeasurement, PatientRecord
from .rule_settings import DEFAULT_SETTINGS, RuleSettings
from .schedule import COMPLETION_WINDOW_DAYS, assessment_status, next_assessment_due
from .vocabulary import EARLY_STAGE_INTENTS, TREATMENT_PHASES, AssessmentStatus, HoldReason, Phase
from .wording import day, days, number

# Q1 (Tang 2021; Chavez-MacGregor 2015): an LVEF from F - 120 days to F + 30 days.
Q1_BEFORE_DAYS = 120
Q1_AFTER_DAYS = 30
# Q2 (Chavez-MacGregor 2015, "at least one assessment every 4 months"): episodes of at least 120
# days, no stretch between assessments longer than 120 days.
Q2_MIN_EPISODE_DAYS = 120
Q2_MAX_STRETCH_DAYS = 120
# Q4 (rule S5): follow-up stretches of at most 6 months + 28 days, until E + 24 months - 28 days.
Q4_FOLLOW_UP_MONTHS = 24
Q4_FINAL_GRACE_DAYS = 28
Q4_STRETCH_MONTHS = 6
Q4_STRETCH_DAYS = 28
# Q5: the hold (or the review decision) within 7 days of the decline.
Q5_ACTION_DAYS = 7
# Q6: the repeat within the recheck interval + 7 days of the hold's start.
Q6_GRACE_DAYS = 7
# Q7: the phases counted at the period's end.
Q7_PHASES = (Phase.PLANNED, Phase.ACTIVE, Phase.HELD, Phase.COMPLETED, Phase.DISCONTINUED)

MEASURE_IDS = ("Q1", "Q1s", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7")

MET, NOT_MET, PENDING = "met", "not_met", "pending"


@dataclass(frozen=True, slots=True)
class Published:
    """A published comparison, shown beside the clinic's figure (quality-measures.md table)."""

    measure: str
    percent: Decimal
    population: str
    source: str
    note: str = ""


PUBLISHED = (
    Published("Q1", Decimal("88.7"), "Australia, national claims 2015-19",
              "Tang, Breast Cancer Res Treat 2021"),
    Published("Q2", Decimal("36.0"), "SEER-Medicare, age ≥ 66, adjuvant, 2005-09",
              "Chavez-MacGregor, J Clin Oncol 2015"),
    Published("Q2", Decimal("46.2"), "US commercial claims (MarketScan) 2009-14",
              "JACC Cardiovasc Imaging 2018"),
    Published("Q2", Decimal("63.1"), "Australia, national claims 2015-19", "Tang 2021"),
    Published("Q5", Decimal("78"), "one US centre, 2019", "NCCN QIM19-132", "22 % not held"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Episode:
    """One run of infusions of the whole history (quality-measures.md, "Episodes")."""

    first: date  # F
    last: date  # its last infusion
    course: Course  # the latest course, in planned-start order, with an infusion in the run
    profile: Profile
    end: date | None  # E
    baseline: LvefMeasurement | None  # B


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    denominator: int
    numerator: int
    percent: Decimal | None
    not_met: tuple[str, ...]
    pending: tuple[str, ...]
    median_days_overdue: Decimal | int | float | None = None  # Q7 only


def percent(numerator: int, denominator: int) -> Decimal | None:
    """numerator / denominator x 100, rounded half-even to one decimal; None when empty."""
    if denominator == 0:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_EVEN
    )


def _measure(measure_id: str, outcomes: Iterable[tuple[str, str]], *, met: int, **extra) -> Measure:
    """From (patient key, outcome) per item not met or pending (the ItemStore keeps met items
    as counts only), and the ``met`` items counted: figures count items, lists count patients."""
    not_met = 0
    missed, waiting = set(), set()
    for key, outcome in outcomes:
        if outcome == NOT_MET:
            not_met += 1
            missed.add(key)
        else:
            waiting.add(key)
    denominator = met + not_met
    return Measure(
        measure_id,
        denominator,
        met,
        percent(met, denominator),
        tuple(sorted(missed)),
        tuple(sorted(waiting)),
        **extra,
    )


def _decided(met: bool, closes: date, as_of: date) -> str:
    if met:
        return MET
    return NOT_MET if as_of >= closes else PENDING


def episodes(ctx: Context) -> list[Episode]:
    """Every run of infusions up to ctx.as_of, with its F, course, profile, E and B."""
    courses = ctx.courses
    days_of = [infusion_days(c, ctx.as_of) for c in courses]
    found = []
    for first, last in runs(list(ctx.all_infusions)):
        index = max(i for i, d in enumerate(days_of) if any(first <= x <= last for x in d))
        course = courses[index]
        end = course.end_date
        ended = (
            end is not None
            and end <= ctx.as_of
            # no infusion of the course in a later run
            and days_of[index][-1] <= last
            # no later course, not started yet, planned to continue the run
            and not any(
                not days_of[j] and (courses[j].planned_start - last).days <= EPISODE_GAP_DAYS
                for j in range(index + 1, len(courses))
            )
        )
        found.append(
            Episode(
                first,
                last,
                course,
                profile_for(course.agent, course.intent, ctx.settings.rule_set),
                end if ended else None,
                baseline_for_first_infusion(ctx, first),
            )
        )
    return found


def _lvef_between(ctx: Context, low: date, high: date) -> bool:
    return any(low <= m.date <= high for m in ctx.lvefs)


# Each function returns (outcome, the reason in words when not met or pending). The reasons are
# for the drill-down lists: plain sentences, the measure id after the words.


def _q1(ctx: Context, ep: Episode) -> tuple[str, str]:
    low, closes = add_days(ep.first, -Q1_BEFORE_DAYS), add_days(ep.first, Q1_AFTER_DAYS)
    outcome = _decided(_lvef_between(ctx, low, closes), closes, ctx.as_of)
    if outcome == NOT_MET:
        return outcome, (
            f"No LVEF from {day(low)} to {day(closes)} around the first infusion on "
            f"{day(ep.first)} (Q1)."
        )
    if outcome == PENDING:
        return outcome, (
            f"First infusion on {day(ep.first)}: an LVEF can still be recorded until "
            f"{day(closes)} (Q1)."
        )
    return outcome, ""


def _q1s(ep: Episode) -> tuple[str, str]:
    if ep.baseline is not None:
        return MET, ""
    return NOT_MET, (
        f"No baseline LVEF in the 3 months up to the first infusion on {day(ep.first)} (B1, Q1s)."
    )


def _q2(ctx: Context, ep: Episode) -> tuple[str, str]:
    q1, _ = _q1(ctx, ep)
    if q1 != MET:  # never pending here: E - F >= 120 days, so F + 30 has passed
        return NOT_MET, (
            f"No LVEF around the first infusion on {day(ep.first)} (Q1 not met), so the "
            "monitoring on treatment does not count as adequate (Q2)."
        )
    points = [ep.first, *(m.date for m in ctx.lvefs if ep.first <= m.date <= ep.end), ep.end]
    stretches = [(b - a).days for a, b in zip(points, points[1:], strict=False)]
    longest = max(stretches)
    if longest <= Q2_MAX_STRETCH_DAYS:
        return MET, ""
    index = stretches.index(longest)
    return NOT_MET, (
        f"{days(longest)} without an LVEF from {day(points[index])} to "
        f"{day(points[index + 1])} on treatment, more than {Q2_MAX_STRETCH_DAYS} days (Q2)."
    )


def _q3(ctx: Context, ep: Episode) -> tuple[str, str]:
    low, closes = (
        add_days(ep.end, -COMPLETION_WINDOW_DAYS),
        add_days(ep.end, COMPLETION_WINDOW_DAYS),
    )
    outcome = _decided(_lvef_between(ctx, low, closes), closes, ctx.as_of)
    if outcome == NOT_MET:
        return outcome, (
            f"No LVEF from {day(low)} to {day(closes)} around the end of treatment on "
            f"{day(ep.end)} (Q3)."
        )
    if outcome == PENDING:
        return outcome, (
            f"Treatment ended on {day(ep.end)}: an LVEF can still be recorded until "
            f"{day(closes)} (Q3)."
        )
    return outcome, ""


def _q4(ctx: Context, ep: Episode) -> tuple[str, str]:
    final = add_months_then_days(ep.end, Q4_FOLLOW_UP_MONTHS, -Q4_FINAL_GRACE_DAYS)
    previous = ep.end
    for m in ctx.lvefs:
        if m.date <= ep.end:
            continue
        due = add_months_then_days(previous, Q4_STRETCH_MONTHS, Q4_STRETCH_DAYS)
        if m.date > due:
            return NOT_MET, _q4_gap(ep, previous, due)
        if m.date >= final:
            return MET, ""
        previous = m.date
    closes = add_months_then_days(previous, Q4_STRETCH_MONTHS, Q4_STRETCH_DAYS)
    if ctx.as_of >= closes:
        return NOT_MET, _q4_gap(ep, previous, closes)
    return PENDING, (
        f"Follow-up after treatment ended on {day(ep.end)} goes on: the next LVEF is due by "
        f"{day(closes)} (Q4)."
    )


def _q4_gap(ep: Episode, previous: date, due: date) -> str:
    since = "the end of treatment" if previous == ep.end else "the LVEF"
    return (
        f"No LVEF within 6 months and 28 days of {since} on {day(previous)} (due by {day(due)}) "
        f"in the follow-up after treatment ended on {day(ep.end)} (Q4)."
    )


def _meets_hold_criteria(
    record: PatientRecord, m: LvefMeasurement, settings
) -> tuple[bool, Context]:
    """Q5: M judged by the rules as they stood on M's date (phase, profile, B, H1)."""
    then = build_context(record, m.date, settings)
    criterion = hold_criterion(then.profile, m, baseline_of(then), settings.lln)
    return criterion is not None and phase_of(then) in TREATMENT_PHASES, then


def _q5(
    ctx: Context,
    m: LvefMeasurement,
    then: Context,
    reviews: tuple[date, ...],
) -> tuple[str, str]:
    closes = add_days(m.date, Q5_ACTION_DAYS)
    if any(m.date <= r <= closes for r in reviews):
        return MET, ""
    for h in (h for c in ctx.courses for h in c.holds):
        if h.entered_in_error or h.reason != HoldReason.CARDIAC or h.start > ctx.as_of:
            continue
        if h.start < then.first_infusion:
            continue  # not a hold of the episode of M's date (its holds start on or after F)
        open_on_m = h.start <= m.date and (h.end is None or h.end > m.date)
        soon = m.date <= h.start <= closes and not any(
            m.date < d < h.start for d in ctx.all_infusions
        )
        if open_on_m or soon:
            return MET, ""
    decline = f"LVEF {number(m.value)}% on {day(m.date)} met the hold criteria (H1)"
    if ctx.as_of >= closes:
        return NOT_MET, (
            f"{decline}; no cardiac hold before the next infusion and no review by "
            f"{day(closes)} (Q5)."
        )
    return (
        PENDING,
        f"{decline}; a cardiac hold or a review can still follow until {day(closes)} (Q5).",
    )


def _q6(ctx: Context, h, recheck: int) -> tuple[str, str]:
    closes = add_days(h.start, recheck + Q6_GRACE_DAYS)
    met = any(h.start < m.date <= closes for m in ctx.lvefs)
    outcome = _decided(met, closes, ctx.as_of)
    if outcome == NOT_MET:
        return outcome, (
            f"Cardiac hold from {day(h.start)}: no repeat LVEF by {day(closes)} (the recheck "
            f"interval of {days(recheck)} and 7 days) (Q6)."
        )
    if outcome == PENDING:
        return outcome, (
            f"Cardiac hold from {day(h.start)}: the repeat LVEF can still be recorded until "
            f"{day(closes)} (Q6)."
        )
    return outcome, ""


@dataclass(frozen=True, slots=True)
class Item:
    """One counted thing of one measure (an episode, a measurement, a hold, a patient at a day):
    ``day`` places it in a period (F for Q1 and Q1s; E for Q2 and Q3; E + 24 months for Q4;
    M's date for Q5; the hold's start for Q6; the day Q7 was taken at)."""

    measure: str
    key: str
    outcome: str
    day: date
    reason: str = ""
    overdue_days: int | None = None  # Q7


def patient_items(
    record: PatientRecord,
    as_of: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    reviews: Iterable[date] = (),
) -> list[Item]:
    """Every item of Q1 ... Q6 of one patient, at as_of, whatever the period: the period only
    chooses the items by their day (measures_of), so one pass serves every period."""
    key = record.key
    ctx = build_context(record, as_of, settings)
    items = []
    for ep in episodes(ctx):
        items.append(Item("Q1", key, *_outcome_at(_q1(ctx, ep), ep.first)))
        items.append(Item("Q1s", key, *_outcome_at(_q1s(ep), ep.first)))
        if ep.end is not None:
            if (ep.end - ep.first).days >= Q2_MIN_EPISODE_DAYS:
                items.append(Item("Q2", key, *_outcome_at(_q2(ctx, ep), ep.end)))
            items.append(Item("Q3", key, *_outcome_at(_q3(ctx, ep), ep.end)))
            if ep.course.intent in EARLY_STAGE_INTENTS:
                follow_up = add_months(ep.end, Q4_FOLLOW_UP_MONTHS)
                items.append(Item("Q4", key, *_outcome_at(_q4(ctx, ep), follow_up)))

    patient_reviews = tuple(reviews)
    previous_met = False
    for m in ctx.lvefs:
        met, then = _meets_hold_criteria(record, m, settings)
        # "the patient's previous LVEF (judged the same way on its own date: phase active or
        # held and H1) did not": only a new decline counts.
        if met and not previous_met:
            items.append(Item("Q5", key, *_outcome_at(_q5(ctx, m, then, patient_reviews), m.date)))
        previous_met = met

    for c in ctx.courses:
        recheck = profile_for(c.agent, c.intent, settings.rule_set).recheck_days
        for h in c.holds:
            if h.entered_in_error or h.reason != HoldReason.CARDIAC or h.start > as_of:
                continue
            items.append(Item("Q6", key, *_outcome_at(_q6(ctx, h, recheck), h.start)))
    return items


def _outcome_at(outcome: tuple[str, str], when: date) -> tuple[str, date, str]:
    return outcome[0], when, outcome[1]


def q7_items(
    record: PatientRecord, days_taken: Iterable[date], settings: RuleSettings = DEFAULT_SETTINGS
) -> list[Item]:
    """Q7 of one patient at each of these days (each period's end, or the evaluation date
    when the period ends after it): S6 of the rules at that day."""
    items = []
    for when in days_taken:
        phase, status, due = assessment_at(record, when, settings)
        if phase not in Q7_PHASES:
            continue
        if status == AssessmentStatus.OVERDUE:
            late = (when - due).days
            reason = f"On {day(when)} the LVEF assessment was {days(late)} overdue (S6, Q7)."
            items.append(Item("Q7", record.key, NOT_MET, when, reason, late))
        else:
            items.append(Item("Q7", record.key, MET, when))
    return items


def assessment_at(record: PatientRecord, when: date, settings: RuleSettings):
    """(phase, S6 status, due date) at ``when``: the first steps of ``evaluate``, the same rule
    functions in the same order, without what Q7 does not read (flags, recommendation, doses);
    test_quality checks it against evaluate."""
    ctx = build_context(record, when, settings)
    phase = phase_of(ctx)
    due, _ = next_assessment_due(ctx, phase, baseline_of(ctx))
    return phase, assessment_status(due, when, settings.due_soon_days), due


def q7_day(end: date, as_of: date) -> date:
    """Q7 is taken at the period's end, or at the evaluation date when the period ends after."""
    return min(end, as_of)


class ItemStore:
    """The items of many patients, kept small: the met ones only as counts per (measure, day),
    since they are never listed; the others (not met, pending) in full, for the drill-downs, by
    measure and day so that a period reads only its own. Each owner's (a patient's) items can
    be replaced alone, when only that patient changed; the figures of each period asked for are
    kept until then (issue 14 item 4)."""

    __slots__ = ("_measures", "_met", "_open", "_owned")

    def __init__(self, items: Iterable[Item] = ()):
        self._met: Counter[tuple[str, date]] = Counter()
        self._open: dict[str, dict[date, dict[object, list[Item]]]] = {i: {} for i in MEASURE_IDS}
        self._owned: dict[object, tuple[Counter, tuple[tuple[str, date], ...]]] = {}
        self._measures: dict[tuple[date, date, date], list[Measure]] = {}
        items = list(items)
        if items:
            self.replace(None, items)

    def replace(self, owner, items: Iterable[Item]) -> None:
        met: Counter[tuple[str, date]] = Counter()
        others: dict[tuple[str, date], list[Item]] = {}
        for item in items:
            if item.outcome == MET:
                met[item.measure, item.day] += 1
            else:
                others.setdefault((item.measure, item.day), []).append(item)
        self.put(owner, met, others)

    def replace_packed(self, owner, key: str, packs: Iterable) -> None:
        """Replace an owner's items by their ``pack``ed forms (a stored copy: the met ones are
        only counted there too), several packs making one owner."""
        self.put(owner, *unpack(key, packs))

    def put(self, owner, met: Counter, others: dict[tuple[str, date], list[Item]]) -> None:
        """Replace an owner's items by the count of its met ones per (measure, day) and its
        others by (measure, day), as ``unpack`` gives them."""
        self.remove(owner)
        self._met.update(met)
        for (measure, when), listed in others.items():
            self._open[measure].setdefault(when, {})[owner] = listed
        self._owned[owner] = (met, tuple(others))
        self._measures.clear()

    def remove(self, owner) -> None:
        old = self._owned.pop(owner, None)
        if old is None:
            return
        self._met.subtract(old[0])
        for measure, when in old[1]:
            on_day = self._open[measure][when]
            del on_day[owner]
            if not on_day:
                del self._open[measure][when]
        self._measures.clear()

    def owners(self):
        return self._owned.keys()

    def chosen(self, measure: str, start: date, end: date, as_of: date) -> list[Item]:
        """The not-met and pending items of one measure in [start, end] (Q7: at its day)."""
        by_day = self._open[measure]
        in_period = (
            (lambda d: d == q7_day(end, as_of))
            if measure == "Q7"
            else (lambda d: start <= d <= end)
        )
        days = [d for d in by_day if in_period(d)]
        return [i for d in days for items in by_day.get(d, {}).values() for i in items]

    def measures(self, start: date, end: date, as_of: date) -> list[Measure]:
        """Q1, Q1s, Q2 ... Q7 for [start, end]."""
        key = (start, end, as_of)
        if key not in self._measures:
            self._measures[key] = self._compute(start, end, as_of)
        return self._measures[key]

    def _compute(self, start: date, end: date, as_of: date) -> list[Measure]:
        taken = q7_day(end, as_of)
        met: Counter[str] = Counter()
        for (measure, when), count in self._met.items():
            if (when == taken) if measure == "Q7" else (start <= when <= end):
                met[measure] += count
        out = []
        for measure in MEASURE_IDS:
            items = self.chosen(measure, start, end, as_of)
            outcomes = [(i.key, i.outcome) for i in items]
            extra = {}
            if measure == "Q7":
                late = [i.overdue_days for i in items if i.overdue_days is not None]
                extra["median_days_overdue"] = median(late) if late else None
            out.append(_measure(measure, outcomes, met=met[measure], **extra))
        return out


def pack(items: Iterable[Item]) -> list:
    """The items in a JSON-ready form that ItemStore.replace_packed reads back: the met ones as
    counts per (measure, day), the others in full without the patient key (the owner's)."""
    met: Counter[tuple[str, str]] = Counter()
    others = []
    for i in items:
        if i.outcome == MET:
            met[i.measure, i.day.isoformat()] += 1
        else:
            others.append([i.measure, i.outcome, i.day.isoformat(), i.reason, i.overdue_days])
    return [[[m, d, n] for (m, d), n in sorted(met.items())], others]


def unpack(key: str, packs: Iterable) -> tuple[Counter, dict[tuple[str, date], list[Item]]]:
    met: Counter[tuple[str, date]] = Counter()
    grouped: dict[tuple[str, date], list[Item]] = {}
    for met_counts, others in packs:
        for measure, when, count in met_counts:
            met[measure, _day(when)] += count
        for measure, outcome, when, reason, overdue in others:
            on = _day(when)
            item = Item(measure, key, outcome, on, reason, overdue)
            grouped.setdefault((measure, on), []).append(item)
    return met, grouped


_DAYS: dict[str, date] = {}


def _day(text: str) -> date:
    # The same few hundred days recur across every patient's stored items: parse each once.
    found = _DAYS.get(text)
    if found is None:
        if len(_DAYS) > 100_000:
            _DAYS.clear()
        found = _DAYS[text] = date.fromisoformat(text)
    return found


def measures_of(items: Iterable[Item], start: date, end: date, as_of: date) -> list[Measure]:
    """Q1, Q1s, Q2 ... Q7 for [start, end] from the items of patient_items and q7_items."""
    return ItemStore(items).measures(start, end, as_of)


def quality_measures(
    records: Iterable[PatientRecord],
    start: date,
    end: date,
    as_of: date,
    settings: RuleSettings = DEFAULT_SETTINGS,
    reviews: Mapping[str, Iterable[date]] | None = None,
) -> list[Measure]:
    """Q1, Q1s, Q2 ... Q7 for the period [start, end] evaluated at as_of.

    ``reviews``: patient key -> the dates of its recorded review decisions (the workflow's
    "recommendation reviews", Q5). Empty by default: then Q5 counts holds only.
    """
    reviews = reviews or {}
    items = []
    for record in records:
        items += patient_items(record, as_of, settings, reviews.get(record.key, ()))
        items += q7_items(record, (q7_day(end, as_of),), settings)
    return measures_of(items, start, end, as_of)
