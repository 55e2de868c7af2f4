"""The clinical models' admins and inlines: no delete (mark entered in error instead), every
save through the services, and the services' checks across records on main forms and inline rows."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import models
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from tracker import services
from tracker.admin.actions import mark_entered_in_error
from tracker.admin.audit import AuditedAdminMixin
from tracker.models import WORKFLOW_MODELS
from tracker.records import REGISTRY, RecordType, owned_by

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


class CourseRecordAdmin(ClinicalAdmin):
    """Infusions and holds belong to a course: shown, searched and picked by its patient."""

    raw_id_fields = ("course",)

    @admin.display(description="MRN", ordering="course__patient__mrn")
    def patient_mrn(self, obj):
        return obj.course.patient.mrn


# The per-record-type configuration comes from the registry (issue 10 item 2): a new entry in
# tracker/records.py gets its admin, its inline under its owner and its columns from there.
_PATIENT_NAME = ("mrn", "family_name", "given_name")
# The column that names a record's owner: the patient itself, its patient, its course's patient.
_OWNER_COLUMN = {None: (), "patient": ("patient",), "course": ("patient_mrn",)}
_FILTER_BY_OWNER = {None: (), "patient": (), "course": ("course__agent",)}


def _field(t: RecordType, name: str):
    return t.model._meta.get_field(name)


def inline_for(t: RecordType) -> type[ClinicalInline]:
    return type(
        f"{t.model.__name__}Inline",
        (ClinicalInline,),
        {"__module__": __name__, "model": t.model, "fields": (*t.columns, "entered_in_error")},
    )


def admin_for(t: RecordType) -> type[ClinicalAdmin]:
    """The change list shows the owner, the columns but free text, and filters on every column
    with a fixed set of values; it drills down by the first date among the columns."""
    to_patient = "" if t.owner is None else f"{t.patient_path}__"
    attrs = {
        "__module__": __name__,
        "list_display": (
            *_OWNER_COLUMN[t.owner],
            *(c for c in t.columns if c != "notes"),
            "entered_in_error",
        ),
        "list_filter": (
            *_FILTER_BY_OWNER[t.owner],
            *(c for c in t.columns if _field(t, c).choices or _is_yes_no(_field(t, c))),
            "entered_in_error",
        ),
        "search_fields": tuple(f"{to_patient}{name}" for name in _PATIENT_NAME),
        "date_hierarchy": next(
            (c for c in t.columns if isinstance(_field(t, c), models.DateField)), None
        ),
        # The follow-through records change state through their own services, not inline.
        "inlines": [
            inline_for(child) for child in owned_by(t.model) if child.model not in WORKFLOW_MODELS
        ],
    }
    if t.owner is not None:
        attrs["list_select_related"] = (t.patient_path,)
    if t.owner == "patient":
        attrs["autocomplete_fields"] = ("patient",)
    base = CourseRecordAdmin if t.owner == "course" else ClinicalAdmin
    if t.model in WORKFLOW_MODELS:
        base = WorkflowAdmin
    return type(f"{t.model.__name__}Admin", (base,), attrs)


def _is_yes_no(field) -> bool:
    return isinstance(field, models.BooleanField)


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


for _record_type in REGISTRY:
    admin.site.register(_record_type.model, admin_for(_record_type))
