"""A small HTTP client over urllib for tests and bench/ that talk to a real server on the
loopback interface: cookies kept, redirects not followed, the CSRF token read from forms."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status_code: int
    text: str
    headers: dict = field(default_factory=dict)

    def csrf(self) -> str:
        return CSRF.search(self.text).group(1)


class Session:
    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def request(self, path, *, params=None, data=None, timeout=30) -> Response:
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 - loopback http only
        if body is not None:
            request.add_header("Referer", self.base + path)  # CSRF checks it over HTTPS only
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Response(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode(errors="replace"), dict(error.headers))

    def get(self, path, params=None, timeout=30) -> Response:
        return self.request(path, params=params, timeout=timeout)

    def post(self, path, data, timeout=60) -> Response:
        return self.request(path, data=data, timeout=timeout)

    def login(self, username: str, password: str) -> Response:
        token = self.get("/accounts/login/").csrf()
        return self.post(
            "/accounts/login/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token},
        )
