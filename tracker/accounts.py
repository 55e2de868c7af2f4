"""Account pages: log-in (saying why a session ended), log-out (saying it happened), password
change (old-password guesses count towards the lock-out) and the session keep-alive the expiry
warning calls. Password reset by e-mail is not offered: staff ask an administrator (issue 9
finding 7)."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core import signing
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from tracker.middleware import LAST_SEEN_COOKIE, LAST_SEEN_SALT

# The server may take a few seconds more than the idle limit to see a request.
EXPIRY_SLACK_SECONDS = 5


def idle_limit_text(seconds: int | None = None) -> str:
    """ "30 minutes", "1 minute", "45 seconds": SESSION_COOKIE_AGE in words."""
    seconds = settings.SESSION_COOKIE_AGE if seconds is None else seconds
    if seconds % 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def session_ended_reason(request) -> str:
    """Why the browser holds a last-seen cookie but no session: the idle limit, or an end
    without a known cause (an administrator, a password change elsewhere)."""
    try:
        last_seen = int(request.get_signed_cookie(LAST_SEEN_COOKIE, salt=LAST_SEEN_SALT))
    except (KeyError, ValueError, signing.BadSignature):
        return ""
    if time.time() - last_seen >= settings.SESSION_COOKIE_AGE - EXPIRY_SLACK_SECONDS:
        return (
            f"Your session ended after {idle_limit_text()} without activity; please sign in again."
        )
    return "Your session has ended; please sign in again."


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if not request.user.is_authenticated:
            response.delete_cookie(LAST_SEEN_COOKIE, samesite="Lax")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.method == "GET" and not self.request.user.is_authenticated:
            context["session_ended"] = session_ended_reason(self.request)
        return context


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        response.delete_cookie(LAST_SEEN_COOKIE, samesite="Lax")
        return response


class LockoutCountingPasswordChangeForm(PasswordChangeForm):
    """Checks the old password through authenticate(), so that django-axes counts a wrong
    guess as a failed log-in and a locked account cannot keep guessing here (issue 9 #11)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        checked = authenticate(
            self.request, username=self.user.get_username(), password=old_password
        )
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return old_password


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = LockoutCountingPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            # The lock-out page follows (AxesMiddleware); the guesser keeps no session.
            logout(self.request)
        return super().form_invalid(form)


@require_POST
def session_keepalive(request):
    """The expiry warning's "Stay signed in": a signed-in request moves the idle limit."""
    request.session["keepalive"] = int(time.time())
    return HttpResponse(status=204)


def session_settings(request):
    """Template context: the idle limit, for the expiry warning script (static/tracker)."""
    return {"session_idle_seconds": settings.SESSION_COOKIE_AGE}
