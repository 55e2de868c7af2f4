"""Issue 16: the patient search (search_key LIKE '%word%', tracker/selectors/search.py) read every
patient on PostgreSQL; a trigram GIN index answers it. PostgreSQL only: SQLite has no such index
(and its scan of the short keys costs 2-3 ms at 20,000 patients), so this does nothing there. Not
a model index, so that the model state (and makemigrations --check) is the same on both."""

from django.db import migrations

INDEX = "patient_search_key_trgm_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON tracker_patient "
        "USING gin ((search_key::text) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0014_api_tokens")]

    operations = [migrations.RunPython(forwards, backwards)]
