"""The JSON import of interchange.md: validate the whole document first, then write it in one
transaction, so a file with any error writes nothing. Every error names its JSON path."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker import bulk, consistency, services
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)
from tracker.monitoring import records as vocab
from tracker.validators import mrn_key, normalise_mrn

# Errors listed at most (issue 9 finding 10: a file of millions of empty objects printed 8 million
# lines); the rest are counted.
MAX_ERRORS = 1000


class ImportFailed(Exception):
    """``errors``: the lines to print (at most MAX_ERRORS, then one "... and N more errors");
    ``total``: how many errors there were."""

    def __init__(self, errors: list[str], total: int | None = None):
        self.total = len(errors) if total is None else total
        super().__init__(f"{self.total} error(s)")
        self.errors = errors


@dataclass
class ImportResult:
    patients: int = 0
    courses: int = 0
    infusions: int = 0
    holds: int = 0
    lvef: int = 0
    cotreatments: int = 0

    def summary(self) -> str:
        return (
            f"{self.patients} patients, {self.courses} courses, {self.infusions} infusions, "
            f"{self.holds} holds, {self.lvef} LVEF measurements, "
            f"{self.cotreatments} co-treatments"
        )


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


def _shown(value: str) -> str:
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
        raise ValueError(f"must be a date written YYYY-MM-DD, not {_shown(value)}") from None


class _HugeInteger:
    """A JSON integer too long to convert (Python refuses over 4,300 digits, and no field of
    interchange.md needs more than a few): kept as its length for the message at its path."""

    __slots__ = ("digits",)

    def __init__(self, digits: int):
        self.digits = digits


def _parse_int(text: str):
    return int(text) if len(text) <= 100 else _HugeInteger(len(text))


def _number(value):
    if isinstance(value, _HugeInteger):
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


@dataclass(frozen=True)
class Key:
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


@dataclass
class _Course:
    record: dict
    infusions: list[dict] = field(default_factory=list)
    holds: list[dict] = field(default_factory=list)


@dataclass
class _Patient:
    record: dict
    courses: list[_Course] = field(default_factory=list)
    lvef: list[dict] = field(default_factory=list)
    cotreatments: list[dict] = field(default_factory=list)


def _field_validators(model):
    return {f.name: f.validators for f in model._meta.concrete_fields if f.validators}


COLUMNS = {
    model: {f.name for f in model._meta.concrete_fields}
    for model in (Patient, TreatmentCourse, Infusion, TreatmentHold, LvefMeasurement, CoTreatment)
}
# The models' own field validators (ranges, decimal places, dates not in the future), run
# directly: building and cleaning a model instance per row would cost more than the import.
VALIDATORS = {
    model: _field_validators(model)
    for model in (Patient, TreatmentCourse, Infusion, TreatmentHold, LvefMeasurement, CoTreatment)
}


class _Validator:
    def __init__(self):
        self.errors: list[str] = []
        self.total = 0

    def error(self, path, message):
        self.total += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path}: {message}")

    def listed(self) -> list[str]:
        more = self.total - len(self.errors)
        if more:
            return [*self.errors, f"... and {more:,} more error{'s' if more > 1 else ''}"]
        return self.errors

    def fields(self, obj, path, keys) -> dict | None:
        """Parsed values of one JSON object, or None when it is not an object."""
        if not isinstance(obj, dict):
            self.error(path, "must be an object")
            return None
        for duplicate in getattr(obj, "duplicates", ()):
            self.error(_key_path(path, duplicate), "duplicate key (each key at most once)")
        for unknown in sorted(set(obj) - set(keys)):
            self.error(_key_path(path, unknown), "unknown key")
        values = {}
        for name, key in keys.items():
            if name not in obj:
                if key.required:
                    self.error(f"{path}.{name}", "is required")
                else:
                    values[name] = key.default
                continue
            raw = obj[name]
            if key.parse is None:  # a nested list, walked by the caller
                values[name] = raw
            elif raw is None:
                if key.nullable:
                    values[name] = None
                else:
                    self.error(
                        f"{path}.{name}", "is required" if key.required else "must not be null"
                    )
            else:
                try:
                    values[name] = key.parse(raw)
                except ValueError as exc:
                    self.error(f"{path}.{name}", str(exc))
        return values

    def items(self, values, name, path):
        items = values.get(name, ())
        if items is None or not isinstance(items, (list, tuple)):
            self.error(f"{path}.{name}", "must be a list")
            return []
        return list(enumerate(items))

    def model(self, model, values, path) -> dict:
        """Run the model's field validators over the parsed values; return the row to write."""
        validators = VALIDATORS[model]
        columns = COLUMNS[model]
        row = {}
        for name, value in values.items():
            if name not in columns:
                continue  # nested lists
            row[name] = value
            if value is None:
                continue
            for validate in validators.get(name, ()):
                try:
                    validate(value)
                except ValidationError as exc:
                    for message in exc.messages:
                        self.error(f"{path}.{name}", message)
        return row

    def not_before_birth(self, dob, path, **dates):
        for name, value in dates.items():
            if dob and value and value < dob:
                self.error(f"{path}.{name}", consistency.BEFORE_BIRTH)

    def end_not_before_start(self, start, end, path, start_name="start", end_name="end"):
        if start and end and end < start:
            self.error(f"{path}.{end_name}", f"must be on or after {start_name} ({start})")


