"""FLAGS: every code of clinical-rules.md, each with its rule, source and words."""

import ast
from pathlib import Path

import pytest

import tracker.monitoring
from tracker.monitoring import FLAGS
from tracker.monitoring.flags import SEVERITIES

# Every flag code of clinical-rules.md, with the rule that raises it.
SPEC_FLAGS = {
    "BASELINE_MISSING": "B2",
    "BASELINE_BELOW_LLN": "B3",
    "BASELINE_LOW_NORMAL": "B3",  # new in v2
    "BASELINE_BEFORE_ANTHRACYCLINE": "B4",
    "ASSESSMENT_OVERDUE": "S6",
    "ASSESSMENT_DUE_SOON": "S6",
    "LVEF_BELOW_LLN": "L1",
    "LVEF_SEVERE": "L2",
    "MODALITY_MISMATCH": "L3",
    "GLS_DECLINE": "L4",
    "LVEF_REPEAT_DUE": "L5",  # new in v2
    "LVEF_HOLD_CRITERIA": "H1",
    "RESUME_CRITERIA_MET": "H2",
    "PERSISTENT_DECLINE": "H2",
    "REPEATED_HOLDS": "H4",
    "HOLD_NOT_ACTIONED": "H5",
    "INFUSION_DURING_HOLD": "H5",
    "ANTHRACYCLINE_EXPOSURE": "C1",
    "CYCLOPHOSPHAMIDE_EXPOSURE": "C2",
    "ANTHRACYCLINE_AND_CYCLOPHOSPHAMIDE": "C3",
    "CONCURRENT_ANTHRACYCLINE": "C4",
    "HIGH_CUMULATIVE_ANTHRACYCLINE": "C5",
    "ANTHRACYCLINE_DOSE_UNKNOWN": "C5",
    "ANTHRACYCLINE_AFTER_HER2": "C6",
    "RELOAD_DOSE_DUE": "D1",
}


def test_catalogue_is_exactly_the_spec():
    assert {code: flag.rule for code, flag in FLAGS.items()} == SPEC_FLAGS


@pytest.mark.parametrize("code", sorted(SPEC_FLAGS))
def test_flag_is_described(code):
    flag = FLAGS[code]
    assert flag.code == code
    assert flag.severity in SEVERITIES
    assert flag.source
    assert flag.title and len(flag.title) <= 40
    assert flag.explanation.endswith(".")
    assert 1 <= flag.explanation.count(". ") + 1 <= 3


def test_engine_raises_only_catalogued_codes():
    package = Path(tracker.monitoring.__file__).parent
    literals = set()
    # __init__ has __all__; checks.py names infusion warnings, which are not flags.
    for path in sorted(
        set(package.glob("*.py")) - {package / "__init__.py", package / "checks.py"}
    ):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if text.isupper() and "_" in text and " " not in text:
                    literals.add(text)
    assert literals <= set(FLAGS)
    assert literals == set(FLAGS)
