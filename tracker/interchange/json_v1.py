"""JSON v1 of interchange.md: reading the text (duplicate keys remembered, nesting and number
guards) and the keys each object may have, with the parser of each value. The checks across
values and records are in interchange/validators.py."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.interchange.plan import ImportFailed
from tracker.monitoring import records as vocab
from tracker.records import REGISTRY
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


def key_path(path, key):
    """A readable path even for a key that is not a plain name (quoted JSON-style)."""
    if key.isidentifier() and key.isascii():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key[:50])}]"


NESTED_TOO_DEEPLY = "$: nested too deeply to read (a patient file needs 5 levels of nesting)"


def parse_json(text: str):
    """The document of ``text``; ImportFailed when it is not JSON or nested too deeply."""
    try:
        return json.loads(text, object_pairs_hook=_object, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            [f"$: malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"]
        ) from None
    except RecursionError:
        raise ImportFailed([NESTED_TOO_DEEPLY]) from None


# --- reading a file as a stream (issue 16 item 1) ----------------------------------------------
# A 100,000-patient file read whole was 3.2 GB of Python objects: the top-level object is read
# incrementally instead, one element of "patients" at a time (json's own decoder on a buffered
# window of the file), so memory is bounded by the largest patient, not the file.

_WHITESPACE = re.compile(r"[ \t\n\r]*")
CHUNK_CHARS = 1 << 20
_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_int=_parse_int)


class DocumentStream:
    """A JSON v1 document read from ``file`` (a text file) as it is consumed.

    ``patients(on_error)`` yields the raw patient objects in file order; the top level's own
    errors (not an object, "patients" missing, not a list, given twice, unknown keys) go to
    ``on_error(path, message)`` as validate's would. Malformed JSON anywhere raises
    ImportFailed with its line and column, as parse_json does."""

    def __init__(self, file):
        self.file = file
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.line = 0  # newlines in the text already dropped from the window
        self.column = 0  # characters after the last of them

    # -- the window
    def _fill(self) -> bool:
        if self.eof:
            return False
        dropped = self.buf[: self.pos]
        newlines = dropped.count("\n")
        if newlines:
            self.line += newlines
            self.column = len(dropped) - dropped.rfind("\n") - 1
        else:
            self.column += len(dropped)
        chunk = self.file.read(CHUNK_CHARS)
        self.buf, self.pos = self.buf[self.pos :] + chunk, 0
        self.eof = not chunk
        return bool(chunk)

    def _peek(self) -> str:
        while True:
            self.pos = _WHITESPACE.match(self.buf, self.pos).end()
            if self.pos < len(self.buf) or not self._fill():
                return self.buf[self.pos : self.pos + 1]

    def _failure(self, message: str, pos: int) -> ImportFailed:
        before = self.buf.count("\n", 0, pos)
        if before:
            line, column = self.line + before + 1, pos - self.buf.rfind("\n", 0, pos)
        else:
            line, column = self.line + 1, self.column + pos + 1
        return ImportFailed([f"$: malformed JSON at line {line}, column {column}: {message}"])

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            raise self._failure(message, self.pos)
        self.pos += 1

    def _value(self):
        """The next JSON value, decoded whole (one patient at most, for a valid file)."""
        self._peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():  # perhaps only cut by the window's end
                    continue
                raise self._failure(exc.msg, exc.pos) from None
            except RecursionError:
                raise ImportFailed([NESTED_TOO_DEEPLY]) from None
            if end == len(self.buf) and self._fill():  # a number may go on past the window
                continue
            self.pos = end
            return value

    def _closed(self, closing: str) -> bool:
        """After a member: True at ``closing``, False after a comma."""
        char = self._peek()
        self.pos += 1
        if char == closing:
            return True
        if char != ",":
            raise self._failure("Expecting ',' delimiter", self.pos - 1)
        return False

    def _items(self):
        self._expect("[", "Expecting value")
        if self._peek() == "]":
            self.pos += 1
            return
        while True:
            yield self._value()
            if self._closed("]"):
                return

    def _keys(self):
        """Each key of an object, the window left at its value for the caller to read."""
        self._expect("{", "Expecting value")
        if self._peek() == "}":
            self.pos += 1
            return
        while True:
            if self._peek() != '"':
                raise self._failure("Expecting property name enclosed in double quotes", self.pos)
            key = self._value()
            self._expect(":", "Expecting ':' delimiter")
            yield key
            if self._closed("}"):
                return

    def _end(self) -> None:
        if self._peek():
            raise self._failure("Extra data", self.pos)

    # -- the document
    def patients(self, on_error):
        if self._peek() != "{":
            self._value()  # malformed JSON is said first
            self._end()
            on_error("$", 'the document must be a JSON object with a "patients" list')
            return
        seen, duplicates = set(), []
        for key in self._keys():
            if key in seen:
                duplicates.append(key)
            yield from self._member(key, key in seen, on_error)
            seen.add(key)
        self._end()
        for key in duplicates:
            on_error(key_path("", key), "duplicate key (each key at most once)")
        for key in sorted(seen - DOCUMENT_KEYS):
            on_error(key_path("", key), "unknown key")
        if "patients" not in seen:
            on_error("patients", "is required")

    def _member(self, key, again: bool, on_error):
        if key != "patients":
            self._value()
        elif again:  # given twice: said once (above), its value not read as patients
            for _ in self._items() if self._peek() == "[" else (self._value(),):
                pass
        elif self._peek() == "[":
            yield from self._items()
        else:
            self._value()
            on_error("patients", "must be a list")


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


def _lists_of(owner: str) -> dict[str, Key]:
    """The nested lists of an object: the import keys of the record types it owns, from the
    registry (tracker/records.py; issue 10), in the registry's order."""
    return {
        t.import_key: Key(None, required=False, default=())
        for t in REGISTRY
        if t.owner == owner and t.import_key
    }


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
    **_lists_of("course"),
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
    **_lists_of("patient"),
}
DOCUMENT_KEYS = {t.import_key for t in REGISTRY if t.owner is None}
