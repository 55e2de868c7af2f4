"""FHIR R4 (issue 15 items 2, 3): codes.py (code systems), resources.py (records as resources),
observations.py (LVEF import), validation.py (fhir.resources' R4 models), views.py, urls.py."""
