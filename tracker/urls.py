from django.urls import path, register_converter

from tracker import views
from tracker.validators import MRN_PATTERN


class MrnConverter:
    """Exactly the MRN alphabet of tracker/validators.py (issue 9 finding 2): every stored MRN
    reverses, and nothing else resolves as one. "new" is refused by the validator, and
    patients/new/ is listed before patients/<mrn:mrn>/."""

    regex = MRN_PATTERN

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MrnConverter, "mrn")

app_name = "tracker"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("flags/", views.flag_help, name="flags"),
    path("chair/", views.chair, name="chair"),
    path("import/", views.data_import, name="import"),
    path("patients/", views.patient_list, name="patients"),
    path("quality/", views.quality, name="quality"),
    path("quality/<str:measure>/", views.quality_list, name="quality_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<mrn:mrn>/", views.patient_timeline, name="patient"),
    path("patients/<mrn:mrn>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<mrn:mrn>/history/", views.patient_audit, name="patient_audit"),
    # Issue 12: the follow-through (before the <kind> routes they would otherwise shadow).
    path("patients/<mrn:mrn>/letter/", views.patient_letter, name="patient_letter"),
    path("patients/<mrn:mrn>/letter/sent/", views.patient_letter_sent, name="patient_letter_sent"),
    path("patients/<mrn:mrn>/scans/<int:pk>/book/", views.scan_request_book, name="scan_book"),
    path("patients/<mrn:mrn>/scans/<int:pk>/close/", views.scan_request_close, name="scan_close"),
    path("patients/<mrn:mrn>/holds/<int:pk>/end/", views.hold_end, name="hold_end"),
    path("patients/<mrn:mrn>/<str:kind>/new/", views.record_create, name="record_create"),
    path(
        "patients/<mrn:mrn>/courses/<int:course_id>/<str:kind>/new/",
        views.record_create,
        name="course_record_create",
    ),
    path("patients/<mrn:mrn>/<str:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path(
        "patients/<mrn:mrn>/<str:kind>/<int:pk>/entered-in-error/",
        views.record_entered_in_error,
        name="record_entered_in_error",
    ),
]
