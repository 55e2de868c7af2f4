"""The API's list endpoints use the same bounded number of queries for 10 and for 200 patients
(CI quality bar; the pages' bounds are in tests/integration/test_stored_status.py)."""

import pytest
from django.utils import timezone

from devdata.synthetic import synthetic_document
from tracker import interchange, services

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()

# url -> the most queries at 10 and at 200 patients. Each includes the token's row (with its
# user), the user's permissions and the audit event of the read; the first token use also
# stamps last_used_at (1 write), settled here by a first request.
ENDPOINTS = {
    "patients": ("/api/v1/patients/", 7),
    "patients_page_2": ("/api/v1/patients/?limit=20&after=S0000005", 7),
    "patients_filtered": ("/api/v1/patients/?section=dose&phase=active", 7),
    "patients_search": ("/api/v1/patients/?q=S00", 7),
    # + the worklist's kept sections, brought up to date after a write (the request after the
    # import always reads every status: the version, the last change, the statuses, the oldest
    # evaluation day)
    "worklist": ("/api/v1/worklist/", 11),
    "worklist_search": ("/api/v1/worklist/?q=S00&limit=50", 9),
}


@pytest.fixture
def viewer_api(api):
    client = api("viewer")
    assert client.get("/api/v1/reports/quality/").status_code == 400  # settles last_used_at
    return client


@pytest.mark.parametrize("n", [10, 200])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_endpoints_use_bounded_queries(viewer_api, django_assert_max_num_queries, n, endpoint):
    interchange.import_document(
        synthetic_document(n, TODAY, start=1), actor=services.import_actor()
    )
    url, limit = ENDPOINTS[endpoint]
    with django_assert_max_num_queries(limit):
        response = viewer_api.get(url)
    assert response.status_code == 200, response.json()
    body = response.json()
    if endpoint == "patients":
        assert body["count"] == n and len(body["results"]) == min(n, 50)
    if endpoint == "worklist":
        assert body["total"] == n
