"""/api/v1/: the routes of every API view; one set per record type of the registry. The API
authenticates its own requests (tokens or the session: auth.py), so the pages' login redirect
(LoginRequiredMiddleware) is off for these views: an unauthenticated call gets a 401 in JSON."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from tracker.urls import MrnConverter  # noqa: F401 - registers the <mrn:...> converter

from . import views
from .errors import not_found

app_name = "api"


def _open(view):
    return login_not_required(view)


urlpatterns = [
    # The schema and the docs describe the API, with no patient data: readable without logging
    # in, so that an integrator's tools can fetch them.
    path(
        "openapi.json",
        _open(SpectacularJSONAPIView.as_view(authentication_classes=[], permission_classes=[])),
        name="schema",
    ),
    path(
        "docs/",
        _open(
            SpectacularSwaggerSplitView.as_view(
                url_name="api:schema", authentication_classes=[], permission_classes=[]
            )
        ),
        name="docs",
    ),
    path("patients/", _open(views.PatientList.as_view()), name="patients"),
    path("patients/<mrn:mrn>/", _open(views.PatientDetail.as_view()), name="patient"),
    path("worklist/", _open(views.Worklist.as_view()), name="worklist"),
    path("reports/monitoring/", _open(views.MonitoringReport.as_view()), name="monitoring_report"),
    path("reports/quality/", _open(views.QualityReport.as_view()), name="quality_report"),
]
for kind, (listed, detail, error) in views.RECORD_VIEWS.items():
    urlpatterns += [
        path(f"patients/<mrn:mrn>/{kind}/", _open(listed.as_view()), name=f"{kind}_list"),
        path(f"patients/<mrn:mrn>/{kind}/<int:pk>/", _open(detail.as_view()), name=kind),
        path(
            f"patients/<mrn:mrn>/{kind}/<int:pk>/entered-in-error/",
            _open(error.as_view()),
            name=f"{kind}_entered_in_error",
        ),
    ]
for action, view in views.SCAN_STATE_VIEWS.items():
    urlpatterns.append(
        path(
            f"patients/<mrn:mrn>/scans/<int:pk>/{action}/",
            _open(view.as_view()),
            name=f"scans_{action.replace('-', '_')}",
        )
    )
urlpatterns.append(re_path(r"^[\s\S]*$", _open(not_found), name="not_found"))
