"""import_patients under hostile files (issue 9 findings 2, 3 and 10): each gives one line with its
JSON path and exit status 1, no traceback; duplicate JSON keys are errors; errors are capped;
MRNs follow the alphabet and the look-alike rule of the forms. All or nothing throughout."""

import copy
import json
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PatientFactory
from tests.integration.test_import import VALID, counts
from tracker import interchange
from tracker.models import Patient

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def failing_import(tmp_path, capsys, text):
    """The error lines of an import that must fail and write nothing."""
    path = tmp_path / "import.json"
    path.write_text(text, encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError) as failure:
        call_command("import_patients", str(path))
    assert "nothing was written" in str(failure.value)
    assert counts() == before
    return capsys.readouterr().err.strip().splitlines(), str(failure.value)


def one_patient(**changes):
    doc = copy.deepcopy(VALID)
    doc["patients"] = doc["patients"][:1]
    doc["patients"][0].update(changes)
    return doc


DEEP = '{"patients": [{"mrn": "A1", "notes": ' + "[" * 10_000 + "]" * 10_000 + "}]}"
HUGE_DOSE = json.dumps(one_patient()).replace('"dose_mg": 480', '"dose_mg": ' + "9" * 5000)
SURROGATE = json.dumps(one_patient(given_name="Ada")).replace('"Ada"', '"Ada\\ud800"')


def test_deep_nesting_is_one_line(tmp_path, capsys):
    errors, _ = failing_import(tmp_path, capsys, DEEP)
    assert errors == ["$: nested too deeply to read (a patient file needs 5 levels of nesting)"]


def test_a_5000_digit_number_is_an_error_at_its_path(tmp_path, capsys):
    errors, _ = failing_import(tmp_path, capsys, HUGE_DOSE)
    assert errors == [
        "patients[0].courses[0].infusions[0].dose_mg: "
        "must be a number in range, not one of 5,000 digits"
    ]


def test_a_lone_surrogate_is_an_error_at_its_path(tmp_path, capsys):
    errors, _ = failing_import(tmp_path, capsys, SURROGATE)
    assert errors == ["patients[0].given_name: must not contain lone surrogates (\\ud800-\\udfff)"]


def test_a_lone_surrogate_in_an_mrn_is_refused(tmp_path, capsys):
    text = json.dumps(one_patient(mrn="A1")).replace('"A1"', '"A1\\udc00"')
    errors, _ = failing_import(tmp_path, capsys, text)
    assert errors == ["patients[0].mrn: must not contain lone surrogates (\\ud800-\\udfff)"]


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def process_env(tmp_path_factory):
    """A migrated SQLite file of its own for the real command (the test database is in memory
    or another process's transaction)."""
    folder = tmp_path_factory.mktemp("import_process")
    env = {"DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}", "PATH": "/usr/bin:/bin"}
    assert manage(env, "migrate", "--no-input", "-v", "0").returncode == 0
    return env


