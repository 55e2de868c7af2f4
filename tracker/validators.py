"""Field validators shared by the models, the forms and the import, so that every entry path says
the same words about the same bad value (interchange.md gives the ranges)."""

import time
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible


@deconstructible
class Between:
    """Inclusive range; ``exclusive_min`` for "> 0" bounds such as doses."""

    def __init__(self, minimum, maximum, exclusive_min=False):
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_min = exclusive_min

    def __call__(self, value):
        if value is None:
            return
        too_low = value <= self.minimum if self.exclusive_min else value < self.minimum
        if too_low or value > self.maximum:
            raise ValidationError(self.message(), code="out_of_range")

    def message(self):
        if self.exclusive_min:
            return f"must be greater than {self.minimum} and at most {self.maximum}"
        return f"must be between {self.minimum} and {self.maximum}"

    def __eq__(self, other):
        return isinstance(other, Between) and (
            self.minimum,
            self.maximum,
            self.exclusive_min,
        ) == (other.minimum, other.maximum, other.exclusive_min)


@deconstructible
class MaxDecimalPlaces:
    def __init__(self, places):
        self.places = places

    def __call__(self, value):
        if value is None or not value.is_finite():
            return
        exponent = value.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > self.places:
            word = "place" if self.places == 1 else "places"
            raise ValidationError(
                f"must have at most {self.places} decimal {word}", code="precision"
            )

    def __eq__(self, other):
        return isinstance(other, MaxDecimalPlaces) and self.places == other.places


_today_cache = [float("-inf"), None]


def _today():
    """The clinic's date, recomputed at most once a second: an import checks hundreds of
    thousands of dates, and time zone arithmetic per date would dominate it."""
    now = time.monotonic()
    if now - _today_cache[0] > 1:
        _today_cache[:] = [now, timezone.localdate()]
    return _today_cache[1]


def not_in_future(value):
    if value is not None and value > _today():
        raise ValidationError("must not be in the future", code="future")


def in_the_past(value):
    if value is not None and value >= _today():
        raise ValidationError("must be a date in the past", code="future")


EARLIEST_DATE = date(1900, 1, 1)
LATEST_PLANNED_DATE = date(2100, 12, 31)


def plausible_date(value):
    """Keeps dates where calendar arithmetic (months before a planned start, 24 months after an
    end) stays inside the calendar, and typos such as 0202 for 2026 out."""
    if value is not None and not (EARLIEST_DATE <= value <= LATEST_PLANNED_DATE):
        raise ValidationError(
            f"must be between {EARLIEST_DATE} and {LATEST_PLANNED_DATE}", code="implausible"
        )
