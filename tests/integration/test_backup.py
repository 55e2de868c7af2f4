"""`manage.py backup` and `manage.py restore` round-trip every table (issue 16)."""

import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

try:
    import psycopg
except ImportError:  # SQLite-only installs
    psycopg = None

from tests.factories import CourseFactory, InfusionFactory, LvefFactory, PatientFactory
from tracker.ops.backup import restore


def _tables(conn_alias="default"):
    return sorted(connections[conn_alias].introspection.table_names())


def _rows(cursor, table):
    cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from introspection
    return sorted(map(repr, cursor.fetchall()))


def _chart():
    patient = PatientFactory()
    course = CourseFactory(patient=patient)
    InfusionFactory(course=course)
    LvefFactory(patient=patient)
    return patient


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip_every_table(tmp_path):
    _chart()
    _chart()
    path = tmp_path / "tracker.backup"
    call_command("backup", str(path))
    assert path.stat().st_size > 0
    if connection.vendor == "sqlite":
        restored = tmp_path / "restored.sqlite3"
        with sqlite3.connect(path) as source, sqlite3.connect(restored) as target:
            source.backup(target)
        # The same type conversions as Django's own SQLite connections.
        types = sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES
        with connection.cursor() as live, sqlite3.connect(restored, detect_types=types) as copy:
            tables = _tables()
            assert tables
            for table in tables:
                assert _rows(live, table) == sorted(
                    map(repr, copy.execute(f'SELECT * FROM "{table}"').fetchall())  # noqa: S608
                ), table
        return
    name = f"{connection.settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    params = connection.get_connection_params()
    try:
        restore(path, database=name)
        with (
            connection.cursor() as live,
            psycopg.connect(**{**params, "dbname": name}) as copy_db,
            copy_db.cursor() as copy,
        ):
            copy.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert sorted(row[0] for row in copy.fetchall()) == _tables()
            for table in _tables():
                assert _rows(live, table) == _rows(copy, table), table
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db
def test_restore_refuses_a_database_that_has_tables(tmp_path):
    path = tmp_path / "tracker.backup"
    path.write_bytes(b"not read: the refusal comes first")
    with pytest.raises(CommandError, match="already has .* tables"):
        call_command("restore", str(path))


@pytest.mark.django_db
def test_restore_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing"), "--replace")
