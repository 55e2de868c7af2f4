"""The chair list (issue 12 item 6): the patients expected for an infusion on a day, each with
its "safe to dose?" state, for the infusion nurses."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
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


# Rows per page: a list of thousands (a regional network's synthetic day at 20,000 patients lists
# 5,000) is not drawn whole for every view (issue 16): 100 rows took 130 ms to draw.
CHAIR_PAGE_ROWS = 50


def _page(request, listed):
    """The page asked for; the first, with a message naming the field, when it cannot be read
    or does not exist."""
    paginator = Paginator(listed.rows, CHAIR_PAGE_ROWS, allow_empty_first_page=True)
    asked = request.GET.get("page")
    if asked is None:
        return paginator.page(1)
    try:
        return paginator.page(asked)
    except PageNotAnInteger:
        problem = "is not a whole number"
    except EmptyPage:
        problem = f"is past the last page ({paginator.num_pages})"
    messages.error(request, f'Page: "{asked[:20]}" {problem}. The list shows page 1 instead.')
    return paginator.page(1)


def chair(request):
    _require(request, "view_patient")
    today = _today()
    day = _day(request, today)
    listed = chair_list(day)
    page = _page(request, listed)
    services.audit_event_record(
        "list_view",
        request=request,
        detail=(
            f"chair list for {day.isoformat()}: {len(listed.rows)} row(s), "
            f"page {page.number} of {page.paginator.num_pages}"
        ),
    )
    context = {
        "chair": listed,
        "page": page,
        "day_query": urlencode({"day": day.isoformat()}),
        "day": day,
        "today": today,
    }
    return render(request, "tracker/chair.html", context)
