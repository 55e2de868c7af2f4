"""The example deployment files are valid (issue 16): systemd units pass `systemd-analyze verify`
where it exists, and gunicorn accepts its configuration."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ["her2-tracker.service", "her2-tracker-refresh.service", "her2-tracker-refresh.timer"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_units_verify(tmp_path):
    # The units name the install folder /opt/her2-tracker; point them at this checkout, whose
    # virtualenv has the programs they start.
    for name in UNITS:
        text = (DEPLOY / name).read_text().replace("/opt/her2-tracker", str(ROOT))
        (tmp_path / name).write_text(text)
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_gunicorn_accepts_its_configuration():
    done = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "config.wsgi",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_gunicorn_uses_threaded_workers_sized_from_the_cores():
    text = (DEPLOY / "gunicorn.conf.py").read_text()
    assert 'worker_class = "gthread"' in text
    assert "cpu_count()" in text