def _key_path(path, key):
    """A readable path even for a key that is not a plain name (quoted JSON-style)."""
    if key.isidentifier() and key.isascii():
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key[:50])}]"


def validate_document(doc) -> tuple[list[str], list[_Patient]]:
    """The errors to show (capped: ``_Validator.listed``) and, when there are none, the plans."""
    v = _Validator()
    errors, plans = _validate(doc, v)
    return (v.listed() if v.total else errors), plans


def _validate(doc, v: _Validator) -> tuple[list[str], list[_Patient]]:
    if not isinstance(doc, dict):
        return ['$: the document must be a JSON object with a "patients" list'], []
    for duplicate in getattr(doc, "duplicates", ()):
        v.error(_key_path("", duplicate), "duplicate key (each key at most once)")
    for unknown in sorted(set(doc) - {"patients"}):
        v.error(_key_path("", unknown), "unknown key")
    if "patients" not in doc:
        v.error("patients", "is required")
        return v.errors, []
    if not isinstance(doc["patients"], list):
        v.error("patients", "must be a list")
        return v.errors, []

    plans = []
    # MRN key (tracker/validators.py mrn_key) -> index of its first patient: d1002 and D1002
    # are one patient in the file as in the database (issue 9 finding 3).
    first_seen: dict[str, tuple[int, str]] = {}
    for p_index, raw_patient in enumerate(doc["patients"]):
        if v.total:  # the import fails: keep no plans (memory stays bounded), count errors
            plans = []
        p_path = f"patients[{p_index}]"
        values = v.fields(raw_patient, p_path, PATIENT_KEYS)
        if values is None:
            continue
        plan = _Patient(v.model(Patient, values, p_path))
        plans.append(plan)
        mrn = values.get("mrn")
        if mrn:
            key = plan.record["mrn_key"] = mrn_key(mrn)
            if key in first_seen:
                v.error(
                    f"{p_path}.mrn",
                    f"duplicate MRN {_shown(mrn)} (also patients[{first_seen[key][0]}])",
                )
            else:
                first_seen[key] = (p_index, mrn)
        dob = values.get("date_of_birth")

        for c_index, raw_course in v.items(values, "courses", p_path):
            c_path = f"{p_path}.courses[{c_index}]"
            c_values = v.fields(raw_course, c_path, COURSE_KEYS)
            if c_values is None:
                continue
            course = v.model(TreatmentCourse, c_values, c_path)
            course["end_reason"] = c_values.get("end_reason") or ""
            if c_values.get("end_date") and not c_values.get("end_reason"):
                v.error(f"{c_path}.end_reason", "is required when end_date is given")
            if c_values.get("end_reason") and not c_values.get("end_date"):
                v.error(f"{c_path}.end_date", "is required when end_reason is given")
            v.not_before_birth(
                dob,
                c_path,
                planned_start=c_values.get("planned_start"),
                end_date=c_values.get("end_date"),
            )
            course_plan = _Course(course)
            plan.courses.append(course_plan)

            for i_index, raw in v.items(c_values, "infusions", c_path):
                i_path = f"{c_path}.infusions[{i_index}]"
                i_values = v.fields(raw, i_path, INFUSION_KEYS)
                if i_values is None:
                    continue
                course_plan.infusions.append(v.model(Infusion, i_values, i_path))
                v.not_before_birth(dob, i_path, date=i_values.get("date"))
            infusion_dates = [i["date"] for i in course_plan.infusions if i.get("date")]
            end_date = c_values.get("end_date")
            if end_date and infusion_dates and end_date < min(infusion_dates):
                v.error(
                    f"{c_path}.end_date",
                    consistency.END_BEFORE_FIRST_INFUSION.format(first=min(infusion_dates)),
                )

            periods = []
            for h_index, raw in v.items(c_values, "holds", c_path):
                h_path = f"{c_path}.holds[{h_index}]"
                h_values = v.fields(raw, h_path, HOLD_KEYS)
                if h_values is None:
                    continue
                course_plan.holds.append(v.model(TreatmentHold, h_values, h_path))
                v.end_not_before_start(h_values.get("start"), h_values.get("end"), h_path)
                v.not_before_birth(
                    dob, h_path, start=h_values.get("start"), end=h_values.get("end")
                )
                if h_values.get("start"):
                    periods.append((h_index, (h_values["start"], h_values.get("end"))))
            for a, b in consistency.overlapping_pairs(p for _, p in periods):
                (i, (start, end)), (j, _) = periods[a], periods[b]
                v.error(
                    f"{c_path}.holds[{j}]",
                    f"overlaps holds[{i}] ({start} to {end or 'open'}); "
                    "holds of one course must not overlap",
                )

        for l_index, raw in v.items(values, "lvef", p_path):
            l_path = f"{p_path}.lvef[{l_index}]"
            l_values = v.fields(raw, l_path, LVEF_KEYS)
            if l_values is None:
                continue
            plan.lvef.append(v.model(LvefMeasurement, l_values, l_path))
            v.not_before_birth(dob, l_path, date=l_values.get("date"))

        for t_index, raw in v.items(values, "cotreatments", p_path):
            t_path = f"{p_path}.cotreatments[{t_index}]"
            t_values = v.fields(raw, t_path, COTREATMENT_KEYS)
            if t_values is None:
                continue
            plan.cotreatments.append(v.model(CoTreatment, t_values, t_path))
            v.end_not_before_start(t_values.get("start"), t_values.get("end"), t_path)
            v.not_before_birth(dob, t_path, start=t_values.get("start"), end=t_values.get("end"))

    keys = list(first_seen)
    existing = {}
    for start in range(0, len(keys), 5000):  # SQLite limits the parameters of one query
        existing.update(
            Patient.objects.filter(mrn_key__in=keys[start : start + 5000]).values_list(
                "mrn_key", "mrn"
            )
        )
    for key in sorted(existing, key=first_seen.get):
        index, mrn = first_seen[key]
        stored = existing[key]
        v.error(
            f"patients[{index}].mrn",
            f"MRN {_shown(mrn)} already exists in the database"
            + ("" if stored == mrn else f" (as {_shown(stored)})"),
        )
    return v.errors, (plans if not v.total else [])


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


