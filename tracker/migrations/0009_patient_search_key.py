"""Patient.search_key: MRN and names as the search compares them (issue 13 item 13). Existing
rows, and the history's rows, get their key from their MRN and names."""

from django.db import migrations, models

from tracker.models.clinical import search_key


def fill_keys(apps, schema_editor):
    for name in ("Patient", "HistoricalPatient"):
        model = apps.get_model("tracker", name)
        rows = model.objects.values_list("pk", "mrn", "given_name", "family_name")
        for pk, mrn, given, family in rows.iterator():
            model.objects.filter(pk=pk).update(search_key=search_key(mrn, given, family))


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0008_rules_v2"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpatient",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=700),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="patient",
            name="search_key",
            field=models.CharField(db_index=True, default="", editable=False, max_length=700),
            preserve_default=False,
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
