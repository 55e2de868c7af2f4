"""/api/fhir/ (issue 15 items 2, 3): included from config/urls.py."""

from django.urls import path

from . import views

app_name = "fhir"

urlpatterns = [
    path("", views.transaction, name="transaction"),
    path("Patient/<str:mrn>/$everything", views.patient_everything, name="everything"),
    path("Observation", views.observation_create, name="observation_create"),
]
