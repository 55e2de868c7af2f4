"""Data-entry forms. Field ranges and messages come from the models' validators, so a form says
the same words as the import about the same bad value."""

from datetime import datetime

from django import forms

from tracker import records as rt
from tracker.models import (
    ContactLog,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    RecommendationReview,
    ScanRequest,
    TreatmentCourse,
    TreatmentHold,
    duplicate_mrn_error,
)
from tracker.validators import normalise_mrn, validate_mrn


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ClinicalForm(forms.ModelForm):
    """Dates as date pickers; notes kept short on screen. An edit form carries the version it was
    opened on (``version``), so that a save over someone else's change is refused."""

    # Not required: a missing or damaged version is reported by clean() as a message at the
    # top of the form; an error on a hidden field would not be shown (issue 9, finding 11).
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
        else:
            del self.fields["version"]
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DateInput()
        if "notes" in self.fields:
            self.fields["notes"].widget = forms.Textarea(attrs={"rows": 2})

    def needs_confirmation(self, warnings) -> bool:
        """True while warnings stop the save (only the infusion form has any)."""
        return False

    def record_data(self) -> dict:
        """What the create service receives: the model's fields, not the form's controls."""
        return {k: v for k, v in self.cleaned_data.items() if k != "confirm_warnings"}

    def clean_version(self):
        raw = self.cleaned_data.get("version") or ""
        try:
            version = datetime.fromisoformat(raw)
        except ValueError:
            version = None
        if version is None or version.tzinfo is None:  # ours always carry their offset
            problem = "is missing" if not raw else "is damaged"
            self.add_error(
                None,
                f"The form's version (the time the record was opened) {problem}, so it cannot "
                "be checked against other people's changes: your changes were not saved. "
                "Reload the record and enter them again.",
            )
        return version


class MrnFormField(forms.CharField):
    """Normalises before any check (issue 9 finding 3), so that "D1002" followed by a zero-width
    space is D1002 and a full-width "Ｄ1002" counts 5 characters, not more."""

    # At the field, not only in the model's clean: an edited patient keeps its own MRN (and
    # its page's links) while the form shows the error.
    default_validators = [validate_mrn]

    def __init__(self, *, max_length=None, **kwargs):
        # The length is validate_mrn's, after normalising (one message on every entry path);
        # no maxlength in the browser, which would cut a pasted MRN silently.
        kwargs.setdefault("help_text", "Letters, digits, “-”, “_” and “.”; up to 32 characters.")
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_mrn(value) if value else value


class PatientForm(ClinicalForm):
    class Meta:
        model = Patient
        fields = rt.PATIENT.fields

    def clean_mrn(self):
        # Checked here, not only by the model's constraint: the error links to the existing
        # patient (issue 13 item 10), and the edited instance keeps its own MRN meanwhile.
        mrn = self.cleaned_data["mrn"]
        duplicate = duplicate_mrn_error(mrn, exclude_pk=self.instance.pk)
        if duplicate is not None:
            raise duplicate
        return mrn


class CourseForm(ClinicalForm):
    class Meta:
        model = TreatmentCourse
        fields = rt.COURSE.fields
        help_texts = {"end_date": "Only once the course has ended; give the reason with it."}


class InfusionForm(ClinicalForm):
    confirm_warnings = forms.BooleanField(
        required=False,
        widget=forms.HiddenInput,
        help_text="Set when the user has seen the warnings and records the infusion anyway.",
    )
    # Issue 13 item 11: "Record anyway" needs a reason, stored with the infusion. Shown (and
    # required) only once warnings are on screen.
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason for recording anyway",
        widget=forms.HiddenInput,
        help_text="Why this infusion is recorded despite the warnings above (for example, "
        "the oncologist reviewed the LVEF and decided to continue). Kept with the infusion.",
    )

    class Meta:
        model = Infusion
        fields = rt.INFUSION.fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # an edit changes the record, not the decision to record it
            del self.fields["confirm_warnings"], self.fields["override_reason"]

    def needs_confirmation(self, warnings) -> bool:
        """Warnings stop the save until confirmed with a reason ("Record anyway")."""
        if not warnings:
            self.cleaned_data["override_reason"] = ""
            return False
        reason_field = self.fields["override_reason"]
        reason_field.widget = forms.Textarea(attrs={"rows": 2})
        reason_field.required = True
        if not self.cleaned_data.get("confirm_warnings"):
            self.data = self.data.copy()
            self.data["confirm_warnings"] = "on"
            return True
        if not self.cleaned_data.get("override_reason", "").strip():
            self.add_error(
                "override_reason",
                "Give the reason for recording this infusion despite the warnings.",
            )
            return True
        return False


class HoldForm(ClinicalForm):
    class Meta:
        model = TreatmentHold
        fields = rt.HOLD.fields
        help_texts = {"end": "The day the drug may be given again; leave empty while on hold."}


class LvefForm(ClinicalForm):
    class Meta:
        model = LvefMeasurement
        fields = rt.LVEF.fields


class CoTreatmentForm(ClinicalForm):
    class Meta:
        model = CoTreatment
        fields = rt.COTREATMENT.fields


# Issue 12: the follow-through.
class ScanRequestForm(ClinicalForm):
    class Meta:
        model = ScanRequest
        fields = rt.SCAN_REQUEST.fields


class ReviewForm(ClinicalForm):
    class Meta:
        model = RecommendationReview
        fields = rt.REVIEW.fields
        help_texts = {"reason": "Required to continue despite the criteria."}


class ContactForm(ClinicalForm):
    class Meta:
        model = ContactLog
        fields = rt.CONTACT.fields
        labels = {"notes": "Note"}


class BookingForm(forms.Form):
    booked_for = forms.DateField(label="Booked for", widget=DateInput())
    place = forms.CharField(
        max_length=200, required=False, help_text="Where: department, hospital, room."
    )


class CloseRequestForm(forms.Form):
    state = forms.ChoiceField(
        label="Outcome",
        choices=[
            ("did_not_attend", "Did not attend"),
            ("cancelled", "Cancelled"),
        ],
    )
    closed_on = forms.DateField(label="On", widget=DateInput())
    reason = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to cancel.",
    )


class EndHoldForm(forms.Form):
    end = forms.DateField(label="Hold ends on", widget=DateInput())
    end_reason = forms.CharField(
        label="Reason for ending",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the LVEF has not recovered.",
    )
    confirm = forms.BooleanField(
        required=False, label="End the hold although the LVEF has not recovered"
    )


class EnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this record is wrong. It stays in the record, struck through.",
    )


class PatientSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="MRN or name")
