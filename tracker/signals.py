"""Log-ins, failed log-ins, log-outs and every write of a clinical record go to the audit trail;
saves refresh stored status."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from tracker import services
from tracker.models import CLINICAL_MODELS, WORKFLOW_MODELS, Patient

# Issue 12: the workflow records are audited like the clinical ones.
AUDITED_MODELS = (*CLINICAL_MODELS, *WORKFLOW_MODELS)


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
    if type(instance) not in AUDITED_MODELS:
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


@receiver(post_save)
def _workflow_changes_the_worklist(sender, instance, raw=False, **kwargs):
    """The worklist's sections read the workflow records (issue 12 item 5): a save of one names
    a new state, so that the reused counts and first rows are read again. The rules do not read
    them: no status refresh."""
    if not raw and sender in WORKFLOW_MODELS:
        owner = getattr(instance, "patient_id", None)  # every workflow record has its patient
        services.worklist_changed(None if owner is None else [owner])


@receiver(pre_save)
def _remember_stored_owner(sender, instance, raw=False, **kwargs):
    """A record moved to another patient (only possible outside the services, which refuse
    it: issue 9, finding 12) changes two patients' status: note the stored owner first."""
    if raw or sender not in CLINICAL_MODELS or sender is Patient or instance.pk is None:
        return
    stored = sender._base_manager.filter(pk=instance.pk).first()
    instance._stored_owner_id = services._owner_patient_id(stored) if stored else None


@receiver(post_save)
def _refresh_the_old_owner(sender, instance, raw=False, **kwargs):
    old = getattr(instance, "_stored_owner_id", None)
    if raw or sender not in CLINICAL_MODELS or old is None:
        return
    del instance._stored_owner_id
    if old != services.patient_of(instance).pk:
        services.status_refresh([old])
