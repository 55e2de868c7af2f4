"""Issue 9 finding 11: a CSV cell that a spreadsheet would run as a formula is neutralised, also
behind invisible characters (U+200B, U+FEFF, U+2060) and white space."""

import csv
import io

import pytest

from tests.integration.test_views import overdue_patient
from tracker.csv_export import csv_safe
from tracker.models import Patient

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    "text",
    [
        FORMULA,
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "\u200b" + FORMULA,
        "\ufeff" + FORMULA,
        "\u2060\u200b=1",
        "\u200e=1",  # left-to-right mark
        " =1",
        "\u00a0=1",  # no-break space
        "\u3000=1",  # ideographic space
        "\uff1d1+1",  # full-width equals sign
    ],
)
def test_formula_cells_are_prefixed(text):
    assert csv_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["Lovelace", "O'Connor", "Smith-Jones", "D1002", "", "\u200b"])
def test_ordinary_cells_are_unchanged(text):
    assert csv_safe(text) == text


@pytest.mark.django_db
def test_worklist_csv_neutralises_names_behind_invisible_characters(oncologist_client):
    patient = overdue_patient("OVER-5", 5)
    # Written past the forms, as an import or an older version might have stored them.
    Patient.objects.filter(pk=patient.pk).update(
        family_name="\u200b" + FORMULA, given_name="\ufeff@cmd"
    )
    response = oncologist_client.get("/", {"format": "csv"})
    text = b"".join(response.streaming_content).decode().removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    (row,) = [r for r in rows if r["MRN"] == "OVER-5"]
    assert row["Family name"] == "'\u200b" + FORMULA
    assert row["Given name"] == "'\ufeff@cmd"
