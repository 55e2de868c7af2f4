"""Log-ins, failed log-ins, log-outs and every write of a clinical record go to the audit trail;
saves refresh stored status."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from tracker import services
from tracker.models import CLINICAL_MODELS


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    services.audit_event_record("login", request=request, user=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    services.audit_event_record("logout", request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # An empty username never reaches here (the form refuses it first): audit_context.
    services.audit_event_record(
        "login_failed", request=request, username=str(credentials.get("username", ""))
    )


# Bookkeeping fields that change with every save: not worth naming in the audit row.
_UNNAMED_FIELDS = {"updated_at", "updated_by"}


@receiver(post_create_historical_record)
def _write_audited(sender, instance, history_instance, **kwargs):
    """Every write of a clinical record that keeps history (services, admin, shell) leaves an
    audit row with the actor, the patient's key and the client address of the request being
    served (finding 5). The detail names the record and the fields changed, never their values:
    the values are in the record's history, visible to those allowed to see it."""
    if type(instance) not in CLINICAL_MODELS:
        return
    label = f"{instance._meta.verbose_name} {instance.pk}"
    if history_instance.history_type == "+":
        action, detail = "record_created", f"{label} created"
    else:
        previous = history_instance.prev_record
        changed = []
        if previous is not None:
            delta = history_instance.diff_against(previous)
            changed = sorted(set(delta.changed_fields) - _UNNAMED_FIELDS)
        if "entered_in_error" in changed and instance.entered_in_error:
            detail = f"{label} marked entered in error"
        else:
            detail = f"{label} changed: {', '.join(changed) or 'no field'}"
        action = "record_changed"
    services.audit_event_record(
        action,
        user=history_instance.history_user or instance.updated_by,
        patient=services.patient_of(instance),
        detail=detail,
    )


@receiver(post_save)
def _refresh_monitoring_status(sender, instance, raw=False, **kwargs):
    """Every save of a clinical record, whatever the path (services, admin, shell, fixtures),
    recomputes the patient's stored status in the same transaction. The bulk import writes
    with SQL and refreshes explicitly."""
    if raw or sender not in CLINICAL_MODELS:
        return
    services.status_refresh([services.patient_of(instance).pk])
