"""Import from the browser (issue 15 item 4): upload a JSON file in the interchange format; the
dry run shows every error at its JSON path, or what would be created; only a confirmation
imports it, all or nothing, audited like `manage.py import_patients`.

Between the two steps the uploaded text stays on the server, in a private file named by a
random key; the page carries only a signed token naming that key, the file's SHA-256, the user
and the time, so the confirmation imports exactly the document that was checked (no re-upload
can slip in, and another user's token is refused). Tokens last an hour."""

from __future__ import annotations

import hashlib
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render

from tracker import interchange, services

from .common import require

SALT = "tracker.import"
TOKEN_MAX_AGE = 3600


def _staging() -> Path:
    folder = Path(settings.IMPORT_STAGING_DIR or tempfile.gettempdir())
    folder = folder / "tracker-imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Patient file (JSON, interchange format)",
        help_text="Checked first; nothing is imported until you confirm.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_FILE_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 1_048_576:.1f} MB; the largest file this page "
                f"accepts is {limit / 1_048_576:.0f} MB. Split it, or ask an administrator to "
                "use the import_patients command."
            )
        raw = upload.read()
        try:
            return upload.name, raw.decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(
                "The file is not UTF-8 text (is it a JSON file?)."
            ) from None


def _check(text: str):
    """(result, None) when the document would import, else (None, ImportFailed)."""
    try:
        doc = interchange.parse_json(text)
        return interchange.import_document(doc, actor=None, dry_run=True), None
    except interchange.ImportFailed as failure:
        return None, failure


def _sweep(folder: Path) -> None:
    """Checked files never confirmed are removed once their token has expired."""
    cutoff = time.time() - TOKEN_MAX_AGE
    for old in folder.glob("*.json"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass


def _stage(request, name: str, text: str) -> str:
    _sweep(_staging())
    key = secrets.token_urlsafe(24)
    data = text.encode("utf-8")
    path = _staging() / f"{key}.json"
    path.write_bytes(data)
    path.chmod(0o600)
    return signing.dumps(
        {
            "key": key,
            "sha256": hashlib.sha256(data).hexdigest(),
            "user": request.user.pk,
            "name": name[:200],
        },
        salt=SALT,
    )


def _staged(request, token: str):
    """(payload, text) of a token this user was given, or None."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("user") != request.user.pk:
        return None
    path = _staging() / f"{payload['key']}.json"
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != payload["sha256"]:
        return None
    return payload, data.decode("utf-8"), path


def data_import(request):
    require(request, "import_data")
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        name, text = form.cleaned_data["file"]
        result, failure = _check(text)
        context["file_name"] = name
        if failure is not None:
            context["failure"] = failure
        else:
            context["result"] = result
            context["token"] = _stage(request, name, text)
            form = UploadForm()
            context["form"] = form
    return render(request, "tracker/import.html", context)


def _confirm(request):
    staged = _staged(request, request.POST["token"])
    if staged is None:
        messages.error(
            request,
            "That check has expired or was not yours; nothing was imported. Upload the file again.",
        )
        return redirect("tracker:import")
    payload, text, path = staged
    try:
        doc = interchange.parse_json(text)
        with transaction.atomic():  # the audit event commits with the data, or neither
            result = interchange.import_document(doc, actor=request.user)
            services.audit_event_record(
                "import",
                request=request,
                detail=f"{payload['name']} (browser upload): {result.summary()}",
            )
    except interchange.ImportFailed as failure:
        # The database changed since the check (a patient added meanwhile ...).
        return render(
            request,
            "tracker/import.html",
            {"form": UploadForm(), "failure": failure, "file_name": payload["name"]},
        )
    path.unlink(missing_ok=True)
    messages.success(request, f"Imported {payload['name']}: {result.summary()}.")
    return redirect("tracker:import")
