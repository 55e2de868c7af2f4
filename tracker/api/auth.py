"""Who is calling the API: an API token (`Authorization: Bearer <token>` or `Token <token>`) or
the browser's session (with CSRF). `authenticate_api_token` is plain Django, so that views outside
Django REST framework (the FHIR endpoints) can authenticate the same tokens."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from tracker.models import ApiToken
from tracker.models.api import TOKEN_SCHEME

SCHEMES = ("bearer", "token")
# last_used_at is written at most this often: a read must not take the write lock every time
# (SQLite has one for the whole database; the session's activity stamp follows the same rule).
LAST_USED_SECONDS = 60
REFUSED = "The API token is unknown or revoked, or its account is inactive."


def token_from_header(request) -> str | None:
    """The token of an `Authorization: Bearer|Token <token>` header, "" for such a header
    without one, None for no header of these schemes (another login may apply)."""
    scheme, _, value = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme.lower() not in SCHEMES:
        return None
    return value.strip()


def authenticate_api_token(request):
    """The user of the request's API token, or None: no token, an unknown or revoked one, or an
    account that is inactive or not clinic staff (StaffRequiredMiddleware's rule)."""
    token = token_from_header(request)
    if not token or len(token) > 200:
        return None
    scheme, _, rest = token.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or not prefix or not secret:
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if row is None or not row.active or not row.matches(token):
        return None
    user = row.user
    if not (user.is_active and user.is_staff):
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at >= timedelta(seconds=LAST_USED_SECONDS):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return user


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        if token_from_header(request) is None:
            return None  # not a token: the session may still authenticate
        user = authenticate_api_token(request)
        if user is None:
            raise exceptions.AuthenticationFailed(REFUSED)
        return user, "api-token"

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The token in the OpenAPI schema (drf-spectacular finds it by the class)."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token created by an administrator in the admin "
            "(`Authorization: Bearer trk_...`; `Token trk_...` works too).",
        }
