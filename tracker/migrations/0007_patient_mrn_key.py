"""MRNs: one alphabet and a case-folded key under a UNIQUE constraint (issue 9 findings 2, 3).

Existing rows get their key. The migration does not rewrite an MRN: it is the clinic's
identifier for a person (on wristbands, letters, the hospital's own system), and two look-alike
MRNs may be one patient entered twice or two patients; only the clinic can decide which. So if
any stored MRN is outside the alphabet, is not in its normalised form, or shares its key with
another, the migration stops with a list of those patients and changes nothing (it runs in one
transaction); the version already installed keeps running, the clinic renames or merges them in
its admin, and migrates again. After it, every stored MRN reverses into every patient URL."""

from django.core.exceptions import ValidationError
from django.db import migrations, models

import tracker.models
import tracker.validators
from tracker.validators import mrn_key, normalise_mrn, validate_mrn


def problems(patients) -> list[str]:
    """One line per stored MRN the new rules refuse (``patients``: (pk, mrn) pairs)."""
    lines, by_key = [], {}
    for pk, mrn in patients:
        try:
            if normalise_mrn(mrn) != mrn:
                raise ValidationError("contains invisible, full-width or surrounding characters")
            validate_mrn(mrn)
        except ValidationError as exc:
            lines.append(f"patient id {pk}, MRN {mrn!r}: {' '.join(exc.messages)}")
        by_key.setdefault(mrn_key(mrn), []).append((pk, mrn))
    for same in by_key.values():
        if len(same) > 1:
            listed = ", ".join(f"id {pk} {mrn!r}" for pk, mrn in same)
            lines.append(f"patients {listed}: the same MRN apart from case or invisible characters")
    return lines


def fill_keys(apps, schema_editor):
    Patient = apps.get_model("tracker", "Patient")
    found = problems(Patient.objects.order_by("pk").values_list("pk", "mrn"))
    if found:
        raise RuntimeError(
            "These MRNs break patient addresses or look like another patient's (issue 9). "
            "Nothing was changed. Rename or merge these patients with the version you run now "
            "(admin, Patients), then migrate again:\n  " + "\n  ".join(found)
        )
    for pk, mrn in Patient.objects.values_list("pk", "mrn"):
        Patient.objects.filter(pk=pk).update(mrn_key=mrn_key(mrn))
    History = apps.get_model("tracker", "HistoricalPatient")
    for mrn in History.objects.values_list("mrn", flat=True).distinct():
        History.objects.filter(mrn=mrn).update(mrn_key=mrn_key(mrn))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0006_audit_patient_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpatient",
            name="mrn_key",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="patient",
            name="mrn_key",
            field=models.CharField(default="", editable=False, max_length=32),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="historicalpatient",
            name="mrn",
            field=tracker.models.MrnField(
                db_index=True,
                max_length=32,
                validators=[tracker.validators.validate_mrn],
                verbose_name="MRN",
            ),
        ),
        migrations.AlterField(
            model_name="patient",
            name="mrn",
            field=tracker.models.MrnField(
                db_index=True,
                max_length=32,
                validators=[tracker.validators.validate_mrn],
                verbose_name="MRN",
            ),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.UniqueConstraint(fields=("mrn_key",), name="patient_mrn_key_unique"),
        ),
        migrations.AddConstraint(
            model_name="patient",
            constraint=models.CheckConstraint(
                condition=models.Q(("mrn_key", ""), _negated=True),
                name="patient_mrn_key_not_empty",
            ),
        ),
    ]
