"""Set up the database role the application runs as, so that it cannot remove audit events.

The role that owns the tables (the one that runs `migrate`) can always disable triggers, set
`session_replication_role`, truncate or drop the audit table. The application should not be
that role (issue 9, finding 6; SECURITY.md): run this command as the owner, after every
`migrate`, and give the application the role it names. The role gets the ordinary rights on
every table (select, insert, update, delete; no TRUNCATE, TRIGGER or REFERENCES), and on the
audit table only SELECT and INSERT. It owns nothing, so it can neither alter the table nor its
triggers; it is not a superuser, so it cannot change `session_replication_role`."""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

AUDIT_TABLE = "tracker_auditevent"


class Command(BaseCommand):
    help = "Create or update the non-owner PostgreSQL role the application runs as."

    def add_arguments(self, parser):
        parser.add_argument("role", help="name of the application's database role")
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="set the role's password from this environment variable (never on the "
            "command line); without it the role has no password (e.g. certificate or peer "
            "authentication)",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, role, password_env, database, **options):
        connection = connections[database]
        if connection.vendor != "postgresql":
            raise CommandError(
                "Database roles exist on PostgreSQL only. On SQLite whoever can write the "
                "database file can remove audit events (SECURITY.md)."
            )
        from psycopg import sql

        password = None
        if password_env:
            password = os.environ.get(password_env)
            if not password:
                raise CommandError(f"--password-env: {password_env} is not set or empty.")
        name = sql.Identifier(role)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_user, current_database(), current_schema(),"
                " (SELECT tableowner FROM pg_tables"
                "  WHERE schemaname = current_schema() AND tablename = %s)",
                [AUDIT_TABLE],
            )
            me, db, schema, owner = cursor.fetchone()
            if owner is None:
                raise CommandError(f"{AUDIT_TABLE} does not exist: run migrate first.")
            if role in (me, owner):
                raise CommandError(
                    f"{role} owns the tables (or runs this command): the application needs a "
                    "role of its own."
                )
            cursor.execute(
                "SELECT rolsuper OR rolbypassrls OR rolreplication OR rolcreaterole,"
                " pg_has_role(oid, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
                [owner, role],
            )
            found = cursor.fetchone()
            if found is None:
                create = sql.SQL(
                    "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
                    " NOREPLICATION NOBYPASSRLS"
                ).format(name)
                cursor.execute(create.as_string(cursor.connection))
                self.stdout.write(f"Created role {role}.")
            elif found[0] or found[1]:
                raise CommandError(
                    f"{role} is a superuser, may bypass row security, replicate or create "
                    f"roles, or is a member of the owner {owner}: it could remove audit events."
                )
            if password is not None:
                cursor.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}")
                    .format(name, sql.Literal(password))
                    .as_string(cursor.connection)
                )
            ident = {"role": name, "db": sql.Identifier(db), "schema": sql.Identifier(schema)}
            for statement in (
                "GRANT CONNECT ON DATABASE {db} TO {role}",
                "GRANT USAGE ON SCHEMA {schema} TO {role}",
                "REVOKE CREATE ON SCHEMA {schema} FROM {role}",
                "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
                "REVOKE UPDATE, DELETE ON {audit} FROM {role}",
                # Tables of later migrations: ordinary rights; rerun this after migrate.
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
                " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
                "ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema}"
                " GRANT USAGE, SELECT ON SEQUENCES TO {role}",
            ):
                composed = sql.SQL(statement).format(
                    **ident, audit=sql.Identifier(AUDIT_TABLE), owner=sql.Identifier(owner)
                )
                cursor.execute(composed.as_string(cursor.connection))
        self.stdout.write(
            self.style.SUCCESS(
                f"{role}: select, insert, update, delete on the tables of {db}.{schema}; "
                f"select and insert only on {AUDIT_TABLE}; owns nothing. Run the application "
                f"as {role}; run migrate and this command as {owner}."
            )
        )
