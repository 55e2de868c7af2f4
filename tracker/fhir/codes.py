"""The code systems and codes of the FHIR export and import (issue 15 items 2, 3), in one place.

Sources: ATC, the WHO Collaborating Centre's index (L01FD HER2 inhibitors, L01FY combinations,
L01DB anthracyclines, L01AA01 cyclophosphamide); LOINC 10230-1 "Left ventricular Ejection
fraction" and the method-specific LVEF codes below (ACCEPTED_LOINC); SNOMED CT 40701008
Echocardiography, 35621002 Cardiac blood pool imaging (MUGA), 241620005 Magnetic resonance
imaging of heart; UCUM for the units.
The tracker's own codes (flags, modality, GLS) use FHIR_SYSTEM_BASE (settings).
"""

from __future__ import annotations

from django.conf import settings

from tracker.monitoring.vocabulary import Agent, Drug, Modality

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

LVEF_LOINC = "10230-1"
LVEF_DISPLAY = "Left ventricular Ejection fraction"


def local_system(name: str) -> str:
    """One of the tracker's own code systems or identifier systems: flag, modality, lvef ..."""
    return f"{settings.FHIR_SYSTEM_BASE}:{name}"


def mrn_system() -> str:
    return settings.FHIR_MRN_SYSTEM


# The agent of a course -> the ATC code of what an infusion gives. ``dose_mg`` is the
# trastuzumab dose for every agent that contains it (devdata/demo.py, interchange.md): with
# pertuzumab IV (Perjeta, L01FD02, given alongside) the infusion is coded as trastuzumab, the
# dose recorded; Phesgo is the fixed combination L01FY01, its dose the trastuzumab component.
AGENT_ATC: dict[str, tuple[str, str]] = {
    Agent.TRASTUZUMAB: ("L01FD01", "trastuzumab"),
    Agent.TRASTUZUMAB_SC: ("L01FD01", "trastuzumab"),
    Agent.PERTUZUMAB_TRASTUZUMAB: ("L01FD01", "trastuzumab"),
    Agent.PERTUZUMAB_TRASTUZUMAB_SC: ("L01FY01", "pertuzumab and trastuzumab"),
    Agent.TRASTUZUMAB_EMTANSINE: ("L01FD03", "trastuzumab emtansine"),
    Agent.TRASTUZUMAB_DERUXTECAN: ("L01FD04", "trastuzumab deruxtecan"),
}
PERTUZUMAB_ATC = ("L01FD02", "pertuzumab")
# SNOMED CT routes: the SC agents are injected under the skin, the others infused.
ROUTE_IV = ("47625008", "Intravenous route")
ROUTE_SC = ("34206005", "Subcutaneous route")
SC_AGENTS = (Agent.TRASTUZUMAB_SC, Agent.PERTUZUMAB_TRASTUZUMAB_SC)

DRUG_ATC: dict[str, tuple[str, str]] = {
    Drug.DOXORUBICIN: ("L01DB01", "doxorubicin"),
    Drug.DAUNORUBICIN: ("L01DB02", "daunorubicin"),
    Drug.EPIRUBICIN: ("L01DB03", "epirubicin"),
    Drug.IDARUBICIN: ("L01DB06", "idarubicin"),
    Drug.MITOXANTRONE: ("L01DB07", "mitoxantrone"),
    Drug.CYCLOPHOSPHAMIDE: ("L01AA01", "cyclophosphamide"),
}

# Modality <-> Observation.method (SNOMED CT procedures).
MODALITY_SNOMED: dict[str, tuple[str, str]] = {
    Modality.ECHO: ("40701008", "Echocardiography"),
    Modality.MUGA: ("35621002", "Cardiac blood pool imaging"),
    Modality.CMR: ("241620005", "Magnetic resonance imaging of heart"),
}
SNOMED_MODALITY = {code: modality for modality, (code, _) in MODALITY_SNOMED.items()}

# The LOINC codes the LVEF import accepts, and the modality a code itself implies (None: the
# method says). Every accepted code still needs a method; a method that contradicts the code is
# refused. Each code's meaning (LOINC long common names; the DICOM value sets CID 3467 and
# CID 3833 list the method-specific ones):
# - 10230-1 "Left ventricular Ejection fraction": component Ejection fraction, system
#   Heart.ventricle.left, no method: the Observation's method gives the modality.
# - 18043-0 "Left ventricular Ejection fraction by US" (method US): echo.
# - 8806-2, an LVEF code echo reporting systems send for the echo LVEF (the public code seen
#   names it "Left ventricular Ejection fraction", "... by US" or "Echo EF"; no LOINC page for
#   it was found, and none names another method): echo, so a MUGA or MRI method is refused.
# - 8811-2 "Left ventricular ejection fraction by MR" (CID 3833): cardiac MRI.
# No LVEF code by nuclear blood pool (MUGA) is listed here: none was confirmed; a MUGA result is
# sent as 10230-1 with the MUGA method.
ACCEPTED_LOINC: dict[str, str | None] = {
    LVEF_LOINC: None,
    "18043-0": Modality.ECHO,
    "8806-2": Modality.ECHO,
    "8811-2": Modality.CMR,
}
# Codes a sender might try that are not an LVEF the tracker can use, with the reason said back.
_NOT_RECORDED = "a modality the tracker does not record (it keeps echo, MUGA and cardiac MRI only)"
REFUSED_LOINC: dict[str, str] = {
    # "Left Ventricular Ejection Fraction by Angiography" (CID 3467): the cath lab's ventriculogram.
    "8808-8": f"an LVEF by angiography, {_NOT_RECORDED}",
    # "Left ventricular ejection fraction by CT" (CID 3833).
    "8810-4": f"an LVEF by CT, {_NOT_RECORDED}",
    # Not an LVEF in any public source found (echo reports use it for other measurements).
    "18044-8": "not a left ventricular ejection fraction",
}

GLS_CODE = ("gls", "Global longitudinal strain")
