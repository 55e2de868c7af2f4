"""Section 0, "Adding months": calendar months, clamped to the target month's last day."""

from datetime import date

import pytest

from tracker.monitoring import add_months
from tracker.monitoring.dates import add_months_then_days

from .builders import day


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param("2026-01-31", 1, "2026-02-28", id="31-jan-plus-1-non-leap"),
        pytest.param("2024-01-31", 1, "2024-02-29", id="31-jan-plus-1-leap"),
        pytest.param("2025-11-30", 3, "2026-02-28", id="30-nov-plus-3-non-leap"),
        pytest.param("2023-11-30", 3, "2024-02-29", id="30-nov-plus-3-leap"),
        pytest.param("2026-05-31", -3, "2026-02-28", id="31-may-minus-3-non-leap"),
        pytest.param("2024-05-31", -3, "2024-02-29", id="31-may-minus-3-leap"),
        pytest.param("2026-03-31", 1, "2026-04-30", id="31-mar-plus-1-30-day-month"),
        pytest.param("2025-12-20", 3, "2026-03-20", id="year-crossing-forward"),
        pytest.param("2026-01-05", -3, "2025-10-05", id="year-crossing-backward"),
        pytest.param("2026-02-15", -14, "2024-12-15", id="more-than-a-year-back"),
        pytest.param("2026-02-15", 0, "2026-02-15", id="zero"),
        pytest.param("1900-01-31", 1, "1900-02-28", id="1900-not-leap"),
        pytest.param("2000-01-31", 1, "2000-02-29", id="2000-leap"),
        pytest.param("2024-02-29", 12, "2025-02-28", id="29-feb-plus-a-year"),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(day(start), months) == day(expected)


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        pytest.param("2024-01-10", "2025-12-13", id="plain"),
        # Months first (2026-02-28, clamped), then days: 28 days earlier.
        pytest.param("2024-02-29", "2026-01-31", id="months-first-then-days"),
        pytest.param("2024-03-31", "2026-03-03", id="31st"),
    ],
)
def test_e_plus_24_months_minus_28_days(end, expected):
    assert add_months_then_days(day(end), 24, -28) == day(expected)


def test_add_months_returns_a_date():
    assert type(add_months(date(2026, 1, 31), 1)) is date
