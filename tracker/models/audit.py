"""The append-only audit trail."""

from django.conf import settings
from django.db import models

from .base import _in
from .clinical import Patient

AUDIT_ACTIONS = [
    ("login", "Logged in"),
    ("login_failed", "Failed log-in"),
    ("logout", "Logged out"),
    ("patient_view", "Viewed a patient"),
    ("csv_download", "Downloaded a CSV"),
    ("import", "Imported patients"),
    # Issue 9, finding 5: every read of patient data and every write.
    ("history_view", "Viewed a change history"),
    ("worklist_view", "Viewed the worklist"),
    ("list_view", "Viewed the patient list"),
    ("form_view", "Opened a record form"),
    ("admin_view", "Viewed patient data in the admin"),
    ("record_created", "Created a record"),
    ("record_changed", "Changed a record"),
]


class AuditEvent(models.Model):
    """Append-only log of who saw, exported, imported and changed what, and every log-in: rows
    are never changed or deleted (save refuses, the admin is read-only, and database triggers
    back it: migrations 0004 and 0006, SECURITY.md). The patient is a key, not the MRN text:
    renaming a patient keeps its log, and a new patient given an old MRN does not inherit it.
    The free text (detail) names no patient: searches record that they were made and how many
    rows they found, never the query."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    username = models.CharField(max_length=150, blank=True, help_text="as typed, for failures")
    action = models.CharField(max_length=20, choices=AUDIT_ACTIONS)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_events"
    )
    detail = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=_in("action", AUDIT_ACTIONS), name="audit_action_valid"
            )
        ]

    def __str__(self):
        who = self.username or "-"
        return f"{self.at:%Y-%m-%d %H:%M} {who} {self.action} {self.patient_id or ''}".rstrip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are never deleted.")
