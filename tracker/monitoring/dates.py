"""Calendar arithmetic of section 0 ("Adding months")."""

from __future__ import annotations

from datetime import date, timedelta

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _DAYS_IN_MONTH[month - 1]


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the target month's last day (section 0).

    31 Jan + 1 month = 28/29 Feb; 30 Nov + 3 months = 28/29 Feb; 31 May - 3 months = 28 Feb.
    Negative ``months`` subtracts.
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last = days_in_month(year, month)
    return date(year, month, day.day if day.day <= last else last)


def add_days(day: date, days: int) -> date:
    return day + timedelta(days=days)


def add_months_then_days(day: date, months: int, days: int) -> date:
    """ "E + 24 months - 28 days": months first, then days (section 0)."""
    return add_months(day, months) + timedelta(days=days)
