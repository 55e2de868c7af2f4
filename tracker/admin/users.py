from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from tracker.models import User


@admin.register(User)
class TrackerUserAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "is_active", "is_staff", "last_login")
