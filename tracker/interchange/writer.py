"""The all-or-nothing writer of an import plan (interchange/plan.py): every plan in one
transaction, or nothing.

Fast inserts for large imports: rows already validated go in with executemany, ids reserved up
front so children and history rows can point at their parents without reading them back.

Django's bulk_create spends microseconds per value compiling SQL; 20,000 patients are about a
million values with their history, so the import writes the SQL once per table and adapts each
value with the backend's own adapter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from django.db import connection, models, transaction
from django.utils import timezone

from tracker import services
from tracker.interchange.plan import PatientPlan
from tracker.models import (
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
)


def _adapter(field) -> Callable:
    ops = connection.ops
    kind = field.get_internal_type()
    if kind == "DateField":
        return ops.adapt_datefield_value
    if kind == "DateTimeField":
        return ops.adapt_datetimefield_value
    if kind == "DecimalField":
        return ops.adapt_decimalfield_value
    return lambda value: value


def take_write_lock(model: type[models.Model]) -> None:
    """SQLite: begin writing now, so that no other writer can commit between reserving ids
    and inserting (PostgreSQL reserves ids from the sequence instead)."""
    if connection.vendor == "sqlite":
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET id = id WHERE 0")  # noqa: S608 - table name


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted}")  # noqa: S608
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(highest, row[0] if row else 0) + 1
        return list(range(start, start + count))


def _fields(model: type[models.Model], rows: Sequence[dict]) -> list:
    return [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField) and f.attname not in rows[0])
    ]


def _values(fields, rows: Sequence[dict], constants: dict) -> list[list]:
    """One list of adapted values per row, in the order of ``fields``."""
    # Values the rows do not carry are the same for every row: adapt them once.
    constant, variable = {}, []
    present = set().union(*(row.keys() for row in rows[:1000]))
    for index, f in enumerate(fields):
        if f.attname in present:
            variable.append((index, f.attname, _adapter(f), f.get_default()))
        else:
            value = constants.get(f.attname, f.get_default())
            constant[index] = None if value is None else _adapter(f)(value)
    template = [constant.get(i) for i in range(len(fields))]
    values = []
    for row in rows:
        line = template.copy()
        for index, name, adapt, default in variable:
            value = row.get(name, default)
            line[index] = None if value is None else adapt(value)
        values.append(line)
    return values


def _insert(model: type[models.Model], rows: Sequence[dict], constants: dict) -> None:
    fields = _fields(model, rows)
    values = _values(fields, rows, constants)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    table = connection.ops.quote_name(model._meta.db_table)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # COPY: an order of magnitude above INSERTs
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for line in values:
                    copy.write_row(line)
            return
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


def insert_with_history(
    model: type[models.Model], rows: Sequence[dict], *, actor_id: int, now: datetime
) -> None:
    """Insert rows (dicts of attname -> value, each with its reserved ``id``) and their
    django-simple-history "created" rows, attributed to the actor."""
    if not rows:
        return
    audit = {
        "created_at": now,
        "updated_at": now,
        "created_by_id": actor_id,
        "updated_by_id": actor_id,
    }
    _insert(model, rows, audit)
    history = {**audit, "history_date": now, "history_type": "+", "history_user_id": actor_id}
    _insert(model.history.model, rows, history)


def _bulk(rows, model, actor, now):
    # Ids are reserved in list order, so they follow the file's order: the ties rule
    # (clinical-rules.md section 0) reads "listed later" as "recorded later".
    for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
        row["id"] = pk
    insert_with_history(model, rows, actor_id=actor.pk, now=now)


# The tables an import fills (their statistics are refreshed after it: ops.locks.analyze).
TABLES = tuple(
    m._meta.db_table
    for m in (Patient, TreatmentCourse, Infusion, TreatmentHold, LvefMeasurement, CoTreatment)
) + ("tracker_monitoringstatus",)


@transaction.atomic
def write_plans(plans: list[PatientPlan], actor) -> None:
    """Insert every record of ``plans`` (validated: interchange/validators.py) with its history
    row attributed to ``actor``, and the patients' stored statuses, in one transaction."""
    now = timezone.now()
    take_write_lock(Patient)
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
