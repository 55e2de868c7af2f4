"""The stored read model of the rules: each patient's evaluated status; the worklist's version."""

from django.db import models
from django.db.models import Q

from .clinical import Patient


class MonitoringStatus(models.Model):
    """Each patient's evaluated status (tracker/monitoring), stored so that the worklist reads
    it instead of evaluating every patient on every request. Every write that can change it
    recomputes it in the same transaction; `manage.py refresh_status` recomputes all (nightly,
    since dates move). Overdue and due-soon (S6) are derived in SQL from the stored due date at
    query time, so they are right even when the nightly run was missed."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="monitoring_status"
    )
    evaluated_for = models.DateField(help_text="the as_of date of the evaluation")
    evaluated_at = models.DateTimeField()
    # Issue 10 item 5: the first later date on which the same records could evaluate differently
    # (NULL: never), and the rules that evaluated it. A read of stored statuses re-evaluates the
    # rows whose date has come or whose rules are older than the code's, so a missed nightly
    # run, or a deploy that changes a rule, never shows a stale recommendation.
    stable_until = models.DateField(null=True, blank=True)
    rules_version = models.CharField(max_length=16, blank=True)
    rule_set = models.CharField(max_length=16, blank=True)
    profile = models.CharField(max_length=40, blank=True, help_text="the rule profile applied")
    phase = models.CharField(max_length=24)
    next_assessment_due = models.DateField(null=True)
    recommendation = models.CharField(max_length=12)
    recommendation_reason = models.TextField()
    cotreatment_risk = models.CharField(max_length=10)
    ctrcd = models.CharField(max_length=10)
    baseline_value = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    baseline_date = models.DateField(null=True)
    latest_value = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    latest_date = models.DateField(null=True)
    latest_modality = models.CharField(max_length=4, blank=True)
    lvef_drop = models.DecimalField(max_digits=4, decimal_places=1, null=True)
    doxorubicin_equivalent_mg_m2 = models.DecimalField(max_digits=9, decimal_places=2)
    # ";CODE;CODE;" without the date-derived S6 flags, so that one flag is one LIKE filter.
    flags = models.CharField(max_length=1000, blank=True)
    # The flags that are worklist sections, as columns with partial indexes: counting a section
    # reads only its own patients, however many patients there are.
    hold_recommended = models.BooleanField(default=False, help_text="hold or discontinue")
    baseline_missing = models.BooleanField(default=False)
    hold_not_actioned = models.BooleanField(default=False)
    infusion_during_hold = models.BooleanField(default=False)
    reload_dose_due = models.BooleanField(default=False)

    SECTION_FLAGS = {
        "baseline_missing": "BASELINE_MISSING",
        "hold_not_actioned": "HOLD_NOT_ACTIONED",
        "infusion_during_hold": "INFUSION_DURING_HOLD",
        "reload_dose_due": "RELOAD_DOSE_DUE",
    }

    class Meta:
        # One index per worklist section, in the section's order, so that its first rows and
        # its count come from the index whatever the number of patients (selectors.worklist).
        indexes = [
            models.Index(fields=["next_assessment_due", "patient"], name="status_due_idx"),
            models.Index(
                fields=["latest_date", "patient"],
                condition=Q(hold_recommended=True),
                name="status_hold_idx",
            ),
            models.Index(
                fields=["recommendation", "latest_date", "patient"],
                name="status_recommendation_idx",
            ),
            models.Index(fields=["cotreatment_risk", "patient"], name="status_risk_idx"),
            models.Index(fields=["phase"], name="status_phase_idx"),
            # The patient list sorted by the latest LVEF date (issue 16: keyset pages).
            models.Index(fields=["latest_date", "patient"], name="status_latest_date_idx"),
            models.Index(fields=["evaluated_for"], name="status_evaluated_for_idx"),
            models.Index(fields=["stable_until"], name="status_stable_until_idx"),
            models.Index(
                fields=["next_assessment_due", "patient"],
                condition=Q(baseline_missing=True),
                name="status_baseline_missing_idx",
            ),
            models.Index(
                fields=["latest_date", "patient"],
                condition=Q(hold_not_actioned=True),
                name="status_not_actioned_idx",
            ),
            models.Index(
                fields=["patient"],
                condition=Q(infusion_during_hold=True),
                name="status_during_hold_idx",
            ),
            models.Index(
                fields=["patient"], condition=Q(reload_dose_due=True), name="status_reload_idx"
            ),
        ]

    def __str__(self):
        return f"{self.patient_id}: {self.phase}, {self.recommendation}"


class WorklistVersion(models.Model):
    """One row whose value changes (to a new random number) in the transaction of every change
    of stored statuses, so that the worklist's counts and first rows can be reused until the
    next change (selectors.worklist). A random value, not a counter: a rolled-back change brings
    back the old value together with the old data, so a value always names one state."""

    version = models.BigIntegerField(default=0)

    def __str__(self):
        return f"worklist version {self.version}"


class WorklistChange(models.Model):
    """Which patients a change of stored statuses or workflow records was about (the version it
    made, ``after``), written in the same transaction as WorklistVersion, after it: the version
    row's lock orders the writers, so the ids follow the commits. A process that kept the
    worklist at one change brings it up to date by re-reading these patients alone
    (selectors.worklist); ``patient_id`` None: too many patients to name, read everything
    again. Not clinical data: refresh_status deletes the rows before its last None row."""

    id = models.BigAutoField(primary_key=True)
    after = models.BigIntegerField()
    patient_id = models.IntegerField(null=True)

    def __str__(self):
        return f"worklist change {self.id}: patient {self.patient_id}"


class QualityItems(models.Model):
    """The quality dashboard's items of one patient at one evaluation date (issue 14 item 4):
    a copy of a computation, shared by every app server and kept across restarts so that the
    day's first view reads them instead of computing 20,000 patients. ``stamp`` is the patient's
    stored-status and review stamp they were computed from, ``code`` the rules, measures and
    settings: a row whose stamp or code differs is never used (selectors.quality). Not clinical
    data: any row may be deleted and is computed again."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=32)
    as_of = models.DateField()
    stamp = models.CharField(max_length=120)
    # tracker.monitoring.quality.pack of Q1 ... Q6, and of Q7 at each day computed so far.
    items = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "as_of", "patient"], name="quality_items_one_per_patient"
            )
        ]
        indexes = [models.Index(fields=["as_of"], name="quality_items_as_of")]

    def __str__(self):
        return f"quality items of patient {self.patient_id} at {self.as_of}"
