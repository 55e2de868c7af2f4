"""The README's API section runs (issue 15, "Done when"): every curl example in its bash block
is parsed and sent through the test client with a token made here, and must succeed, so that
the documentation cannot rot unnoticed."""

import json
import re
import shlex
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.factories import LvefFactory, PatientFactory
from tracker import services
from tracker.models import ApiToken

README = Path(__file__).resolve().parents[2] / "README.md"


def api_section() -> str:
    text = README.read_text()
    start = text.index("\n## API\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def curl_commands() -> list[str]:
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", api_section(), re.S):
        joined = block.replace("\\\n", " ")
        commands += [
            line.strip() for line in joined.splitlines() if line.strip().startswith("curl")
        ]
    return commands


def parse(command: str) -> dict:
    words = shlex.split(command)
    assert words[0] == "curl"
    request = {"method": None, "headers": {}, "data": None, "url": None}
    i = 1
    while i < len(words):
        word = words[i]
        if word == "-X":
            request["method"] = words[i + 1]
            i += 2
        elif word == "-H":
            name, _, value = words[i + 1].partition(":")
            request["headers"][name.strip()] = value.strip()
            i += 2
        elif word in ("-d", "--data"):
            request["data"] = words[i + 1]
            i += 2
        elif word.startswith("-"):
            pytest.fail(f"the test does not know curl's {word}: {command}")
        else:
            request["url"] = word
            i += 1
    request["method"] = request["method"] or ("POST" if request["data"] else "GET")
    return request


def test_the_readme_has_curl_examples():
    commands = curl_commands()
    assert len(commands) >= 4
    methods = {parse(c)["method"] for c in commands}
    assert {"GET", "POST"} <= methods


@pytest.mark.django_db
@pytest.mark.parametrize("command", curl_commands())
def test_each_readme_curl_example_succeeds(client, nurse, command):
    patient = PatientFactory(mrn="D1001")  # the demo patient the examples name
    lvef = LvefFactory(patient=patient)  # the examples' $ID
    services.status_refresh()
    _, token = ApiToken.issue(user=nurse, name="readme")
    request = parse(command.replace("$TOKEN", token).replace("$ID", str(lvef.pk)))
    url = urlsplit(request["url"])
    assert url.scheme in ("http", "https") and url.path.startswith("/api/v1/")
    headers = {
        f"HTTP_{name.upper().replace('-', '_')}": value
        for name, value in request["headers"].items()
        if name.lower() != "content-type"
    }
    path = url.path + (f"?{url.query}" if url.query else "")
    kwargs = {}
    if request["data"] is not None:
        json.loads(request["data"])  # the example's body is JSON
        kwargs = {"data": request["data"], "content_type": request["headers"]["Content-Type"]}
    response = getattr(client, request["method"].lower())(path, **kwargs, **headers)
    assert 200 <= response.status_code < 300, (command, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    response.json()
