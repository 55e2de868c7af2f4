"""import_patients (interchange.md): every error class names its JSON path, exits 1 and writes
nothing; a valid file round-trips into the database exactly."""

import copy
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tests.factories import PatientFactory
from tracker import models

pytestmark = pytest.mark.django_db

VALID = {
    "patients": [
        {
            "mrn": "A1001",
            "given_name": "Ada",
            "family_name": "Byron",
            "date_of_birth": "1961-04-02",
            "sex": "female",
            "courses": [
                {
                    "agent": "trastuzumab",
                    "intent": "adjuvant",
                    "schedule": "every_3_weeks",
                    "planned_start": "2026-01-05",
                    "end_date": None,
                    "end_reason": None,
                    "infusions": [
                        {
                            "date": "2026-01-05",
                            "dose_mg": 480,
                            "weight_kg": 60.0,
                            "duration_minutes": 90,
                            "loading_dose": True,
                            "reaction": "none",
                        },
                        {"date": "2026-01-26", "dose_mg": 360},
                    ],
                    "holds": [{"start": "2026-03-20", "end": None, "reason": "cardiac"}],
                }
            ],
            "lvef": [
                {"date": "2025-12-20", "value": 62, "modality": "echo", "gls": -20.5},
                {"date": "2026-03-18", "value": 46.5, "modality": "muga"},
            ],
            "cotreatments": [
                {
                    "drug": "doxorubicin",
                    "start": "2025-09-01",
                    "end": "2025-11-10",
                    "cumulative_dose_mg_m2": 240,
                }
            ],
        },
        {
            "mrn": "B2002",
            "given_name": "Grace",
            "family_name": "Hopper",
            "date_of_birth": "1956-12-09",
        },
    ]
}

ALL_MODELS = (
    models.Patient,
    models.TreatmentCourse,
    models.Infusion,
    models.TreatmentHold,
    models.LvefMeasurement,
    models.CoTreatment,
)


def counts():
    return [m.objects.count() for m in ALL_MODELS]


def run_import(tmp_path, doc, *extra):
    path = tmp_path / "import.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    call_command("import_patients", str(path), *extra)


def import_errors(tmp_path, capsys, doc):
    """Run an import expected to fail: it exits 1 and writes nothing; return its error lines."""
    before = counts()
    with pytest.raises(CommandError) as failure:
        run_import(tmp_path, doc)
    assert "nothing was written" in str(failure.value)
    assert counts() == before
    return capsys.readouterr().err.strip().splitlines()


def mutate(change):
    doc = copy.deepcopy(VALID)
    change(doc)
    return doc


def test_round_trip(tmp_path, capsys):
    run_import(tmp_path, VALID)
    assert (
        "Created 2 patients, 1 courses, 2 infusions, 1 holds, 2 LVEF measurements, 1 co-treatments"
        in capsys.readouterr().out
    )
    ada = models.Patient.objects.get(mrn="A1001")
    assert (ada.given_name, ada.family_name, ada.date_of_birth, ada.sex) == (
        "Ada",
        "Byron",
        date(1961, 4, 2),
        "female",
    )
    assert models.Patient.objects.get(mrn="B2002").sex == "unknown"  # the default
    course = ada.courses.get()
    assert (course.agent, course.intent, course.schedule, course.planned_start) == (
        "trastuzumab",
        "adjuvant",
        "every_3_weeks",
        date(2026, 1, 5),
    )
    assert (course.end_date, course.end_reason) == (None, "")
    first, second = course.infusions.order_by("date")
    assert (first.dose_mg, first.weight_kg, first.duration_minutes, first.loading_dose) == (
        Decimal("480"),
        Decimal("60.0"),
        90,
        True,
    )
    assert (second.loading_dose, second.reaction, second.weight_kg) == (False, "none", None)
    hold = course.holds.get()
    assert (hold.start, hold.end, hold.reason) == (date(2026, 3, 20), None, "cardiac")
    baseline, latest = ada.lvef_measurements.order_by("date")
    assert (baseline.value, baseline.gls, latest.value, latest.modality) == (
        Decimal("62.0"),
        Decimal("-20.5"),
        Decimal("46.5"),
        "muga",
    )
    assert latest.pk > baseline.pk  # listed later = recorded later (ties rule)
    dox = ada.cotreatments.get()
    assert (dox.drug, dox.end, dox.cumulative_dose_mg_m2) == (
        "doxorubicin",
        date(2025, 11, 10),
        Decimal("240"),
    )
    # Attributed to the import actor, in the fields and in the history.
    assert latest.created_by.username == "import"
    assert not latest.created_by.is_active
    assert latest.history.get().history_user.username == "import"


