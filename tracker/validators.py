"""Field validators shared by the models, the forms and the import, so that every entry path says
the same words about the same bad value (interchange.md gives the ranges)."""

import re
import time
import unicodedata
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


# --- MRNs (issue 9 findings 2 and 3) ------------------------------------------------------------
# One alphabet for the model, the forms, the admin (through the model), the import and the URL
# converter: an MRN is a path segment in every patient URL, so it must reverse and resolve for
# every value the clinic can store. "." and ".." are rewritten by browsers; a leading or trailing
# dot is refused with them (".." inside stays legal: it is not a path segment of its own).
MRN_MAX_LENGTH = 32
MRN_CHARACTERS = "A-Za-z0-9._-"
MRN_PATTERN = rf"[A-Za-z0-9_-](?:[{MRN_CHARACTERS}]{{0,{MRN_MAX_LENGTH - 2}}}[A-Za-z0-9_-])?"
# Path segments after /patients/ that are routes of their own (tracker/urls.py).
MRN_RESERVED = frozenset({"new"})
MRN_ALPHABET_MESSAGE = (
    'may contain only letters, digits, "-", "_" and "." (not at the start or the end), '
    f"at most {MRN_MAX_LENGTH} characters"
)
_MRN_RE = re.compile(MRN_PATTERN)


def normalise_mrn(value: str) -> str:
    """The MRN as stored: NFKC (full-width "Ｄ1002" is "D1002"), without format characters
    (Unicode category Cf: zero-width space, word joiner, BOM, bidi overrides) and surrounding
    whitespace. Case is kept: it is the clinic's identifier as written."""
    value = unicodedata.normalize("NFKC", value)
    value = "".join(c for c in value if unicodedata.category(c) != "Cf")
    return value.strip()


def mrn_key(value: str) -> str:
    """What makes two MRNs the same patient: the normalised MRN, case-folded (d1002 = D1002).
    Stored in Patient.mrn_key under a UNIQUE constraint."""
    return normalise_mrn(value).casefold()


def validate_mrn(value: str) -> None:
    """The MRN alphabet; run on the normalised value."""
    if not value:
        raise ValidationError("must not be empty", code="mrn_empty")
    if len(value) > MRN_MAX_LENGTH:
        raise ValidationError(f"must be at most {MRN_MAX_LENGTH} characters", code="mrn_length")
    if not _MRN_RE.fullmatch(value):
        raise ValidationError(MRN_ALPHABET_MESSAGE, code="mrn_alphabet")
    if value.casefold() in MRN_RESERVED:
        raise ValidationError(
            f"{value!r} is reserved by the tracker's addresses; use another MRN",
            code="mrn_reserved",
        )
