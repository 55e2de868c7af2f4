"""Backup and restore of the whole database (issue 16): SQLite through its online backup API (a
consistent copy while the app runs), PostgreSQL through pg_dump / pg_restore in their custom
format. Used by `manage.py backup` and `manage.py restore`."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_env_and_args(alias: str) -> tuple[dict, list[str]]:
    params = connections[alias].settings_dict
    args = []
    if params.get("HOST"):
        args += ["--host", params["HOST"]]
    if params.get("PORT"):
        args += ["--port", str(params["PORT"])]
    if params.get("USER"):
        args += ["--username", params["USER"]]
    env = {"PGPASSWORD": params["PASSWORD"]} if params.get("PASSWORD") else {}
    return env, args


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} is not installed on this machine: install the PostgreSQL client tools "
            "(Debian: postgresql-client) of the server's major version."
        )
    return path


def _run(command: list[str], env: dict) -> None:
    import os

    done = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings, no shell
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip() or f"{command[0]} failed ({done.returncode})")


def backup(target: Path, alias: str = "default") -> Path:
    target = Path(target)
    if _vendor(alias) == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return target
    if _vendor(alias) == "postgresql":
        env, args = _pg_env_and_args(alias)
        name = connections[alias].settings_dict["NAME"]
        _run([_tool("pg_dump"), "--format=custom", "--file", str(target), *args, name], env)
        return target
    raise BackupError(f"no backup for the {_vendor(alias)} database")


def restore(source: Path, alias: str = "default", *, database: str | None = None) -> None:
    """Restore into the database of `alias` (PostgreSQL: or the named `database` on its server),
    which should be empty (a new database after `createdb`, or a new SQLite file): the backup
    brings its own schema and migrations table."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source}: no such backup file")
    if _vendor(alias) == "sqlite":
        connection = connections[alias]
        connection.ensure_connection()
        with sqlite3.connect(source) as backup_db:
            backup_db.backup(connection.connection)
        backup_db.close()
        return
    if _vendor(alias) == "postgresql":
        env, args = _pg_env_and_args(alias)
        name = database or connections[alias].settings_dict["NAME"]
        if database is None:
            connections[alias].close()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "--dbname",
                name,
                str(source),
            ],
            env,
        )
        return
    raise BackupError(f"no restore for the {_vendor(alias)} database")
