"""A fresh machine installs what CI tested (issue 9, finding 0): nothing is built from an sdist at
install time, Bootstrap is served from committed files, and the manifest storage finds every file
that the CSS refers to (its source map included)."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def _pins(lock: Path) -> dict[str, list[str]]:
    pins: dict[str, list[str]] = {}
    name = None
    for line in lock.read_text().splitlines():
        if m := re.match(r"^([A-Za-z0-9_.\-\[\]]+)==(\S+)", line):
            name = m.group(1).lower()
            pins[name] = []
        elif name and (m := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[name].append(m.group(1))
    return pins


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-dev.lock"])
def test_every_locked_package_is_pinned_with_hashes(lock):
    pins = _pins(ROOT / lock)
    assert "django" in pins
    assert all(pins.values()), [n for n, h in pins.items() if not h]


def test_no_xstatic_or_build_constraints_remain():
    for name in ["requirements.txt", "requirements-dev.txt", "requirements.lock", "Makefile"]:
        text = (ROOT / name).read_text().lower()
        assert "xstatic" not in text, name
        assert "pip_constraint" not in text, name
    assert not (ROOT / "constraints.txt").exists()


def test_make_installs_the_lock_with_hashes_and_wheels_only():
    makefile = (ROOT / "Makefile").read_text()
    assert "--require-hashes" in makefile
    assert "--only-binary :all:" in makefile
    assert "requirements-dev.lock" in makefile


def test_ci_installs_without_a_pip_cache():
    assert "PIP_NO_CACHE_DIR=1" in (ROOT / ".ci" / "run").read_text()


def test_bootstrap_is_committed_with_its_source_map_and_licence():
    bootstrap = ROOT / "static" / "bootstrap"
    css = (bootstrap / "css" / "bootstrap.min.css").read_text()
    assert "Bootstrap  v5.3" in css or "Bootstrap v5.3" in css
    assert (bootstrap / "css" / "bootstrap.min.css.map").stat().st_size > 0
    assert "MIT" in (bootstrap / "LICENSE").read_text()


def test_collectstatic_with_the_manifest_storage(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "bootstrap/css/bootstrap.min.css" in manifest
    assert "bootstrap/css/bootstrap.min.css.map" in manifest
