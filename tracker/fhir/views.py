"""The FHIR R4 endpoints (issue 15 items 2, 3), plain Django views under /api/fhir/.

Every answer is ``application/fhir+json``; every refusal an OperationOutcome (401 without a
login, 403 without the permission, 4xx naming the problem's place), never a redirect to the
log-in page and never a 500 for a bad request.

Authentication: ``authenticate`` below is the one hook. Today it accepts the session of a
logged-in, active staff account, with Django's CSRF check (the browser's cookie must not be
usable by another site). A token (the REST API's, ``tracker.api.auth``) plugs in there and is
exempt from CSRF, having no cookie to forge.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from tracker import selectors, services
from tracker.models import Patient
from tracker.validators import mrn_key
from tracker.views.common import today

from . import observations
from . import resources as r

FHIR_JSON = "application/fhir+json"


def _json(body: dict, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=FHIR_JSON
    )
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def outcome(issues: list[observations.Issue], status: int) -> HttpResponse:
    return _json(
        {
            "resourceType": "OperationOutcome",
            "issue": [
                {
                    "severity": "error",
                    "code": i.code,
                    "diagnostics": i.message,
                    "expression": [i.expression],
                }
                for i in issues
            ],
        },
        status,
    )


def _refusal(code: str, message: str, status: int, expression: str = "") -> HttpResponse:
    return outcome([observations.Issue(expression or "$", message, code)], status)


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request, reason):
        return reason


def _csrf_failure(request) -> str | None:
    check = _CsrfCheck(lambda request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


def authenticate(request):
    """(user, by_token) of the request, or (None, False). An API token (tracker.api.auth's
    authenticate_api_token, issue 15: hashed, revocable) comes first; an invalid one is refused,
    never a fall-back to the session: (None, True). The token's user becomes the request's, so
    the audit names them."""
    from tracker.api.auth import authenticate_api_token, token_from_header

    if token_from_header(request) is not None:
        user = authenticate_api_token(request)
        if user is not None:
            request.user = user
        return user, True
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.is_active and user.is_staff:
        return user, False
    return None, False


def _authorised(request, permission: str):
    """The user, or the OperationOutcome refusing the request."""
    user, by_token = authenticate(request)
    if user is None and not by_token and request.user.is_authenticated:
        return None, _refusal("forbidden", "This account is not a clinic staff account.", 403)
    if user is None:
        return None, _refusal("login", "Log in (or send an API token) to use this API.", 401)
    if request.method == "POST" and not by_token:
        reason = _csrf_failure(request)
        if reason:
            return None, _refusal("security", f"CSRF check failed: {reason}", 403)
    if not user.has_perm(f"tracker.{permission}"):
        return None, _refusal("forbidden", "Your role does not allow this.", 403)
    return user, None


def _body(request):
    """The JSON body, or the OperationOutcome refusing it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.FHIR_MAX_BODY_BYTES:
        limit = settings.FHIR_MAX_BODY_BYTES // 1024
        return None, _refusal("too-costly", f"The body is larger than {limit:,} KB.", 413)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        return None, _refusal("structure", f"The body is not JSON: {exc}", 400)
    # No database stores a NUL character in text (json.dumps writes it as \u0000).
    if "\\u0000" in json.dumps(body):
        return None, _refusal("structure", "The body contains a NUL character.", 400)
    return body, None


@login_not_required
@require_GET
def patient_everything(request, mrn):
    user, refusal = _authorised(request, "view_patient")
    if refusal:
        return refusal
    patient = selectors.active_patients().filter(mrn_key=mrn_key(mrn)).first()
    if patient is None:
        return _refusal("not-found", "No patient has this MRN.", 404)
    services.audit_event_record(
        "patient_view", request=request, patient=patient, detail="FHIR Patient/$everything"
    )
    (export,) = selectors.patient_exports(Patient.objects.filter(pk=patient.pk), today())
    base = request.build_absolute_uri("/api/fhir/")
    return _json(r.collection_bundle(r.patient_resources(export), base))


def _created(record, created: bool) -> tuple[dict, int]:
    resource = r.lvef_resource(record, record.patient)
    return resource, 201 if created else 200


@csrf_exempt  # checked in _authorised, for the session only
@login_not_required
@require_POST
def observation_create(request):
    user, refusal = _authorised(request, "add_lvefmeasurement")
    if refusal:
        return refusal
    body, refusal = _body(request)
    if refusal:
        return refusal
    try:
        if isinstance(body, dict) and body.get("resourceType") == "Bundle":
            return _transaction(body, user)
        record, created = observations.import_observation(body, actor=user)
    except observations.Refused as refused:
        return outcome(refused.issues, refused.status)
    resource, status = _created(record, created)
    return _json(resource, status, Location=f"/api/fhir/Observation/{resource['id']}")


def _transaction(bundle, user):
    saved = observations.import_transaction(bundle, actor=user)
    entries = []
    for record, created in saved:
        resource, status = _created(record, created)
        entries.append(
            {
                "resource": resource,
                "response": {
                    "status": "201 Created" if status == 201 else "200 OK",
                    "location": f"Observation/{resource['id']}",
                },
            }
        )
    return _json({"resourceType": "Bundle", "type": "transaction-response", "entry": entries})


@csrf_exempt
@login_not_required
@require_POST
def transaction(request):
    """POST /api/fhir/ with a transaction Bundle (the FHIR base URL's own operation)."""
    user, refusal = _authorised(request, "add_lvefmeasurement")
    if refusal:
        return refusal
    body, refusal = _body(request)
    if refusal:
        return refusal
    try:
        return _transaction(body, user)
    except observations.Refused as refused:
        return outcome(refused.issues, refused.status)
