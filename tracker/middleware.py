import logging
import time

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.cache import add_never_cache_headers

# A signed cookie (browser-session lifetime) holding the time of the user's last authenticated
# request: after the server-side session has expired it is the only trace left, and it lets the
# log-in page say why the user was signed out (issue 13 item 3).
LAST_SEEN_COOKIE = "tracker_last_seen"
LAST_SEEN_SALT = "tracker.session-expiry"

# Browser features the tracker never uses (issue 9 finding 9).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PrivateResponseMiddleware:
    """Every response the application itself produces (not WhiteNoise's static files, which
    answer before authentication runs) gets `Cache-Control: no-store`, so that a shared ward PC
    keeps no patient page, CSV or admin page in its disk cache after log-out (issue 9 finding 8,
    issue 13 item 4); and every response gets a `Permissions-Policy` (finding 9)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if hasattr(request, "user"):  # went through the application, signed in or not
            add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SessionExpiryMiddleware:
    """Records the time of each signed-in request in a signed cookie, so that when the idle
    limit (SESSION_COOKIE_AGE) has ended the session the log-in page can say so (issue 13
    item 3). The session itself expires on the server; this cookie grants nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.set_signed_cookie(
                LAST_SEEN_COOKIE,
                str(int(time.time())),
                salt=LAST_SEEN_SALT,
                httponly=True,
                secure=settings.SESSION_COOKIE_SECURE,
                samesite="Lax",
            )
        return response


class StaffRequiredMiddleware:
    """After LoginRequiredMiddleware: a logged-in account must also be clinic staff (is_staff)
    to see any page; the import account and other non-staff accounts get nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None  # the login page and other public views
        user = request.user
        if user.is_authenticated and not (user.is_staff and user.is_active):
            raise PermissionDenied("This account is not a clinic staff account.")
        return None


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` to every response: the time the application spent,
    for the browser's developer tools and for bench/run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class ForbiddenWithoutTracebackFilter(logging.Filter):
    """A 403 (PermissionDenied: a role asking for a page it may not see) is expected, not an
    error: django.request keeps its one-line warning but drops the traceback (issue 9 #11)."""

    def filter(self, record):
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
