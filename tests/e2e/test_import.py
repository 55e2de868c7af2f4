"""Import from the browser (issue 15 item 4), in Chromium: an invalid file shows its errors
and writes nothing; a valid one shows what it would add and imports only on confirmation."""

import copy
import json

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.integration.test_import import VALID
from tracker.models import LvefMeasurement, Patient


def _open_import(page, live_server, superuser):
    log_in(page, live_server, superuser.username)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.wait_for_url(f"{live_server.url}/import/")
    expect(page.locator("h1")).to_have_text("Import patients from a file")


def test_invalid_file_shows_errors_and_writes_nothing(
    page, live_server, superuser, tmp_path, settings
):
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    doc = copy.deepcopy(VALID)
    doc["patients"][0]["lvef"][1]["modality"] = "xray"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    _open_import(page, live_server, superuser)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Check the file").click()
    errors = page.locator(".import-errors")
    expect(errors).to_contain_text("bad.json cannot be imported: 1 problem found")
    expect(errors).to_contain_text("patients[0].lvef[1].modality")
    expect(page.get_by_role("button", name="Import")).to_have_count(0)
    assert Patient.objects.count() == 0


def test_valid_file_shows_the_summary_and_imports_on_confirm(
    page, live_server, superuser, tmp_path, settings
):
    settings.IMPORT_STAGING_DIR = str(tmp_path)
    path = tmp_path / "clinic.json"
    path.write_text(json.dumps(VALID))
    _open_import(page, live_server, superuser)
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Check the file").click()
    summary = page.locator(".import-summary")
    expect(summary).to_contain_text("clinic.json is ready to import")
    expect(summary.locator('td[data-label="Number"]').first).to_have_text("2")
    assert Patient.objects.count() == 0  # checked, not imported
    page.get_by_role("button", name="Import 2 patients").click()
    page.wait_for_url(f"{live_server.url}/import/")
    expect(page.get_by_role("alert").first).to_contain_text("Imported clinic.json: 2 patients")
    assert Patient.objects.count() == 2
    assert LvefMeasurement.objects.count() == 2
