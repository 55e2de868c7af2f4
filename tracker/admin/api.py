"""API tokens in the admin (issue 15 item 1): an administrator creates one for a user and sees
it once, in the message after saving; only its digest is stored. Tokens are revoked, never
deleted, so that who had access, and when it was last used, stays visible."""

from django.contrib import admin, messages
from django.utils import timezone

from tracker.models import ApiToken, User


@admin.action(description="Revoke selected API tokens")
def revoke(modeladmin, request, queryset):
    revoked = 0
    for token in queryset.filter(revoked_at__isnull=True):
        token.revoke(by=request.user)
        revoked += 1
    modeladmin.message_user(request, f"{revoked} API token(s) revoked.")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "shown_prefix", "created_at", "last_used_at", "state")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    actions = [revoke]
    readonly_fields = (
        "shown_prefix",
        "created_at",
        "created_by",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )

    @admin.display(description="token starts")
    def shown_prefix(self, obj):
        return f"trk_{obj.prefix}_…" if obj.prefix else "-"

    @admin.display(description="state")
    def state(self, obj):
        if obj.revoked_at:
            return f"revoked {timezone.localtime(obj.revoked_at):%d %b %Y %H:%M}"
        return "active"

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("user", "name")
        return ("user", "name", *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        # A token is not edited: revoke it and create another.
        return ("user", "name", *self.readonly_fields) if obj else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Tokens of other accounts would be refused (auth.authenticate_api_token).
            kwargs["queryset"] = User.objects.filter(is_active=True, is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        token = obj.set_new_secret()
        obj.save()
        messages.warning(
            request,
            f"The API token for {obj.user.get_username()} is {token} — copy it now: it is "
            "stored only as a digest and will not be shown again. Send it as "
            "“Authorization: Bearer <token>”.",
        )
