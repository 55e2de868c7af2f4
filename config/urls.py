from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from tracker import accounts, health

# Only the account pages the tracker offers: no password reset by e-mail (issue 9 finding 7;
# staff ask an administrator), so django.contrib.auth.urls is not included.
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/login/", login_not_required(accounts.LoginView.as_view()), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/session/keepalive/", accounts.session_keepalive, name="session_keepalive"),
    # The admin's own password change too: its old-password guesses count towards the lock-out.
    path("admin/password_change/", accounts.PasswordChangeView.as_view()),
    path("admin/", admin.site.urls),
    path("api/fhir/", include("tracker.fhir.urls")),
    # The REST API (issue 15): tracker/api/, its schema at /api/v1/openapi.json.
    path("api/v1/", include("tracker.api.urls")),
    path("", include("tracker.urls")),
]