@pytest.mark.parametrize("text", [DEEP, HUGE_DOSE, SURROGATE], ids=["deep", "digits", "surrogate"])
def test_the_command_exits_1_without_a_traceback(tmp_path, process_env, text):
    """The real process: exit status and standard error as an operator sees them."""
    path = tmp_path / "import.json"
    path.write_text(text, encoding="utf-8")
    done = manage(process_env, "import_patients", str(path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 2, lines  # the error, then "1 error(s) in ...; nothing was written."
    assert lines[-1].startswith("CommandError: 1 error(s) in ")


def test_duplicate_keys_are_errors(tmp_path, capsys):
    """A second "patients": [] made a valid file import nothing and exit 0."""
    text = json.dumps(VALID)[:-1] + ', "patients": []}'
    errors, _ = failing_import(tmp_path, capsys, text)
    assert errors == ["patients: duplicate key (each key at most once)"]


def test_duplicate_keys_inside_a_record_name_their_path(tmp_path, capsys):
    text = json.dumps(VALID).replace('"value": 62,', '"value": 62, "value": 16,', 1)
    errors, _ = failing_import(tmp_path, capsys, text)
    assert errors == ["patients[0].lvef[0].value: duplicate key (each key at most once)"]


def test_errors_are_capped_with_a_count_of_the_rest(tmp_path, capsys):
    """4 errors per empty object (mrn, names, date of birth): 1,000,000 errors, 1,001 lines."""
    text = '{"patients": [' + ",".join(["{}"] * 250_000) + "]}"
    started = time.monotonic()
    errors, summary = failing_import(tmp_path, capsys, text)
    assert len(errors) == 1001
    assert errors[0] == "patients[0].mrn: is required"
    assert errors[-1] == "... and 999,000 more errors"
    assert "1,000,000 error(s)" in summary
    assert time.monotonic() - started < 60


def test_validating_a_file_of_errors_keeps_memory_bounded():
    """Neither the error lines nor the records of a failing file are kept: 200,000 empty objects
    held 800,000 messages and 200,000 plans before (about 100 MB)."""
    doc = interchange.parse_json('{"patients": [' + ",".join(["{}"] * 200_000) + "]}")
    tracemalloc.start()
    try:
        errors, plans = interchange.validate_document(doc)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(errors) == 1001 and plans == []
    assert peak < 5_000_000, peak


# --- MRNs in the import (findings 2 and 3) ---------------------------------------------------


def test_mrn_outside_the_alphabet_is_an_error_at_its_path(tmp_path, capsys):
    doc = copy.deepcopy(VALID)
    doc["patients"][1]["mrn"] = "B2002/X"
    errors, _ = failing_import(tmp_path, capsys, json.dumps(doc))
    assert errors == [
        'patients[1].mrn: may contain only letters, digits, "-", "_" and "." '
        "(not at the start or the end), at most 32 characters"
    ]


@pytest.mark.parametrize("mrn", ["new", ".", "..", "A1.", "a\nb", "x" * 33])
def test_mrn_routes_and_dots_are_refused_by_the_import(tmp_path, capsys, mrn):
    doc = copy.deepcopy(VALID)
    doc["patients"][1]["mrn"] = mrn
    errors, _ = failing_import(tmp_path, capsys, json.dumps(doc))
    assert len(errors) == 1 and errors[0].startswith("patients[1].mrn: ")


def test_look_alikes_in_one_file_are_duplicates(tmp_path, capsys):
    doc = copy.deepcopy(VALID)
    doc["patients"][1]["mrn"] = "a1001\u200b"
    errors, _ = failing_import(tmp_path, capsys, json.dumps(doc))
    assert errors == ["patients[1].mrn: duplicate MRN 'a1001' (also patients[0])"]


def test_look_alike_of_a_stored_patient_is_refused(tmp_path, capsys):
    PatientFactory(mrn="B2002")
    doc = copy.deepcopy(VALID)
    doc["patients"][1]["mrn"] = "\uff42\uff12\uff10\uff10\uff12"  # full-width b2002
    errors, _ = failing_import(tmp_path, capsys, json.dumps(doc))
    assert errors == ["patients[1].mrn: MRN 'b2002' already exists in the database (as 'B2002')"]


def test_imported_mrns_are_stored_normalised_with_their_key(tmp_path):
    doc = copy.deepcopy(VALID)
    doc["patients"][1]["mrn"] = " \u2060b2002\ufeff "
    path = tmp_path / "import.json"
    path.write_text(json.dumps(doc))
    call_command("import_patients", str(path))
    assert dict(Patient.objects.values_list("mrn", "mrn_key")) == {
        "A1001": "a1001",
        "b2002": "b2002",
    }
    assert dict(Patient.history.values_list("mrn", "mrn_key")) == {
        "A1001": "a1001",
        "b2002": "b2002",
    }
