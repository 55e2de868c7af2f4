"""Roles as groups with model permissions (see tracker/roles.py), and the database guard that
keeps audit events append-only."""

from django.db import migrations

# Frozen copy of tracker/roles.py at this migration: a later change of roles is a new migration.
ROLES = {
    "oncologist": [
        "view_patient",
        "view_treatmentcourse",
        "view_infusion",
        "view_treatmenthold",
        "view_lvefmeasurement",
        "view_cotreatment",
        "add_patient",
        "add_treatmentcourse",
        "add_infusion",
        "add_treatmenthold",
        "add_lvefmeasurement",
        "add_cotreatment",
        "change_patient",
        "change_treatmentcourse",
        "change_infusion",
        "change_treatmenthold",
        "change_lvefmeasurement",
        "change_cotreatment",
    ],
    "nurse": [
        "view_patient",
        "view_treatmentcourse",
        "view_infusion",
        "view_treatmenthold",
        "view_lvefmeasurement",
        "view_cotreatment",
        "add_patient",
        "add_infusion",
        "add_lvefmeasurement",
        "add_cotreatment",
        "change_patient",
        "change_infusion",
        "change_lvefmeasurement",
        "change_cotreatment",
    ],
    "cardiology": [
        "view_patient",
        "view_treatmentcourse",
        "view_infusion",
        "view_treatmenthold",
        "view_lvefmeasurement",
        "view_cotreatment",
        "add_lvefmeasurement",
        "change_lvefmeasurement",
    ],
    "viewer": [
        "view_patient",
        "view_treatmentcourse",
        "view_infusion",
        "view_treatmenthold",
        "view_lvefmeasurement",
        "view_cotreatment",
    ],
}

PG_GUARD = """
CREATE FUNCTION tracker_auditevent_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;
CREATE TRIGGER tracker_auditevent_no_change BEFORE UPDATE OR DELETE ON tracker_auditevent
FOR EACH ROW EXECUTE FUNCTION tracker_auditevent_append_only();
"""
PG_UNGUARD = """
DROP TRIGGER IF EXISTS tracker_auditevent_no_change ON tracker_auditevent;
DROP FUNCTION IF EXISTS tracker_auditevent_append_only();
"""
# SQLite: updates only. The test runner empties tables between transactional tests with DELETE,
# which a delete trigger would block; PostgreSQL empties them with TRUNCATE, which it allows.
SQLITE_GUARD = """
CREATE TRIGGER tracker_auditevent_no_update BEFORE UPDATE ON tracker_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_UNGUARD = "DROP TRIGGER IF EXISTS tracker_auditevent_no_update;"


def guard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_GUARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_GUARD)


def unguard(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UNGUARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_UNGUARD)


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="tracker", codename__in=codenames)
        )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0003_audit_event"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(guard, unguard),
        migrations.RunPython(create_roles, remove_roles),
    ]
