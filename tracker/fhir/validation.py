"""Every FHIR resource the tracker writes or reads is checked against the FHIR R4 (4.0.1) models
of fhir.resources (6.4: R4 is its default package; later releases moved to R4B and R5).

``problems(resource, path)`` gives (FHIRPath-like expression, message) pairs, empty when the
resource is valid R4."""

from __future__ import annotations

import fhir.resources as _fhir
from fhir.resources import get_fhir_model_class
from pydantic import ValidationError

# Refuse to run against models of another FHIR version: the export must be R4.
if _fhir.__fhir_version__ != "4.0.1":
    raise ImportError(f"fhir.resources has FHIR {_fhir.__fhir_version__} models, not R4 (4.0.1)")


def _expression(path: str, loc) -> str:
    out = path
    for part in loc:
        if part == "__root__":
            continue
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def problems(resource, path: str | None = None) -> list[tuple[str, str]]:
    if not isinstance(resource, dict):
        return [(path or "$", "must be a JSON object (a FHIR resource)")]
    kind = resource.get("resourceType")
    path = path or (kind if isinstance(kind, str) else "$")
    if not isinstance(kind, str):
        return [(f"{path}.resourceType", "is required")]
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        return [(f"{path}.resourceType", f"“{kind[:60]}” is not a FHIR R4 resource type")]
    try:
        model.parse_obj(resource)
    except ValidationError as exc:
        return [(_expression(path, e["loc"]), e["msg"]) for e in exc.errors()]
    except (AttributeError, TypeError, ValueError, RecursionError) as exc:
        # fhir.resources 6 fails this way on some shapes (a list where an object belongs).
        return [(path, f"is not a valid {kind} ({type(exc).__name__})")]
    return []


def validate(resource) -> None:
    """Raise ValueError naming every problem (the export's own check)."""
    found = problems(resource)
    if found:
        raise ValueError("; ".join(f"{where}: {what}" for where, what in found))
