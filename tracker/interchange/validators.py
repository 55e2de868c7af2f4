"""Validation of a JSON v1 document into an import plan, one function per record type (patient,
course, infusion, hold, LVEF, co-treatment). Every error names its JSON path; the whole document
is checked before anything is written, so a file with any error writes nothing."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from tracker import consistency
from tracker.interchange.json_v1 import (
    COTREATMENT_KEYS,
    COURSE_KEYS,
    DOCUMENT_KEYS,
    HOLD_KEYS,
    INFUSION_KEYS,
    LVEF_KEYS,
    PATIENT_KEYS,
    DocumentStream,
    Key,
    key_path,
    shown,
)
from tracker.interchange.plan import CoursePlan, PatientPlan
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)
from tracker.models.clinical import search_key
from tracker.records import COTREATMENT, COURSE, HOLD, INFUSION, LVEF, REGISTRY
from tracker.validators import mrn_key

# Errors listed at most (issue 9 finding 10: a file of millions of empty objects printed 8 million
# lines); the rest are counted.
MAX_ERRORS = 1000

# Every record type of the registry (tracker/records.py).
MODELS = tuple(t.model for t in REGISTRY)
COLUMNS = {model: {f.name for f in model._meta.concrete_fields} for model in MODELS}
# The models' own field validators (ranges, decimal places, dates not in the future), run
# directly: building and cleaning a model instance per row would cost more than the import.
VALIDATORS = {
    model: {f.name: f.validators for f in model._meta.concrete_fields if f.validators}
    for model in MODELS
}


class Validation:
    """The errors of one document (the first MAX_ERRORS kept, all counted) and the checks that
    every record type shares."""

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

    def refuse_keys(self, obj: dict, path, allowed) -> None:
        """Keys given twice, and keys the object may not have (usually a typo)."""
        for duplicate in getattr(obj, "duplicates", ()):
            self.error(key_path(path, duplicate), "duplicate key (each key at most once)")
        for unknown in sorted(set(obj) - set(allowed)):
            self.error(key_path(path, unknown), "unknown key")

    def fields(self, obj, path, keys: dict[str, Key]) -> dict | None:
        """Parsed values of one JSON object, or None when it is not an object."""
        if not isinstance(obj, dict):
            self.error(path, "must be an object")
            return None
        self.refuse_keys(obj, path, keys)
        values = {}
        for name, key in keys.items():
            self._value(obj, name, key, f"{path}.{name}", values)
        return values

    def _value(self, obj: dict, name: str, key: Key, path: str, values: dict) -> None:
        if name not in obj:
            if key.required:
                self.error(path, "is required")
            else:
                values[name] = key.default
            return
        raw = obj[name]
        if key.parse is None:  # a nested list, walked by the caller
            values[name] = raw
        elif raw is None:
            if key.nullable:
                values[name] = None
            else:
                self.error(path, "is required" if key.required else "must not be null")
        else:
            try:
                values[name] = key.parse(raw)
            except ValueError as exc:
                self.error(path, str(exc))

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


# --- one validator per record type: the row (or plan) to write, or None when not an object ----


def validate_infusion(v: Validation, raw, path, dob) -> dict | None:
    values = v.fields(raw, path, INFUSION_KEYS)
    if values is None:
        return None
    row = v.model(Infusion, values, path)
    v.not_before_birth(dob, path, date=values.get("date"))
    return row


def validate_hold(v: Validation, raw, path, dob) -> dict | None:
    values = v.fields(raw, path, HOLD_KEYS)
    if values is None:
        return None
    row = v.model(TreatmentHold, values, path)
    v.end_not_before_start(values.get("start"), values.get("end"), path)
    v.not_before_birth(dob, path, start=values.get("start"), end=values.get("end"))
    return row


def validate_lvef(v: Validation, raw, path, dob) -> dict | None:
    values = v.fields(raw, path, LVEF_KEYS)
    if values is None:
        return None
    row = v.model(LvefMeasurement, values, path)
    v.not_before_birth(dob, path, date=values.get("date"))
    return row


def validate_cotreatment(v: Validation, raw, path, dob) -> dict | None:
    values = v.fields(raw, path, COTREATMENT_KEYS)
    if values is None:
        return None
    row = v.model(CoTreatment, values, path)
    v.end_not_before_start(values.get("start"), values.get("end"), path)
    v.not_before_birth(dob, path, start=values.get("start"), end=values.get("end"))
    return row


def validate_course(v: Validation, raw, path, dob) -> CoursePlan | None:
    values = v.fields(raw, path, COURSE_KEYS)
    if values is None:
        return None
    record = v.model(TreatmentCourse, values, path)
    record["end_reason"] = values.get("end_reason") or ""
    _check_course_end(v, values, path, dob)
    course = CoursePlan(record)
    for index, raw_infusion in v.items(values, INFUSION.import_key, path):
        row = validate_infusion(v, raw_infusion, f"{path}.{INFUSION.import_key}[{index}]", dob)
        if row is not None:
            course.infusions.append(row)
    _check_end_after_first_infusion(v, values.get("end_date"), course.infusions, path)
    periods = []  # (index in the file, (start, end)) of the holds with a start
    for index, raw_hold in v.items(values, HOLD.import_key, path):
        row = validate_hold(v, raw_hold, f"{path}.{HOLD.import_key}[{index}]", dob)
        if row is not None:
            course.holds.append(row)
            if row.get("start"):
                periods.append((index, (row["start"], row.get("end"))))
    _check_hold_overlaps(v, periods, path)
    return course


def _check_course_end(v: Validation, values, path, dob) -> None:
    if values.get("end_date") and not values.get("end_reason"):
        v.error(f"{path}.end_reason", "is required when end_date is given")
    if values.get("end_reason") and not values.get("end_date"):
        v.error(f"{path}.end_date", "is required when end_reason is given")
    v.not_before_birth(
        dob, path, planned_start=values.get("planned_start"), end_date=values.get("end_date")
    )


def _check_end_after_first_infusion(v: Validation, end_date, infusions, path) -> None:
    infusion_dates = [i["date"] for i in infusions if i.get("date")]
    if end_date and infusion_dates and end_date < min(infusion_dates):
        v.error(
            f"{path}.end_date",
            consistency.END_BEFORE_FIRST_INFUSION.format(first=min(infusion_dates)),
        )


def _check_hold_overlaps(v: Validation, periods, path) -> None:
    for a, b in consistency.overlapping_pairs(p for _, p in periods):
        (i, (start, end)), (j, _) = periods[a], periods[b]
        v.error(
            f"{path}.holds[{j}]",
            f"overlaps holds[{i}] ({start} to {end or 'open'}); "
            "holds of one course must not overlap",
        )


def validate_patient(v: Validation, raw, index, first_seen) -> PatientPlan | None:
    """``first_seen``: MRN key -> (index, MRN) of the first patient with it, filled here."""
    path = f"patients[{index}]"
    values = v.fields(raw, path, PATIENT_KEYS)
    if values is None:
        return None
    plan = PatientPlan(v.model(Patient, values, path))
    # The bulk insert bypasses Patient.save(): the search key is set here, as mrn_key is.
    plan.record["search_key"] = search_key(
        values.get("mrn") or "", values.get("given_name") or "", values.get("family_name") or ""
    )
    _check_mrn_once_in_file(v, plan, values.get("mrn"), index, first_seen)
    dob = values.get("date_of_birth")
    for record_type, validate_one, rows in (
        (COURSE, validate_course, plan.courses),
        (LVEF, validate_lvef, plan.lvef),
        (COTREATMENT, validate_cotreatment, plan.cotreatments),
    ):
        for item, raw_item in v.items(values, record_type.import_key, path):
            row = validate_one(v, raw_item, f"{path}.{record_type.import_key}[{item}]", dob)
            if row is not None:
                rows.append(row)
    return plan


def _check_mrn_once_in_file(v: Validation, plan, mrn, index, first_seen) -> None:
    # MRN key (tracker/validators.py mrn_key) -> index of its first patient: d1002 and D1002
    # are one patient in the file as in the database (issue 9 finding 3).
    if not mrn:
        return
    key = plan.record["mrn_key"] = mrn_key(mrn)
    if key in first_seen:
        v.error(
            f"patients[{index}].mrn",
            f"duplicate MRN {shown(mrn)} (also patients[{first_seen[key][0]}])",
        )
    else:
        first_seen[key] = (index, mrn)


def _check_mrns_not_in_database(v: Validation, first_seen, keys) -> None:
    """``keys``: the MRN keys of one batch (those of the whole file are checked batch by batch,
    before each batch is written, so the import's own rows are never taken for old ones)."""
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
            f"MRN {shown(mrn)} already exists in the database"
            + ("" if stored == mrn else f" (as {shown(stored)})"),
        )


