"""Importing a document: validate all of it, then (unless a dry run) write all of it."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tracker.interchange import validators, writer
from tracker.interchange.plan import ImportFailed, ImportResult
from tracker.ops.locks import analyze


def import_document(doc, *, actor, dry_run: bool = False) -> ImportResult:
    """Validate everything, then (unless dry_run) write everything in one transaction.
    ImportFailed, with every error at its path, when anything is wrong: nothing is written."""
    v, plans = validators.validate(doc)
    if v.total:
        raise ImportFailed(v.listed(), v.total)
    result = ImportResult.of(plans)
    if not dry_run:
        try:
            writer.write_plans(plans, actor)
            # Fresh planner statistics once the rows are committed (PostgreSQL; issue 16).
            transaction.on_commit(lambda: analyze(writer.TABLES))
        except IntegrityError as exc:  # e.g. a patient added meanwhile with one of the MRNs
            reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
            raise ImportFailed(
                [
                    f"$: the database refused the import ({reason}); nothing was written. "
                    "If someone added a patient meanwhile, run the import again to see which."
                ]
            ) from None
    return result
