"""vocabulary.py: one StrEnum per kind, every value labelled; records' tuples derive from it."""

import subprocess
import sys
from pathlib import Path

import pytest

import tracker.monitoring
from tracker.monitoring import records, vocabulary
from tracker.monitoring.vocabulary import ENUMS, LABELS, Agent, choices, label


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_value_has_a_plain_label(enum):
    assert set(LABELS[enum]) == {m.value for m in enum}
    for member in enum:
        text = label(member)
        assert text and text[0].isupper() and "_" not in text


def test_agent_labels():
    assert label(Agent.TRASTUZUMAB_SC) == "Trastuzumab SC (Herceptin SC / Hylecta)"
    assert label(Agent.PERTUZUMAB_TRASTUZUMAB_SC) == "Pertuzumab and trastuzumab SC (Phesgo)"
    assert choices(Agent)[3] == (
        "pertuzumab_trastuzumab_sc",
        label(Agent.PERTUZUMAB_TRASTUZUMAB_SC),
    )


def test_records_tuples_derive_from_the_enums():
    assert tuple(vocabulary.Agent) == records.AGENTS
    assert "pertuzumab_trastuzumab_sc" in records.AGENTS
    assert records.INTENTS == ("adjuvant", "neoadjuvant", "metastatic")
    assert records.EARLY_STAGE_INTENTS == ("adjuvant", "neoadjuvant")
    assert records.SCHEDULES == ("weekly", "every_3_weeks")
    assert records.END_REASONS == ("completed", "discontinued")
    assert records.HOLD_REASONS == ("cardiac", "other")
    assert records.MODALITIES == ("echo", "muga", "cmr")
    assert records.REACTIONS == ("none", "mild", "moderate", "severe")
    assert records.COTREATMENT_DRUGS == records.ANTHRACYCLINES + (records.CYCLOPHOSPHAMIDE,)


def test_enum_values_are_plain_strings():
    assert vocabulary.Phase.ACTIVE == "active"
    assert str(vocabulary.Recommendation.MAY_RESUME) == "may_resume"


@pytest.mark.parametrize("module", ["phase", "schedule", "lvef", "recommendation", "profiles"])
def test_each_module_imports_alone(module):
    # No import cycle (v1 had phase <-> schedule): each module imports first in a fresh process.
    root = Path(tracker.monitoring.__file__).parent.parent.parent
    subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", f"import tracker.monitoring.{module}"], cwd=root, check=True
    )
