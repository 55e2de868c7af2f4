"""The chair list (issue 12 item 6): the patients expected for an infusion on a day, each with
its "safe to dose?" state, for the infusion nurses."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import render

from tracker import services
from tracker.selectors.chair import chair_list
from tracker.validators import plausible_date

from .common import require as _require
from .common import today as _today


class ChairDayForm(forms.Form):
    day = forms.DateField(
        required=False,
        label="Day",
        validators=[plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _day(request, today):
    """The day asked for, or today with a message naming the field when it cannot be read."""
    form = ChairDayForm(request.GET or None)
    if not form.is_bound:
        return today
    if form.is_valid():
        return form.cleaned_data["day"] or today
    problems = " ".join(form.errors.get("day", [])) or "could not be read"
    messages.error(
        request,
        f"Day: {problems.rstrip('.')} (a date such as {today.isoformat()}). The list shows "
        "today instead.",
    )
    return today


def chair(request):
    _require(request, "view_patient")
    today = _today()
    day = _day(request, today)
    listed = chair_list(day)
    services.audit_event_record(
        "list_view",
        request=request,
        detail=f"chair list for {day.isoformat()}: {len(listed.rows)} row(s)",
    )
    context = {"chair": listed, "day": day, "today": today}
    return render(request, "tracker/chair.html", context)
