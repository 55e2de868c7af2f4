"""Every API error as JSON, never HTML and never a 500 for bad input: `{"status", "detail",
"errors": [{"path", "message"}]}`, each path naming the field as the import's errors name their
JSON path (tracker/interchange/validators.py): `value`, `course`, `query.as_of`, or `body` for
the request as a whole."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.html import strip_tags
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

BODY = "body"
NON_FIELD = (api_settings.NON_FIELD_ERRORS_KEY, "__all__")


class Conflict(exceptions.APIException):
    """409: the record changed since the client read it, or may no longer change."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The record was changed by someone else; nothing was saved."
    default_code = "conflict"

    def __init__(self, message: str, *, path: str = "updated_at", current=None):
        super().__init__(message)
        self.path = path
        self.current = current


def join(path: str, key) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if key in NON_FIELD:
        return path or BODY
    return f"{path}.{key}" if path else str(key)


def flatten(detail, path: str = "") -> list[dict]:
    """DRF's nested error detail (or a Django ValidationError's dict) as a flat list of paths."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in flatten(value, join(path, key))]
    if isinstance(detail, (list, tuple)):
        errors = []
        for index, item in enumerate(detail):
            inner = join(path, index) if isinstance(item, (dict, list, tuple)) else path
            errors.extend(flatten(item, inner))
        return errors
    return [{"path": path or BODY, "message": strip_tags(str(detail))}]


def django_errors(exc: DjangoValidationError, path: str = "") -> list[dict]:
    if hasattr(exc, "error_dict"):
        return flatten({key: [m for e in errs for m in e.messages] for key, errs in
                        exc.error_dict.items()}, path)  # fmt: skip
    return flatten(list(exc.messages), path)


def invalid(errors: list[dict]) -> Response:
    count = len(errors)
    return Response(
        {
            "status": 400,
            "detail": f"The request has {count} error{'s' if count != 1 else ''}; nothing was "
            "saved.",
            "errors": errors,
        },
        status=400,
    )


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        return invalid(django_errors(exc))
    if isinstance(exc, DataError):  # a value the database cannot hold
        return invalid([{"path": BODY, "message": "a value the database cannot store"}])
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "Your role does not allow this.")
    if isinstance(exc, exceptions.ValidationError):
        return invalid(flatten(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return invalid([{"path": BODY, "message": str(exc.detail)}])
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a programming error: a 500 with its traceback in the log
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    body = {"status": response.status_code, "detail": str(detail), "errors": []}
    if isinstance(exc, Conflict):
        body["errors"] = [{"path": exc.path, "message": str(detail)}]
        if exc.current is not None:
            body["current"] = exc.current
    response.data = body
    return response


@csrf_exempt  # no session write happens here; a 403 CSRF page would be HTML
def not_found(request, *args, **kwargs):
    """Any other address under /api/v1/: JSON, not the HTML 404 page."""
    return JsonResponse(
        {"status": 404, "detail": "No such API endpoint.", "errors": []}, status=404
    )
