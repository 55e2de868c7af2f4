"""Import from the browser (issue 15 item 4): /import/ checks an uploaded interchange file as a
dry run (every error at its JSON path, or what it would create) and imports only on
confirmation, all or nothing, audited like import_patients."""

import copy
import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import UserFactory
from tests.integration.test_import import VALID, counts
from tracker.models import AuditEvent, Patient

pytestmark = pytest.mark.django_db

URL = "/import/"


@pytest.fixture(autouse=True)
def staging(settings, tmp_path):
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    return tmp_path / "tracker-imports"


def _upload(client, doc, name="clinic.json"):
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return client.post(URL, {"file": SimpleUploadedFile(name, data, "application/json")})


def _token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_the_page_is_for_administrators(administrator_client, nurse_client, viewer_client):
    page = administrator_client.get(URL).content.decode()
    assert "Import patients from a file" in page and 'type="file"' in page
    assert 'href="/import/"' in page  # the navbar link
    for client in (nurse_client, viewer_client):
        response = client.get(URL)
        assert response.status_code == 403
        assert 'href="/import/"' not in client.get("/").content.decode()


def test_the_import_data_permission_opens_it(client):
    user = UserFactory(username="clerk", roles=["viewer"])
    user.user_permissions.add(Permission.objects.get(codename="import_data"))
    client.force_login(user)
    assert client.get(URL).status_code == 200


def test_no_role_has_import_data():
    from tracker.roles import ROLES

    assert not any("import_data" in perms for perms in ROLES.values())


def test_invalid_file_shows_every_error_with_its_path(administrator_client, staging):
    doc = copy.deepcopy(VALID)
    doc["patients"][0]["lvef"][0]["value"] = 150
    doc["patients"][1]["date_of_birth"] = "soon"
    before = counts()
    page = _upload(administrator_client, doc).content.decode()
    assert "clinic.json cannot be imported: 2 problems found" in page
    assert "patients[0].lvef[0].value: must be between 1 and 99" in page
    assert "patients[1].date_of_birth: must be a date" in page
    assert "Nothing was imported" in page and 'name="token"' not in page
    assert counts() == before
    assert not list(staging.glob("*.json"))


def test_malformed_json(administrator_client):
    page = _upload(administrator_client, b"{nope").content.decode()
    assert "$: malformed JSON at line 1" in page
    assert counts() == [0] * 6


def test_not_utf8(administrator_client):
    page = _upload(administrator_client, "é".encode("latin-1")).content.decode()
    assert "not UTF-8 text" in page


def test_too_large(administrator_client, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1_048_576
    page = _upload(administrator_client, b" " * 1_100_000).content.decode()
    assert "the largest file this page accepts is 1 MB" in page
    assert counts() == [0] * 6


def test_valid_file_shows_the_summary_then_imports_on_confirmation(
    administrator_client, administrator
):
    page = _upload(administrator_client, VALID).content.decode()
    assert "clinic.json is ready to import" in page
    assert '<td data-label="Number">2</td>' in page  # patients
    assert "Nothing has been imported yet." in page
    assert counts() == [0] * 6  # a dry run only
    response = administrator_client.post(URL, {"token": _token(page)}, follow=True)
    done = response.content.decode()
    assert "Imported clinic.json: 2 patients, 1 courses, 2 infusions" in done
    assert counts() == [2, 1, 2, 1, 2, 1]
    assert Patient.objects.get(mrn="A1001").created_by == administrator
    event = AuditEvent.objects.get(action="import")
    assert event.user == administrator
    assert event.detail.startswith("clinic.json (browser upload): 2 patients")


def test_a_token_imports_once(administrator_client):
    token = _token(_upload(administrator_client, VALID).content.decode())
    administrator_client.post(URL, {"token": token})
    again = administrator_client.post(URL, {"token": token}, follow=True).content.decode()
    assert "expired or was not yours" in again
    assert counts() == [2, 1, 2, 1, 2, 1]


def test_a_changed_staged_file_is_refused(administrator_client, staging):
    token = _token(_upload(administrator_client, VALID).content.decode())
    (staged,) = staging.glob("*.json")
    staged.write_text(json.dumps({"patients": []}))
    page = administrator_client.post(URL, {"token": token}, follow=True).content.decode()
    assert "nothing was imported" in page
    assert counts() == [0] * 6


def test_a_forged_or_foreign_token_is_refused(administrator_client, client):
    token = _token(_upload(administrator_client, VALID).content.decode())
    other = UserFactory(username="admin2", is_superuser=True)
    client.force_login(other)
    assert "was not yours" in client.post(URL, {"token": token}, follow=True).content.decode()
    forged = administrator_client.post(URL, {"token": token[:-2] + "xx"}, follow=True)
    assert "expired or was not yours" in forged.content.decode()
    assert counts() == [0] * 6


def test_database_change_between_check_and_confirm(administrator_client):
    """A patient added meanwhile with one of the MRNs: the confirmation shows the error and
    imports nothing."""
    from tests.factories import PatientFactory

    token = _token(_upload(administrator_client, VALID).content.decode())
    PatientFactory(mrn="B2002")
    page = administrator_client.post(URL, {"token": token}).content.decode()
    assert "cannot be imported" in page and "patients[1].mrn" in page
    assert Patient.objects.count() == 1
