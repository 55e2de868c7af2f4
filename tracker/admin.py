"""The admin panel for administrators. Clinical records cannot be deleted here either: a mistake is
marked entered in error (an admin action asks for the reason), and the change is kept in history."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from simple_history.admin import SimpleHistoryAdmin

from tracker import services
from tracker.admin_audit import AuditedAdminMixin, audit_autocomplete
from tracker.models import (
    AuditEvent,
    CoTreatment,
    Infusion,
    LvefMeasurement,
    Patient,
    TreatmentCourse,
    TreatmentHold,
    User,
)

admin.site.site_header = "Trastuzumab cardiac monitoring: administration"
admin.site.site_title = "Cardiac monitoring admin"
# The admin panel is for administrators only; clinic staff work in the clinic pages, where every
# write goes through the services' checks.
admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser
audit_autocomplete(admin.site)  # issue 9, finding 5

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


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


@admin.action(description="Mark selected records as entered in error")
def mark_entered_in_error(modeladmin, request, queryset):
    if "apply" in request.POST:
        form = ReasonForm(request.POST)
        if form.is_valid():
            marked = 0
            for record in queryset.filter(entered_in_error=False):
                try:
                    services.mark_entered_in_error(
                        record, actor=request.user, reason=form.cleaned_data["reason"]
                    )
                    marked += 1
                except ValidationError as exc:
                    modeladmin.message_user(request, f"{record}: {exc}", messages.ERROR)
            modeladmin.message_user(request, f"{marked} record(s) marked entered in error.")
            return None
    else:
        form = ReasonForm()
    return render(
        request,
        "admin/mark_entered_in_error.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Mark as entered in error",
            "records": queryset,
            "form": form,
            "action": "mark_entered_in_error",
            "opts": modeladmin.model._meta,
        },
    )


class ConsistentForm(forms.ModelForm):
    """The admin refuses what the clinic pages refuse: after the model's own checks, the rules
    that span records (no hold overlapping another, nothing before the date of birth, ...)."""

    def _post_clean(self):
        super()._post_clean()
        if self.errors:  # the record is incomplete; its own errors come first
            return
        try:
            services.check_consistency(self.instance)
        except ValidationError as exc:
            self._update_errors(exc)


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

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance.updated_by = request.user
            if instance.pk is None:
                instance.created_by = request.user
            instance.save()
        formset.save_m2m()


class ClinicalInline(admin.TabularInline):
    extra = 0
    show_change_link = True
    can_delete = False
    readonly_fields = ("entered_in_error",)


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


@admin.register(Infusion)
class InfusionAdmin(ClinicalAdmin):
    list_display = (
        "date",
        "patient_mrn",
        "dose_mg",
        "duration_minutes",
        "loading_dose",
        "reaction",
        "entered_in_error",
    )
    list_select_related = ("course__patient",)
    search_fields = ("course__patient__mrn", "course__patient__family_name")
    list_filter = ("course__agent", "reaction", "loading_dose", "entered_in_error")
    date_hierarchy = "date"
    raw_id_fields = ("course",)

    @admin.display(description="MRN", ordering="course__patient__mrn")
    def patient_mrn(self, obj):
        return obj.course.patient.mrn


@admin.register(TreatmentHold)
class TreatmentHoldAdmin(ClinicalAdmin):
    list_display = ("patient_mrn", "start", "end", "reason", "entered_in_error")
    list_select_related = ("course__patient",)
    search_fields = ("course__patient__mrn", "course__patient__family_name")
    list_filter = ("reason", "entered_in_error")
    date_hierarchy = "start"
    raw_id_fields = ("course",)

    @admin.display(description="MRN", ordering="course__patient__mrn")
    def patient_mrn(self, obj):
        return obj.course.patient.mrn


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


@admin.register(AuditEvent)
class AuditEventAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only, for everyone: audit events are never added, changed or deleted by hand."""

    list_display = ("at", "username", "action", "patient", "detail", "ip_address")
    list_filter = ("action",)
    list_select_related = ("patient",)
    search_fields = ("username", "patient__mrn", "detail")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
