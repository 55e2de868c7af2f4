"""The request being served, for the audit rows that code without a request writes.

The services take an actor, not a request; the audit row of a write still needs the client's
address (issue 9, finding 5). This middleware keeps the current request in a context variable
(per thread under WSGI, per task under ASGI) for `services.client_address`. It also audits a
log-in POST that Django's form refused before checking any password (an empty username or
password sends no `user_login_failed` signal)."""

from contextvars import ContextVar

from django.conf import settings
from django.shortcuts import resolve_url

_request: ContextVar = ContextVar("tracker_audit_request", default=None)

LOGIN_AUDITED = "_tracker_login_audited"  # set on the request by services.audit_event_record


def current_request():
    return _request.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request.set(request)
        try:
            response = self.get_response(request)
            if (
                request.method == "POST"
                and request.path == resolve_url(settings.LOGIN_URL)
                and not getattr(request, LOGIN_AUDITED, False)
            ):
                from tracker import services

                services.audit_event_record(
                    "login_failed",
                    request=request,
                    username=_typed_username(request),
                    detail="refused before any password check (no username or password given, "
                    "or the form was not accepted)",
                )
            return response
        finally:
            _request.reset(token)


def _typed_username(request) -> str:
    try:
        return str(request.POST.get("username", ""))
    except Exception:  # noqa: BLE001 - an unreadable body still leaves its audit row
        return ""