def _document_patients(v: Validation, doc):
    """The raw patients of ``doc``: a parsed document (a dict) or a DocumentStream."""
    if isinstance(doc, DocumentStream):
        return doc.patients(v.error)
    if not isinstance(doc, dict):
        v.error("$", 'the document must be a JSON object with a "patients" list')
        return None
    v.refuse_keys(doc, "", DOCUMENT_KEYS)
    if "patients" not in doc:
        v.error("patients", "is required")
        return None
    if not isinstance(doc["patients"], list):
        v.error("patients", "must be a list")
        return None
    return doc["patients"]


# Patients validated (and then written) at a time: memory is bounded by a batch (issue 16).
BATCH = 1000


def plan_batches(v: Validation, doc, batch_size: int = BATCH):
    """The plans of ``doc`` in batches of ``batch_size`` patients, in file order, each batch
    checked against the database; the errors go to ``v``. Once there is an error the import
    will fail: no more plans are kept or yielded (memory stays bounded), errors are counted."""
    patients = _document_patients(v, doc)
    if patients is None:
        return
    batch: list[PatientPlan] = []
    batch_keys: list[str] = []
    first_seen: dict[str, tuple[int, str]] = {}
    for index, raw in enumerate(patients):
        if v.total:
            batch = []
        plan = validate_patient(v, raw, index, first_seen)
        if plan is not None:
            if "mrn_key" in plan.record and first_seen[plan.record["mrn_key"]][0] == index:
                batch_keys.append(plan.record["mrn_key"])
            if not v.total:
                batch.append(plan)
        if len(batch_keys) >= batch_size or len(batch) >= batch_size:
            _check_mrns_not_in_database(v, first_seen, batch_keys)
            batch_keys = []
            if not v.total:
                yield batch
            batch = []
    _check_mrns_not_in_database(v, first_seen, batch_keys)
    if batch and not v.total:
        yield batch


def validate(doc) -> tuple[Validation, list[PatientPlan]]:
    """The errors of ``doc`` and, when there are none, its plans (all of them: the import
    itself writes batch by batch instead, interchange/importer.py)."""
    v = Validation()
    plans = [plan for batch in plan_batches(v, doc) for plan in batch]
    return v, (plans if not v.total else [])


def validate_document(doc) -> tuple[list[str], list[PatientPlan]]:
    """The errors to show (capped: ``Validation.listed``) and, when there are none, the plans."""
    v, plans = validate(doc)
    return v.listed(), plans
