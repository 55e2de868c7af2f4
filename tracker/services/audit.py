"""The audit trail's one writer: who, when, from where, which patient (by key)."""

from tracker import audit_context
from tracker.models import (
    AuditEvent,
    Patient,
)


def client_address(request=None) -> str | None:
    """The client's address as the server saw it (behind a proxy, configure the proxy to set
    REMOTE_ADDR; a client-supplied X-Forwarded-For is not trusted here). Without a request:
    the request being served, if any (audit_context), so that writes record it too."""
    if request is None:
        request = audit_context.current_request()
    return request.META.get("REMOTE_ADDR") if request is not None else None


def audit_event_record(
    action: str,
    *,
    request=None,
    user=None,
    username: str = "",
    patient: Patient | None = None,
    detail: str = "",
) -> AuditEvent:
    """Append one audit event; it joins the caller's transaction when there is one. The
    patient is a key (finding 5); `detail` must name no patient (no names, no query text)."""
    if request is None:
        request = audit_context.current_request()
    if user is None and request is not None:
        request_user = getattr(request, "user", None)
        if request_user is not None and request_user.is_authenticated:
            user = request_user
    if request is not None and action in ("login", "login_failed"):
        setattr(request, audit_context.LOGIN_AUDITED, True)
    return AuditEvent.objects.create(
        action=action,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        patient=patient,
        detail=detail[:500],
        ip_address=client_address(request),
    )
