"""The import reads its file as a stream and writes it in batches (issue 16 item 1): the same
plans and the same errors as a document read whole, whatever the window of the file; memory
bounded by a batch; still all or nothing when a later batch fails."""

import copy
import io
import json
import tracemalloc

import pytest
from django.core.management import CommandError, call_command

from tests.integration.test_import import VALID, counts
from tracker import interchange, services
from tracker.interchange import json_v1
from tracker.models import Patient

pytestmark = pytest.mark.django_db


def stream_errors(text, window):
    """The errors of ``text`` read through a DocumentStream with a window of ``window``."""
    json_v1.CHUNK_CHARS = window
    try:
        v, plans = interchange.validators.validate(interchange.DocumentStream(io.StringIO(text)))
    except interchange.ImportFailed as failure:
        return failure.errors, []
    finally:
        json_v1.CHUNK_CHARS = 1 << 20
    return v.listed(), plans


def whole_errors(text):
    try:
        return interchange.validate_document(interchange.parse_json(text))
    except interchange.ImportFailed as failure:
        return failure.errors, []


def document_with(**top):
    doc = copy.deepcopy(VALID)
    doc.update(top)
    return json.dumps(doc, indent=1)


TEXTS = {
    "valid": json.dumps(VALID),
    "valid, indented": json.dumps(VALID, indent=2),
    "empty list": '{"patients": []}',
    "a number cut by the window": '{"patients": [12345678901234567890, {}]}',
    "unknown top-level key": document_with(extra=1),
    "patients not a list": '{"patients": {"mrn": "A1"}}',
    "no patients": '{"other": []}',
    "empty object": "{}",
    "an array": "[]",
    "a string": '"text"',
    "patients twice": json.dumps(VALID)[:-1] + ', "patients": []}',
    "a key that is no name": '{"patients": [], "a b": 1}',
    "errors in records": json.dumps(VALID).replace('"value": 62', '"value": 100'),
}
MALFORMED = {
    "cut short": '{"patients": [',
    "empty": "",
    "not json": "not json",
    "trailing comma": '{"patients": [{"mrn": "A1",}]}',
    "on line 3": '{\n "patients": [\n  {"mrn": "A1"} {"mrn": "A2"}\n ]\n}',
    "extra data": '{"patients": []} []',
    "no colon": '{"patients" []}',
    "key not a string": "{patients: []}",
    "between patients": '{"patients": [{"mrn": "A1"}\n\n, {"mrn": "A2"} "x"]}',
}


@pytest.mark.parametrize("window", [1, 3, 7, 64, 1 << 20])
@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_a_stream_gives_the_plans_and_errors_of_the_whole_document(text, window):
    errors, plans = stream_errors(text, window)
    expected_errors, expected_plans = whole_errors(text)
    assert sorted(errors) == sorted(expected_errors)
    assert plans == expected_plans


@pytest.mark.parametrize("window", [1, 5, 1 << 20])
@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_json_is_one_error_at_its_line_and_column(text, window):
    errors, plans = stream_errors(text, window)
    assert plans == []
    assert len(errors) == 1
    line, column = errors[0].split(" at line ")[1].split(":")[0].split(", column ")
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        expected = (exc.lineno, exc.colno)
    # Where a document read whole fails first, or later where the stream reads on (a value cut
    # short is only known to be so at the end of the file).
    assert (int(line), int(column)) >= expected
    assert errors[0].startswith("$: malformed JSON at line ")


def test_a_deep_nesting_in_a_stream_is_one_line():
    text = '{"patients": [{"mrn": "A1", "notes": ' + "[" * 10_000 + "]" * 10_000 + "}]}"
    assert stream_errors(text, 1 << 20)[0] == [json_v1.NESTED_TOO_DEEPLY]


def many_patients(n):
    patient = VALID["patients"][0]
    return json.dumps({"patients": [{**patient, "mrn": f"M{i:06d}"} for i in range(n)]}, indent=1)


def test_the_import_writes_in_batches(tmp_path, monkeypatch):
    written = []
    real = interchange.writer.write_plans
    monkeypatch.setattr(
        interchange.writer,
        "write_plans",
        lambda plans, actor: written.append(len(plans)) or real(plans, actor),
    )
    path = tmp_path / "many.json"
    path.write_text(many_patients(2500))
    call_command("import_patients", str(path))
    assert written == [1000, 1000, 500]
    assert Patient.objects.count() == 2500
    # In file order: the ties rule reads "listed later" as "recorded later".
    mrns = list(Patient.objects.order_by("pk").values_list("mrn", flat=True))
    assert mrns == sorted(mrns)


def test_an_error_after_a_written_batch_rolls_it_back(tmp_path, capsys):
    doc = json.loads(many_patients(30))
    doc["patients"][25]["lvef"][0]["value"] = 100
    with pytest.raises(interchange.ImportFailed) as failure:
        interchange.import_document(
            interchange.DocumentStream(io.StringIO(json.dumps(doc))),
            actor=services.import_actor(),
            batch_size=10,
        )
    assert failure.value.errors == ["patients[25].lvef[0].value: must be between 1 and 99"]
    assert counts() == [0] * 6


def test_an_mrn_already_stored_is_found_in_any_batch_but_not_the_imports_own(tmp_path):
    doc = json.loads(many_patients(30))
    interchange.import_document({"patients": doc["patients"][20:21]}, actor=services.import_actor())
    with pytest.raises(interchange.ImportFailed) as failure:
        interchange.import_document(doc, actor=services.import_actor(), batch_size=10)
    assert failure.value.errors == [
        "patients[20].mrn: MRN 'M000020' already exists in the database"
    ]
    assert Patient.objects.count() == 1
    # And a file whose patients are all new imports whole, batch after batch.
    interchange.import_document(
        {"patients": doc["patients"][:20]}, actor=services.import_actor(), batch_size=7
    )
    assert Patient.objects.count() == 21


def test_a_file_that_is_not_utf8_cannot_be_read(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes(json.dumps(VALID).replace("Ada", "Ad\u00e9").encode("latin-1"))
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_patients", str(path))
    assert counts() == [0] * 6


def test_reading_a_stream_keeps_memory_bounded_by_a_batch(tmp_path):
    """A dry run over 3,000 patients (3.3 MB of text, about 30 MB read whole) holds a batch."""
    path = tmp_path / "many.json"
    path.write_text(many_patients(3000))
    json_v1.CHUNK_CHARS = 1 << 16
    tracemalloc.start()
    try:
        with open(path, encoding="utf-8") as file:
            result = interchange.import_document(
                interchange.DocumentStream(file), actor=None, dry_run=True, batch_size=200
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        json_v1.CHUNK_CHARS = 1 << 20
    assert result.patients == 3000
    assert peak < 4_000_000, peak
