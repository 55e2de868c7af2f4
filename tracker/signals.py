"""Log-ins, failed log-ins and log-outs go to the audit trail."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tracker import services


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    services.audit_event_record("login", request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    services.audit_event_record("logout", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    services.audit_event_record(
        "login_failed", request=request, username=str(credentials.get("username", ""))
    )
