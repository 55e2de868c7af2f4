"""Structured logs (issue 16 item 4): one JSON line per request, behind LOG_FORMAT=json.

What a line holds is chosen so that no patient data is logged: the URL's route pattern
("/patients/<mrn:mrn>/"), never the path (it holds MRNs) nor the query string (searches hold
names); the status, the time taken, the user's id (not the name) and a request id, also sent
back as X-Request-ID so that a user's report can be matched to its line."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.conf import settings

logger = logging.getLogger("tracker.requests")
# A request id given by the reverse proxy is kept when it is a plain token.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# The standard attributes of a LogRecord: everything else was passed as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.REQUEST_LOG:
            return self.get_response(request)
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "route": f"/{match.route}" if match and match.route else None,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "request_id": request_id,
            },
        )
        response["X-Request-ID"] = request_id
        return response


class JsonFormatter(logging.Formatter):
    """Every record as one JSON object on one line: time, level, logger, message, the fields
    given as `extra`, and the traceback as text when there is one."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)
