from django.shortcuts import render

from tracker.models import Patient


def worklist(request):
    patients = Patient.objects.filter(entered_in_error=False).order_by("mrn")
    return render(request, "tracker/worklist.html", {"patients": patients})
