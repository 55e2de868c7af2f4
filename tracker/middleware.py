import time

from django.core.exceptions import PermissionDenied


class StaffRequiredMiddleware:
    """After LoginRequiredMiddleware: a logged-in account must also be clinic staff (is_staff)
    to see any page; the import account and other non-staff accounts get nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None  # the login page and other public views
        user = request.user
        if user.is_authenticated and not (user.is_staff and user.is_active):
            raise PermissionDenied("This account is not a clinic staff account.")
        return None


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` to every response: the time the application spent,
    for the browser's developer tools and for bench/run."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
