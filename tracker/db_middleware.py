"""The app and its database when things go wrong (issue 9, findings 4 and 11): a NUL in the
address is refused before anything reads the database, a busy database (SQLite's single write
lock, a PostgreSQL lock or deadlock) answers "busy, try again" and an unreachable one "the
database is unavailable" (503, logged once per outage, no traceback per request), and page
views do not write the session on every request."""

import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, DataError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger("tracker.database")

RETRY_AFTER_SECONDS = 10
# PostgreSQL states that mean "try again": serialisation failure, deadlock, lock timeout,
# statement timeout. Every other operational error means the database cannot be used.
BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})
SQLITE_BUSY_MESSAGES = ("database is locked", "database table is locked", "database schema is")


def is_busy(exc: DatabaseError) -> bool:
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate:
        return sqlstate in BUSY_SQLSTATES
    return any(text in str(exc).lower() for text in SQLITE_BUSY_MESSAGES)


# The REST API (tracker/api/) answers in JSON, also when these middlewares answer for it.
API_PREFIX = "/api/"


def _api_error(status: int, detail: str) -> JsonResponse:
    response = JsonResponse({"status": status, "detail": detail, "errors": []}, status=status)
    response._has_been_logged = True
    return response


def _page(template: str, status: int, **context) -> HttpResponse:
    # Rendered without the request: no context processor may touch the database (the user,
    # the session, the messages) while it is the thing that failed.
    response = HttpResponse(render_to_string(template, context), status=status)
    # This module logs what happened, once; Django need not log the response again.
    response._has_been_logged = True
    return response


class _Outage:
    """Whether this process has reported the database unavailable and not yet seen it back."""

    def __init__(self):
        self.lock = threading.Lock()
        self.down = False

    def report(self, exc) -> None:
        with self.lock:
            first, self.down = not self.down, True
        if first:
            logger.error(
                "The database is unavailable (%s: %s); pages answer 503 until it is back. "
                "Logged once per outage.",
                type(exc).__name__,
                str(exc).strip().splitlines()[0] if str(exc).strip() else "",
            )

    def recovered(self) -> None:
        if self.down:
            with self.lock:
                was, self.down = self.down, False
            if was:
                logger.warning("The database is available again.")


outage = _Outage()


API_DATABASE_ERRORS = {
    503: "The database is busy or unavailable; try again later. Nothing was saved.",
    400: "The request contains a value the database cannot store. Nothing was saved.",
}


def database_error_response(request, exc: DatabaseError) -> HttpResponse | None:
    response = _database_error_page(request, exc)
    if response is None or not request.path_info.startswith(API_PREFIX):
        return response
    json = _api_error(response.status_code, API_DATABASE_ERRORS[response.status_code])
    if response.has_header("Retry-After"):
        json["Retry-After"] = response["Retry-After"]
    return json


def _database_error_page(request, exc: DatabaseError) -> HttpResponse | None:
    if isinstance(exc, OperationalError) and is_busy(exc):
        logger.warning("The database was busy for %s %s: %s", request.method, request.path, exc)
        response = _page("busy.html", 503, retry_after=RETRY_AFTER_SECONDS)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if isinstance(exc, (OperationalError, InterfaceError)):
        outage.report(exc)
        response = _page("503.html", 503, retry_after=60)
        response["Retry-After"] = "60"
        return response
    if isinstance(exc, DataError):  # a value the database cannot hold (e.g. a NUL on PostgreSQL)
        logger.warning(
            "The database refused a value for %s %s: %s", request.method, request.path, exc
        )
        return _page(
            "bad_input.html",
            400,
            problem="The request contains a value the database cannot store (for example a "
            "NUL character). Nothing was saved.",
        )
    return None  # a programming error: Django's 500, with its traceback


class DatabaseErrorMiddleware:
    """After AuthenticationMiddleware, before LoginRequiredMiddleware: loads the user here (the
    first query of most requests), where a failure can still be answered with a page, and turns
    the view's database errors into the busy / unavailable pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            authenticated = request.user.is_authenticated
        except DatabaseError as exc:
            response = database_error_response(request, exc)
            if response is None:
                raise
            return response
        response = self.get_response(request)
        if authenticated and response.status_code < 500:
            outage.recovered()  # this request read its session and user from the database
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DatabaseError):
            return database_error_response(request, exception)
        return None


def _nul_in_request(request) -> str | None:
    if "\x00" in request.path_info:
        return "address"
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return "query"
    for key, value in request.COOKIES.items():
        if "\x00" in key or "\x00" in value:
            return "cookie"
    return None


class RejectNulMiddleware:
    """A NUL character (%00) is never part of a valid address, query or cookie here; PostgreSQL
    cannot even compare it (a 500 before, finding 11). Refused with 400 before anything reads
    the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _nul_in_request(request)
        if where and request.path_info.startswith(API_PREFIX):
            return _api_error(
                400,
                f"The {where} of this request contains a NUL character (%00), which is "
                "never valid here.",
            )
        if where:
            return _page(
                "bad_input.html",
                400,
                problem=f"The {where} of this request contains a NUL character (%00), which is "
                "never valid here. Check the link, or start again from the worklist.",
            )
        return self.get_response(request)


# The session records activity at most this often: a page view does not need the database's
# write lock (SQLite has one for the whole database; finding 4), and the idle expiry
# (SESSION_COOKIE_AGE after the last request) is kept to within this many seconds.
SESSION_ACTIVITY_SECONDS = 60
ACTIVITY_KEY = "_tracker_activity"


@contextmanager
def _short_lock_wait():
    """SQLite: while another connection holds the write lock, give up on the activity stamp
    after 0.2 s instead of the connection's full wait; the next request will try again."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    usual = int(float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout = 200")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {usual}")


class SessionActivityMiddleware:
    """After SessionMiddleware and AuthenticationMiddleware, with SESSION_SAVE_EVERY_REQUEST
    off: a signed-in user's session is saved (its expiry moved on) when the view changed it or
    when its activity stamp is more than SESSION_ACTIVITY_SECONDS old, not on every request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or session.session_key is None or not (user and user.is_authenticated):
            return response
        now = int(time.time())
        if session.modified:  # SessionMiddleware saves it anyway
            session[ACTIVITY_KEY] = now
            return response
        if now - session.get(ACTIVITY_KEY, 0) < SESSION_ACTIVITY_SECONDS:
            return response
        session[ACTIVITY_KEY] = now
        try:
            with _short_lock_wait():
                session.save()
        except (DatabaseError, UpdateError) as exc:
            # Busy (a long import) or down: the page is ready; the stamp waits for a later one.
            logger.info("Session activity not recorded this time: %s", exc)
        session.modified = False
        return response
