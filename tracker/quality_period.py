"""The period of the quality page (issue 14 item 3): a quarter, by default the last complete one,
or a from/to range; bad input names its field and nothing is computed."""

from __future__ import annotations

from datetime import date

from django import forms

from tracker.selectors.quality import Period, last_complete_quarter, previous_quarter, quarter_of

QUARTER_CHOICES = 12  # the quarter in progress and the 11 before it
MAX_RANGE_DAYS = 3 * 366  # a range of at most 3 years


def quarter_choices(today: date) -> list[Period]:
    quarters = [quarter_of(today)]
    while len(quarters) < QUARTER_CHOICES:
        quarters.append(previous_quarter(quarters[-1]))
    return quarters


class QualityPeriodForm(forms.Form):
    quarter = forms.ChoiceField(label="Quarter", required=False)
    start = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput()
    )
    end = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d"], widget=forms.DateInput()
    )

    def __init__(self, data=None, *, today: date):
        super().__init__(data)
        self.today = today
        self.quarters = {p.code: p for p in quarter_choices(today)}
        self.fields["quarter"].choices = [("", "Last complete quarter")] + [
            (code, p.label) for code, p in self.quarters.items()
        ]
        for name in ("start", "end"):
            self.fields[name].widget.input_type = "date"
            self.fields[name].error_messages["invalid"] = "Enter a date as YYYY-MM-DD."

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if self.errors:
            return cleaned
        if (start is None) != (end is None):
            missing = "start" if start is None else "end"
            self.add_error(missing, "Give both From and To for a range, or choose a quarter.")
        elif start is not None:
            if start > end:
                self.add_error("end", "To must be on or after From.")
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("end", "A range can be at most 3 years long.")
            elif start > self.today:
                self.add_error("start", "From must not be after today.")
        return cleaned

    def period(self) -> Period:
        """The chosen period; the default when the form is unbound or empty."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("start") is not None:
            return Period(data["start"], data["end"])
        if data.get("quarter"):
            return self.quarters[data["quarter"]]
        return last_complete_quarter(self.today)

    def problems(self) -> str:
        """Every error, each naming its field by its label."""
        parts = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else "Period"
            parts.append(f"{label}: {' '.join(errors)}")
        return " ".join(parts)
