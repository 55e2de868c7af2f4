"""The clinical models' admins and inlines: no delete (mark entered in error instead), every
save through the services, and the services' checks across records on main forms and inline rows."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from tracker import services
from tracker.admin.actions import mark_entered_in_error
from tracker.admin.audit import AuditedAdminMixin
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
)

AUDIT_FIELDS = (
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "entered_in_error",
    "entered_in_error_reason",
    "entered_in_error_by",
    "entered_in_error_at",
)


ENTERED_IN_ERROR_FIXED = "A record marked entered in error cannot be changed."


def _entered_in_error(record):
    """As stored: the form's instance may be an older version (the history's revert form)."""
    return type(record).objects.filter(pk=record.pk, entered_in_error=True).exists()


class ConsistentForm(forms.ModelForm):
    """The admin refuses what the clinic pages refuse: after the model's own checks, the rules
    that span records (no hold overlapping another, nothing before the date of birth, ...)."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:  # the record is incomplete; its own errors come first
            return
        if self.instance.pk and self.has_changed() and _entered_in_error(self.instance):
            # The services refuse it too, but only after the form has been accepted (a 500).
            self.add_error(None, ENTERED_IN_ERROR_FIXED)
            return
        try:
            services.check_consistency(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


class InlineRowForm(ConsistentForm):
    """A tabular inline names its fields only in the column header, which a screen reader does
    not tie to the cell (issue 13 item 2: 20 unlabelled inputs and 9 unnamed selects on the
    patient page). Each field gets its own name: "Date, LVEF measurement 2"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = (self.prefix or "").rpartition("-")[2]
        noun = self._meta.model._meta.verbose_name
        # The empty row the "Add another" link copies: its index is filled in by the admin's
        # script in id and name only, so its name must not carry one.
        which = f"{noun} {int(row) + 1}" if row.isdigit() else f"new {noun}"
        for field in self.fields.values():
            widget = getattr(field.widget, "widget", field.widget)  # inside a related wrapper
            if not widget.is_hidden:
                widget.attrs["aria-label"] = f"{field.label}, {which}"


class ClinicalAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    """No delete; saves go through the model's validation and record who changed what."""

    actions = [mark_entered_in_error]
    readonly_fields = AUDIT_FIELDS
    form = ConsistentForm

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        # A record's patient or course is fixed once it exists (issue 9, finding 12): a record
        # entered for the wrong patient is marked entered in error and recorded again.
        owner = services.OWNER_FIELDS.get(self.model)
        if obj is not None and owner:
            return (owner, *super().get_readonly_fields(request, obj))
        return super().get_readonly_fields(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting to a version from before the mark would take the mark back unseen: a
        # record entered in error stays so; it is recorded again instead.
        current = self.get_object(request, unquote(object_id))  # None if malformed or absent
        if request.method == "POST" and current is not None and current.entered_in_error:
            self.message_user(request, ENTERED_IN_ERROR_FIXED, messages.ERROR)
            return redirect(request.path)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        """Through the services, like the clinic pages: whitelisted fields only, the patient
        locked, the record validated, attributed and its patient's status recomputed."""
        _service_save(obj, form.changed_data if change else None, actor=request.user)

    def save_formset(self, request, form, formset, change):
        formset.save(commit=False)
        for instance in formset.new_objects:
            _service_save(instance, None, actor=request.user)
        for instance, changed in formset.changed_objects:
            _service_save(instance, changed, actor=request.user)
        formset.save_m2m()


def _service_save(record, changed_fields, *, actor):
    """The form has already set its values on the record; the services check and save them.
    changed_fields None: a new record."""
    if changed_fields is None:
        return services.record_add(record, actor=actor)
    changes = {name: getattr(record, name) for name in changed_fields}
    return services.record_update(record, actor=actor, **changes)


class ClinicalInline(admin.TabularInline):
    """Inline rows go through the same checks across records as the main form (finding 11: an
    LVEF dated 1900 was saved inline for a patient born in 1954)."""

    form = InlineRowForm
    extra = 0
    show_change_link = True
    can_delete = False
    readonly_fields = ("entered_in_error",)

    def has_delete_permission(self, request, obj=None):
        return False


class CourseInline(ClinicalInline):
    model = TreatmentCourse
    fields = (
        "agent",
        "intent",
        "schedule",
        "planned_start",
        "end_date",
        "end_reason",
        "entered_in_error",
    )


class LvefInline(ClinicalInline):
    model = LvefMeasurement
    fields = ("date", "value", "modality", "gls", "notes", "entered_in_error")


class CoTreatmentInline(ClinicalInline):
    model = CoTreatment
    fields = ("drug", "start", "end", "cumulative_dose_mg_m2", "entered_in_error")


class InfusionInline(ClinicalInline):
    model = Infusion
    fields = (
        "date",
        "dose_mg",
        "weight_kg",
        "duration_minutes",
        "loading_dose",
        "reaction",
        "entered_in_error",
    )


class HoldInline(ClinicalInline):
    model = TreatmentHold
    fields = ("start", "end", "reason", "notes", "entered_in_error")


@admin.register(Patient)
class PatientAdmin(ClinicalAdmin):
    list_display = ("mrn", "family_name", "given_name", "date_of_birth", "sex", "entered_in_error")
    search_fields = ("mrn", "family_name", "given_name")
    list_filter = ("sex", "entered_in_error")
    date_hierarchy = "date_of_birth"
    inlines = [CourseInline, LvefInline, CoTreatmentInline]


@admin.register(TreatmentCourse)
class TreatmentCourseAdmin(ClinicalAdmin):
    list_display = (
        "patient",
        "agent",
        "intent",
        "schedule",
        "planned_start",
        "end_date",
        "end_reason",
        "entered_in_error",
    )
    list_select_related = ("patient",)
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    list_filter = ("agent", "intent", "schedule", "end_reason", "entered_in_error")
    date_hierarchy = "planned_start"
    autocomplete_fields = ("patient",)
    inlines = [InfusionInline, HoldInline]


class CourseRecordAdmin(ClinicalAdmin):
    """Infusions and holds belong to a course: shown, searched and picked by its patient."""

    list_select_related = ("course__patient",)
    search_fields = ("course__patient__mrn", "course__patient__family_name")
    raw_id_fields = ("course",)

    @admin.display(description="MRN", ordering="course__patient__mrn")
    def patient_mrn(self, obj):
        return obj.course.patient.mrn


@admin.register(Infusion)
class InfusionAdmin(CourseRecordAdmin):
    list_display = (
        "date",
        "patient_mrn",
        "dose_mg",
        "duration_minutes",
        "loading_dose",
        "reaction",
        "entered_in_error",
    )
    list_filter = ("course__agent", "reaction", "loading_dose", "entered_in_error")
    date_hierarchy = "date"


@admin.register(TreatmentHold)
class TreatmentHoldAdmin(CourseRecordAdmin):
    list_display = ("patient_mrn", "start", "end", "reason", "entered_in_error")
    list_filter = ("reason", "entered_in_error")
    date_hierarchy = "start"


@admin.register(LvefMeasurement)
class LvefMeasurementAdmin(ClinicalAdmin):
    list_display = ("patient", "date", "value", "modality", "gls", "entered_in_error")
    list_select_related = ("patient",)
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    list_filter = ("modality", "entered_in_error")
    date_hierarchy = "date"
    autocomplete_fields = ("patient",)


@admin.register(CoTreatment)
class CoTreatmentAdmin(ClinicalAdmin):
    list_display = ("patient", "drug", "start", "end", "cumulative_dose_mg_m2", "entered_in_error")
    list_select_related = ("patient",)
    search_fields = ("patient__mrn", "patient__family_name", "patient__given_name")
    list_filter = ("drug", "entered_in_error")
    date_hierarchy = "start"
    autocomplete_fields = ("patient",)


class WorkflowAdmin(ClinicalAdmin):
    """Issue 12: the follow-through records are written on the clinic pages (their states have
    their own services); here they are read, and only the registry's edit fields change."""

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        from tracker import records

        editable = set(records.of_model(self.model).fields)
        fixed = [
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in editable
        ]
        return (*dict.fromkeys((*fixed, *super().get_readonly_fields(request, obj))),)


@admin.register(ScanRequest)
class ScanRequestAdmin(WorkflowAdmin):
    list_display = ("patient", "modality", "requested_on", "state", "booked_for", "closed_on")
    list_filter = ("state", "modality")
    list_select_related = ("patient",)
    search_fields = ("patient__mrn", "patient__family_name")


@admin.register(RecommendationReview)
class RecommendationReviewAdmin(WorkflowAdmin):
    list_display = ("patient", "date", "decision", "recommendation", "reviewed_by")
    list_filter = ("decision",)
    list_select_related = ("patient", "reviewed_by")
    search_fields = ("patient__mrn", "patient__family_name")


@admin.register(ContactLog)
class ContactLogAdmin(WorkflowAdmin):
    list_display = ("patient", "date", "method", "outcome", "contacted_by")
    list_filter = ("method", "outcome")
    list_select_related = ("patient", "contacted_by")
    search_fields = ("patient__mrn", "patient__family_name")
