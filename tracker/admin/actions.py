"""The admin's replacement for delete: mark entered in error, with a reason, through the
services."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import render

from tracker import services


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
