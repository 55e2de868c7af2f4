from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("flags/", views.flag_help, name="flags"),
    path("patients/", views.patient_list, name="patients"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<str:mrn>/", views.patient_timeline, name="patient"),
    path("patients/<str:mrn>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<str:mrn>/history/", views.patient_audit, name="patient_audit"),
    path("patients/<str:mrn>/<str:kind>/new/", views.record_create, name="record_create"),
    path(
        "patients/<str:mrn>/courses/<int:course_id>/<str:kind>/new/",
        views.record_create,
        name="course_record_create",
    ),
    path("patients/<str:mrn>/<str:kind>/<int:pk>/edit/", views.record_edit, name="record_edit"),
    path(
        "patients/<str:mrn>/<str:kind>/<int:pk>/entered-in-error/",
        views.record_entered_in_error,
        name="record_entered_in_error",
    ),
]