def import_document(doc, *, actor, dry_run: bool = False) -> ImportResult:
    """Validate everything, then (unless dry_run) write everything in one transaction."""
    v = _Validator()
    errors, plans = _validate(doc, v)
    if v.total:
        raise ImportFailed(v.listed(), v.total)
    if errors:
        raise ImportFailed(errors)
    result = ImportResult(
        patients=len(plans),
        courses=sum(len(p.courses) for p in plans),
        infusions=sum(len(c.infusions) for p in plans for c in p.courses),
        holds=sum(len(c.holds) for p in plans for c in p.courses),
        lvef=sum(len(p.lvef) for p in plans),
        cotreatments=sum(len(p.cotreatments) for p in plans),
    )
    if not dry_run:
        try:
            _write(plans, actor)
        except IntegrityError as exc:  # e.g. a patient added meanwhile with one of the MRNs
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ImportFailed(
                [
                    f"$: the database refused the import ({reason}); nothing was written. "
                    "If someone added a patient meanwhile, run the import again to see which."
                ]
            ) from None
    return result


def _bulk(rows, model, actor, now):
    # Ids are reserved in list order, so they follow the file's order: the ties rule
    # (clinical-rules.md section 0) reads "listed later" as "recorded later".
    for row, pk in zip(rows, bulk.reserve_ids(model, len(rows)), strict=True):
        row["id"] = pk
    bulk.insert_with_history(model, rows, actor_id=actor.pk, now=now)


@transaction.atomic
def _write(plans: list[_Patient], actor):
    now = timezone.now()
    bulk.take_write_lock(Patient)
    _bulk([p.record for p in plans], Patient, actor, now)
    courses = []
    for p in plans:
        for c in p.courses:
            c.record["patient_id"] = p.record["id"]
            courses.append(c)
        for row in (*p.lvef, *p.cotreatments):
            row["patient_id"] = p.record["id"]
    _bulk([c.record for c in courses], TreatmentCourse, actor, now)
    for c in courses:
        for row in (*c.infusions, *c.holds):
            row["course_id"] = c.record["id"]
    _bulk([i for c in courses for i in c.infusions], Infusion, actor, now)
    _bulk([h for c in courses for h in c.holds], TreatmentHold, actor, now)
    _bulk([m for p in plans for m in p.lvef], LvefMeasurement, actor, now)
    _bulk([t for p in plans for t in p.cotreatments], CoTreatment, actor, now)
    services.status_refresh([p.record["id"] for p in plans])
