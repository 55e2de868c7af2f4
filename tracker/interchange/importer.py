"""Importing a document: validate it and write it batch by batch in one transaction; any error
rolls all of it back (all or nothing), with every error at its JSON path."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from tracker.interchange import validators, writer
from tracker.interchange.plan import ImportFailed, ImportResult
from tracker.ops.locks import analyze


def import_document(
    doc, *, actor, dry_run: bool = False, batch_size: int = validators.BATCH
) -> ImportResult:
    """Validate ``doc`` (a parsed document, or a json_v1.DocumentStream read as it goes) and,
    unless dry_run, write it in batches of ``batch_size`` patients inside one transaction, so
    that memory is bounded by a batch, not the file (issue 16). ImportFailed, with every error
    at its path, when anything is wrong: the transaction is rolled back, nothing is written."""
    v = validators.Validation()
    result = ImportResult()
    try:
        with transaction.atomic():
            for batch in validators.plan_batches(v, doc, batch_size):
                result.add(ImportResult.of(batch))
                if not dry_run:
                    writer.write_plans(batch, actor)
            if v.total:
                raise ImportFailed(v.listed(), v.total)  # rolls back the batches written
            if not dry_run:
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
