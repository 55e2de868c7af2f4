"""Rules that span several records (interchange.md): checked by the services before a write and by
the import before anything is written, so both refuse the same data with the same words."""

from collections.abc import Iterable
from datetime import date


def holds_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    """Holds are periods [start, end): the end date is the day the drug may be given again
    (H5 counts the start as inside a hold and the end as outside), so one hold may start on the
    day the previous one ends."""
    a_before_b_ends = b_end is None or a_start < b_end
    b_before_a_ends = a_end is None or b_start < a_end
    return a_before_b_ends and b_before_a_ends


def overlapping_pairs(periods: Iterable[tuple[date, date | None]]) -> list[tuple[int, int]]:
    """Index pairs (i, j), i < j, of periods that overlap."""
    periods = list(periods)
    return [
        (i, j)
        for i in range(len(periods))
        for j in range(i + 1, len(periods))
        if holds_overlap(*periods[i], *periods[j])
    ]


BEFORE_BIRTH = "must not be before the date of birth"
END_BEFORE_FIRST_INFUSION = "must be on or after the first infusion ({first})"
HOLD_OVERLAP = "overlaps another hold of this course ({start} to {end})"
