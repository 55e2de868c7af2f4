"""Issue 16: on SQLite the patient search (search_key LIKE '%word%', tracker/selectors/search.py)
read every patient's key, twice a page (the rows and their count): 4.3x a trivial page at 100,000
patients. An FTS5 table with the trigram tokenizer indexes the same keys, kept by triggers, so
that LIKE '%word%' is answered from the index. SQLite only (PostgreSQL has its trigram GIN index,
0015), and only where this SQLite has FTS5's trigram tokenizer (3.34 and later): elsewhere the
search reads the keys as before. Not a model, so that the model state is the same on both."""

from django.db import migrations
from django.db.utils import OperationalError

# The table's name written out, not formatted in (no SQL is built from values here).
CREATE = (
    "CREATE VIRTUAL TABLE tracker_patient_search USING fts5(search_key, "
    "content='tracker_patient', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER tracker_patient_search_insert AFTER INSERT ON tracker_patient BEGIN "
    "INSERT INTO tracker_patient_search(rowid, search_key) VALUES (new.id, new.search_key); END",
    "CREATE TRIGGER tracker_patient_search_delete AFTER DELETE ON tracker_patient BEGIN "
    "INSERT INTO tracker_patient_search(tracker_patient_search, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); END",
    "CREATE TRIGGER tracker_patient_search_update AFTER UPDATE OF search_key ON tracker_patient "
    "BEGIN INSERT INTO tracker_patient_search(tracker_patient_search, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key); "
    "INSERT INTO tracker_patient_search(rowid, search_key) VALUES (new.id, new.search_key); END",
    # the patients already there
    "INSERT INTO tracker_patient_search(tracker_patient_search) VALUES ('rebuild')",
)
DROP = (
    "DROP TRIGGER IF EXISTS tracker_patient_search_insert",
    "DROP TRIGGER IF EXISTS tracker_patient_search_delete",
    "DROP TRIGGER IF EXISTS tracker_patient_search_update",
    "DROP TABLE IF EXISTS tracker_patient_search",
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        try:
            cursor.execute(
                "CREATE VIRTUAL TABLE temp.trigram_probe USING fts5(x, tokenize='trigram')"
            )
        except OperationalError:  # no FTS5, or no trigram tokenizer: the search scans the keys
            return
        cursor.execute("DROP TABLE temp.trigram_probe")
    for statement in CREATE:
        schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in DROP:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0018_worklist_change")]

    operations = [migrations.RunPython(forwards, backwards)]
