"""API clients per persona: each role's user with an API token (tests/conftest.py's personas)."""

import pytest

PERSONAS = ("administrator", "oncologist", "nurse", "cardiology", "viewer")


class TokenClient:
    """A test client sending `Authorization: Bearer <token>` and JSON bodies."""

    def __init__(self, token):
        from django.test import Client

        self.token = token
        self.client = Client()

    def _headers(self, headers):
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **(headers or {})}

    def get(self, url, data=None, **headers):
        return self.client.get(url, data, **self._headers(headers))

    def post(self, url, body=None, **headers):
        return self._send("post", url, body, headers)

    def patch(self, url, body=None, **headers):
        return self._send("patch", url, body, headers)

    def put(self, url, body=None, **headers):
        return self._send("put", url, body, headers)

    def delete(self, url, **headers):
        return self.client.delete(url, **self._headers(headers))

    def _send(self, method, url, body, headers):
        import json

        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return getattr(self.client, method)(
            url, data, content_type="application/json", **self._headers(headers)
        )


@pytest.fixture
def api(request):
    """api("nurse") -> a TokenClient for that persona."""

    def make(persona):
        user = request.getfixturevalue(persona)
        from tracker.models import ApiToken

        _, token = ApiToken.issue(user=user, name=f"tests {persona}")
        return TokenClient(token)

    return make
