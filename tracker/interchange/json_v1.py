"""JSON v1 of interchange.md: reading the text (duplicate keys remembered, nesting and number
guards) and the keys each object may have, with the parser of each value. The checks across
values and records are in interchange/validators.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.interchange.plan import ImportFailed
from tracker.monitoring import records as vocab
from tracker.validators import normalise_mrn

# --- reading the text ------------------------------------------------------------------------


class HugeInteger:
    """A JSON integer too long to convert (Python refuses over 4,300 digits, and no field of
    interchange.md needs more than a few): kept as its length for the message at its path."""

    __slots__ = ("digits",)

    def __init__(self, digits: int):
        self.digits = digits


def _parse_int(text: str):
    return int(text) if len(text) <= 100 else HugeInteger(len(text))


class _Object(dict):
    """A JSON object that remembers the keys it had more than once (they are errors: a second
    "patients": [] made a valid file import nothing, issue 9 finding 10)."""

    __slots__ = ("duplicates",)


def _object(pairs):
    obj = _Object()
    for key, value in pairs:
        if key in obj:
            if not hasattr(obj, "duplicates"):
                obj.duplicates = []
            obj.duplicates.append(key)
        obj[key] = value
    return obj


def parse_json(text: str):
    """The document of ``text``; ImportFailed when it is not JSON or nested too deeply."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            [f"$: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except RecursionError:
        raise ImportFailed(
            ["$: nested too deeply to read (a patient file needs 5 levels of nesting)"]
        ) from None


# --- value parsers: JSON value -> Python value, or ValueError with the message to show -------


def _no_surrogates(value: str) -> None:
    # JSON may escape half of a UTF-16 pair ("\ud800"): no character, and no database takes it.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must not contain lone surrogates (\\ud800-\\udfff)") from None


def _text(max_length):
    def parse(value):
        if not isinstance(value, str):
            raise ValueError("must be text")
        _no_surrogates(value)
        value = value.strip()
        if not value:
            raise ValueError("must not be empty")
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        if len(value) > max_length:
            raise ValueError(f"must be at most {max_length} characters")
        return value

    return parse


def _mrn(value):
    """Normalised here; the model's validate_mrn (run with the other field validators) checks
    the alphabet and the length, in the same words as the forms."""
    if not isinstance(value, str):
        raise ValueError("must be text")
    _no_surrogates(value)
    return normalise_mrn(value)


def shown(value: str) -> str:
    """A bad value quoted in a message, cut short: the message must stay readable."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def _date(value):
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"must be a date written YYYY-MM-DD, not {shown(value)}") from None


def _number(value):
    if isinstance(value, HugeInteger):
        raise ValueError(f"must be a number in range, not one of {value.digits:,} digits")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("must be a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - json never yields such floats
        raise ValueError("must be a number") from None
    if not number.is_finite():
        raise ValueError("must be a finite number")
    return number


def _integer(value):
    number = _number(value)
    if number != number.to_integral_value():
        raise ValueError("must be a whole number")
    return int(number)


def _boolean(value):
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _choice(values):
    def parse(value):
        if value not in values:
            raise ValueError("must be one of " + ", ".join(values))
        return value

    return parse


# --- the keys of each object -----------------------------------------------------------------


@dataclass(frozen=True)
class Key:
    """``parse`` None: a nested list, walked by the validator of its records."""

    parse: object
    required: bool = True
    default: object = None
    nullable: bool = False


# The keys each object may have (interchange.md); anything else is an error (usually a typo).
INFUSION_KEYS = {
    "date": Key(_date),
    "dose_mg": Key(_number),
    "weight_kg": Key(_number, required=False, nullable=True),
    "duration_minutes": Key(_integer, required=False, nullable=True),
    "loading_dose": Key(_boolean, required=False, default=False),
    "reaction": Key(_choice(vocab.REACTIONS), required=False, default="none"),
}
HOLD_KEYS = {
    "start": Key(_date),
    "end": Key(_date, required=False, nullable=True),
    "reason": Key(_choice(vocab.HOLD_REASONS)),
}
COURSE_KEYS = {
    "agent": Key(_choice(vocab.AGENTS)),
    "intent": Key(_choice(vocab.INTENTS)),
    "schedule": Key(_choice(vocab.SCHEDULES)),
    "planned_start": Key(_date),
    "end_date": Key(_date, required=False, nullable=True),
    "end_reason": Key(_choice(vocab.END_REASONS), required=False, nullable=True),
    "infusions": Key(None, required=False, default=()),
    "holds": Key(None, required=False, default=()),
}
LVEF_KEYS = {
    "date": Key(_date),
    "value": Key(_number),
    "modality": Key(_choice(vocab.MODALITIES)),
    "gls": Key(_number, required=False, nullable=True),
}
COTREATMENT_KEYS = {
    "drug": Key(_choice(vocab.COTREATMENT_DRUGS)),
    "start": Key(_date),
    "end": Key(_date, required=False, nullable=True),
    "cumulative_dose_mg_m2": Key(_number, required=False, nullable=True),
}
PATIENT_KEYS = {
    "mrn": Key(_mrn),
    "given_name": Key(_text(100)),
    "family_name": Key(_text(100)),
    "date_of_birth": Key(_date),
    "sex": Key(_choice(("female", "male", "other", "unknown")), required=False, default="unknown"),
    "courses": Key(None, required=False, default=()),
    "lvef": Key(None, required=False, default=()),
    "cotreatments": Key(None, required=False, default=()),
}
DOCUMENT_KEYS = {"patients"}
