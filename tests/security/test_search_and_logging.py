"""Issue 9 finding 11: a refused search (too long, a NUL) is said and never silently replaced
by the whole list, in the page or the CSV; a 403 is logged as one line, without a traceback."""

import logging

import pytest

from tests.factories import UserFactory
from tests.integration.test_views import overdue_patient

pytestmark = pytest.mark.django_db


def test_a_nul_search_is_refused_before_any_query(oncologist_client):
    # RejectNulMiddleware answers first: a NUL is never valid in a request (finding 11).
    for url in ("/", "/patients/"):
        for params in ({"q": "D1\x00"}, {"q": "D1\x00", "format": "csv"}):
            response = oncologist_client.get(url, params)
            assert response.status_code == 400
            assert not response["Content-Type"].startswith("text/csv")
            assert "NUL character" in response.content.decode()


@pytest.mark.parametrize(("query", "problem"), [("x" * 101, "at most 100 characters")])
def test_worklist_csv_with_a_refused_search_is_not_the_whole_list(
    oncologist_client, query, problem
):
    overdue_patient("OVER-5", 5)
    response = oncologist_client.get("/", {"format": "csv", "q": query})
    assert not response["Content-Type"].startswith("text/csv")
    assert "attachment" not in response.get("Content-Disposition", "")
    html = response.content.decode()
    assert problem in html and "The search was not run" in html
    assert "The CSV was not downloaded." in html


@pytest.mark.parametrize(
    ("url", "query", "problem"),
    [
        ("/", "x" * 101, "at most 100 characters"),
        ("/patients/", "x" * 101, "at most 100 characters"),
    ],
)
def test_a_refused_search_names_the_problem(oncologist_client, url, query, problem):
    html = oncologist_client.get(url, {"q": query}).content.decode()
    assert "Search (MRN or name):" in html and problem in html
    assert "The search was not run" in html


def test_a_valid_search_still_downloads_its_csv(oncologist_client):
    overdue_patient("OVER-5", 5)
    response = oncologist_client.get("/", {"format": "csv", "q": "OVER"})
    assert response["Content-Type"].startswith("text/csv")
    assert "OVER-5" in b"".join(response.streaming_content).decode()  # streamed (issue 13)


def test_a_403_is_one_warning_line_without_traceback(client, caplog):
    client.force_login(UserFactory(username="reader", roles=[]))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/patients/new/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /patients/new/"
    assert record.exc_info is None and not record.exc_text