def test_dry_run_writes_nothing(tmp_path, capsys):
    run_import(tmp_path, VALID, "--dry-run")
    assert "is valid and would create 2 patients" in capsys.readouterr().out
    assert counts() == [0] * 6
    assert not models.User.objects.filter(username="import").exists()


def test_dry_run_reports_errors_too(tmp_path, capsys):
    doc = mutate(lambda d: d["patients"][0]["lvef"][0].update(value=0))
    with pytest.raises(CommandError):
        run_import(tmp_path, doc, "--dry-run")
    assert "patients[0].lvef[0].value: must be between 1 and 99" in capsys.readouterr().err


FUTURE = (date.today() + timedelta(days=2)).isoformat()

ERROR_CASES = {
    "bad LVEF value": (
        lambda d: d["patients"][0]["lvef"][1].update(value=99.5),
        "patients[0].lvef[1].value: must be between 1 and 99",
    ),
    "LVEF with two decimals": (
        lambda d: d["patients"][0]["lvef"][0].update(value=62.25),
        "patients[0].lvef[0].value: must have at most 1 decimal place",
    ),
    "LVEF as text": (
        lambda d: d["patients"][0]["lvef"][0].update(value="62"),
        "patients[0].lvef[0].value: must be a number",
    ),
    "GLS positive": (
        lambda d: d["patients"][0]["lvef"][0].update(gls=1),
        "patients[0].lvef[0].gls: must be between -40 and 0",
    ),
    "unknown modality": (
        lambda d: d["patients"][0]["lvef"][0].update(modality="xray"),
        "patients[0].lvef[0].modality: must be one of echo, muga, cmr",
    ),
    "zero dose": (
        lambda d: d["patients"][0]["courses"][0]["infusions"][0].update(dose_mg=0),
        "patients[0].courses[0].infusions[0].dose_mg: must be greater than 0 and at most 2000",
    ),
    "weight out of range": (
        lambda d: d["patients"][0]["courses"][0]["infusions"][0].update(weight_kg=301),
        "patients[0].courses[0].infusions[0].weight_kg: must be between 20 and 300",
    ),
    "duration not whole": (
        lambda d: d["patients"][0]["courses"][0]["infusions"][0].update(duration_minutes=1.5),
        "patients[0].courses[0].infusions[0].duration_minutes: must be a whole number",
    ),
    "loading dose not boolean": (
        lambda d: d["patients"][0]["courses"][0]["infusions"][0].update(loading_dose="yes"),
        "patients[0].courses[0].infusions[0].loading_dose: must be true or false",
    ),
    "unknown key (typo)": (
        lambda d: d["patients"][0]["lvef"][0].update(modaltiy="echo"),
        "patients[0].lvef[0].modaltiy: unknown key",
    ),
    "unknown top-level key": (
        lambda d: d.update(patient=[]),
        "patient: unknown key",
    ),
    "missing required key": (
        lambda d: d["patients"][0].pop("family_name"),
        "patients[0].family_name: is required",
    ),
    "empty name": (
        lambda d: d["patients"][0].update(given_name="  "),
        "patients[0].given_name: must not be empty",
    ),
    "MRN too long": (
        lambda d: d["patients"][0].update(mrn="X" * 33),
        "patients[0].mrn: must be at most 32 characters",
    ),
    "bad date": (
        lambda d: d["patients"][0].update(date_of_birth="02/04/1961"),
        "patients[0].date_of_birth: must be a date written YYYY-MM-DD, not '02/04/1961'",
    ),
    "impossible date": (
        lambda d: d["patients"][0]["lvef"][0].update(date="2026-02-30"),
        "patients[0].lvef[0].date: must be a date written YYYY-MM-DD, not '2026-02-30'",
    ),
    "duplicate MRN in the file": (
        lambda d: d["patients"][1].update(mrn="A1001"),
        "patients[1].mrn: duplicate MRN 'A1001' (also patients[0])",
    ),
    "overlapping holds": (
        lambda d: d["patients"][0]["courses"][0]["holds"].insert(
            0, {"start": "2026-03-01", "end": "2026-03-25", "reason": "other"}
        ),
        "patients[0].courses[0].holds[1]: overlaps holds[0] (2026-03-01 to 2026-03-25); "
        "holds of one course must not overlap",
    ),
    "hold ending before it starts": (
        lambda d: d["patients"][0]["courses"][0]["holds"][0].update(end="2026-03-19"),
        "patients[0].courses[0].holds[0].end: must be on or after start (2026-03-20)",
    ),
    "date before birth": (
        lambda d: d["patients"][0]["lvef"][0].update(date="1960-01-01"),
        "patients[0].lvef[0].date: must not be before the date of birth",
    ),
    "co-treatment before birth": (
        lambda d: d["patients"][0]["cotreatments"][0].update(start="1961-04-01"),
        "patients[0].cotreatments[0].start: must not be before the date of birth",
    ),
    "future LVEF": (
        lambda d: d["patients"][0]["lvef"][0].update(date=FUTURE),
        "patients[0].lvef[0].date: must not be in the future",
    ),
    "future infusion": (
        lambda d: d["patients"][0]["courses"][0]["infusions"][1].update(date=FUTURE),
        "patients[0].courses[0].infusions[1].date: must not be in the future",
    ),
    "future date of birth": (
        lambda d: d["patients"][1].update(date_of_birth=FUTURE),
        "patients[1].date_of_birth: must be a date in the past",
    ),
    "end date without reason": (
        lambda d: d["patients"][0]["courses"][0].update(end_date="2026-05-01"),
        "patients[0].courses[0].end_reason: is required when end_date is given",
    ),
    "end reason without date": (
        lambda d: d["patients"][0]["courses"][0].update(end_reason="completed"),
        "patients[0].courses[0].end_date: is required when end_reason is given",
    ),
    "end before first infusion": (
        lambda d: d["patients"][0]["courses"][0].update(
            end_date="2026-01-04", end_reason="completed"
        ),
        "patients[0].courses[0].end_date: must be on or after the first infusion (2026-01-05)",
    ),
    "co-treatment ending before start": (
        lambda d: d["patients"][0]["cotreatments"][0].update(end="2025-08-01"),
        "patients[0].cotreatments[0].end: must be on or after start (2025-09-01)",
    ),
    "co-treatment dose too high": (
        lambda d: d["patients"][0]["cotreatments"][0].update(cumulative_dose_mg_m2=5000.1),
        "patients[0].cotreatments[0].cumulative_dose_mg_m2: "
        "must be greater than 0 and at most 5000",
    ),
    "patients not a list": (
        lambda d: d.update(patients={}),
        "patients: must be a list",
    ),
    "patient not an object": (
        lambda d: d["patients"].append("A1003"),
        "patients[2]: must be an object",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES.values(), ids=ERROR_CASES.keys())
def test_each_error_is_reported_with_its_path_and_nothing_is_written(tmp_path, capsys, case):
    change, expected = case
    errors = import_errors(tmp_path, capsys, mutate(change))
    assert expected in errors


def test_every_error_is_reported_not_only_the_first(tmp_path, capsys):
    def two_errors(d):
        d["patients"][0]["lvef"][0]["value"] = 100
        d["patients"][1]["mrn"] = ""

    errors = import_errors(tmp_path, capsys, mutate(two_errors))
    assert errors == [
        "patients[0].lvef[0].value: must be between 1 and 99",
        "patients[1].mrn: must not be empty",
    ]


def test_duplicate_mrn_already_in_database(tmp_path, capsys):
    PatientFactory(mrn="B2002")
    errors = import_errors(tmp_path, capsys, VALID)
    assert errors == ["patients[1].mrn: MRN 'B2002' already exists in the database"]


@pytest.mark.parametrize(
    "text", ['{"patients": [', "", "not json", '{"patients": [{"mrn": "A1",}]}']
)
def test_malformed_json(tmp_path, capsys, text):
    errors = import_errors(tmp_path, capsys, text)
    assert len(errors) == 1
    assert errors[0].startswith("$: malformed JSON at line 1, column")


def test_document_not_an_object(tmp_path, capsys):
    assert import_errors(tmp_path, capsys, "[]") == [
        '$: the document must be a JSON object with a "patients" list'
    ]


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_patients", str(tmp_path / "nope.json"))


def test_adjacent_holds_do_not_overlap(tmp_path):
    """A hold may start on the day the previous one ends (holds are [start, end))."""

    def adjacent(d):
        d["patients"][0]["courses"][0]["holds"] = [
            {"start": "2026-02-01", "end": "2026-02-10", "reason": "other"},
            {"start": "2026-02-10", "end": None, "reason": "cardiac"},
        ]

    run_import(tmp_path, mutate(adjacent))
    assert models.TreatmentHold.objects.count() == 2


def test_a_failure_late_in_the_write_rolls_everything_back(tmp_path, monkeypatch):
    """All-or-nothing even if the database refuses something validation let through."""
    from tracker.interchange import writer

    real = writer._bulk

    def failing(objs, model, actor, now):
        if model is models.CoTreatment:
            raise RuntimeError("disk full")
        return real(objs, model, actor, now)

    monkeypatch.setattr(writer, "_bulk", failing)
    with pytest.raises(RuntimeError):
        run_import(tmp_path, VALID)
    assert counts() == [0] * 6
