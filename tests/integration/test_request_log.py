"""Structured logs (issue 16 item 4): LOG_FORMAT=json gives one JSON line per request with the
route, status, time, user id and request id, and never patient data (MRN, name, search)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from tests.factories import PatientFactory
from tracker.request_log import JsonFormatter

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def lines(caplog):
    caplog.set_level(logging.INFO, logger="tracker.requests")

    def formatted():
        return [
            json.loads(JsonFormatter().format(r))
            for r in caplog.records
            if r.name == "tracker.requests"
        ]

    return formatted


@override_settings(REQUEST_LOG=True)
def test_one_line_per_request_without_patient_data(nurse_client, nurse, lines):
    PatientFactory(mrn="A1001", given_name="Quixote", family_name="Zelda")
    response = nurse_client.get("/patients/A1001/", {"q": "Zelda"})
    assert response.status_code == 200
    nurse_client.get("/patients/", {"q": "Quix"})
    first, second = lines()
    assert first["route"] == "/patients/<mrn:mrn>/" and second["route"] == "/patients/"
    assert first["method"] == "GET" and first["status"] == 200
    assert first["user_id"] == nurse.pk
    assert isinstance(first["duration_ms"], float)
    assert first["request_id"] == response["X-Request-ID"]
    assert first["request_id"] != second["request_id"]
    text = json.dumps([first, second])
    for patient_data in ("A1001", "Quixote", "Zelda", "Quix", "q="):
        assert patient_data not in text


@override_settings(REQUEST_LOG=True)
def test_the_proxys_request_id_is_kept_when_it_is_a_plain_token(client, lines):
    client.get("/accounts/login/", HTTP_X_REQUEST_ID="edge-42.a")
    client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\n{json}")
    kept, replaced = lines()
    assert kept["request_id"] == "edge-42.a"
    assert len(replaced["request_id"]) == 32 and "{" not in replaced["request_id"]
    assert kept["user_id"] is None and kept["status"] == 200


@override_settings(REQUEST_LOG=True)
def test_a_page_not_found_logs_no_path(nurse_client, lines):
    nurse_client.get("/no-such-page/A1001/")
    (line,) = lines()
    assert line["status"] == 404 and line["route"] is None
    assert "A1001" not in json.dumps(line)


def test_no_request_lines_unless_asked(nurse_client, lines):
    nurse_client.get("/")
    assert lines() == []


def test_the_formatter_gives_one_json_line_with_the_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("a",), sys.exc_info()
        )
    text = JsonFormatter().format(record)
    assert "\n" not in text
    line = json.loads(text)
    assert line["message"] == "failed a" and line["level"] == "ERROR"
    assert "ValueError: boom" in line["exception"]


def test_log_format_json_configures_the_json_formatter():
    code = (
        "import django, logging; django.setup(); from django.conf import settings; "
        "print(settings.REQUEST_LOG, type(logging.getLogger().handlers[0].formatter).__name__,"
        " logging.getLogger('tracker.requests').getEffectiveLevel())"
    )
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, check=True
    )
    assert done.stdout.split() == ["True", "JsonFormatter", "20"]
