"""The repository carries the specs it implements (docs/), identical to ../shared while that exists
(issue 10 item 9, issue 13 item 6)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
# docs/architecture.md is the project's own account of its design, not a copy of a spec.
SPECS = ["clinical-rules.md", "interchange.md", "quality-measures.md"]


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_in_docs(name):
    assert (ROOT / "docs" / name).read_text().strip()


@pytest.mark.parametrize("name", SPECS)
def test_spec_copy_is_identical_to_shared(name):
    if not (SHARED / name).exists():
        pytest.skip("../shared is not beside this checkout")
    assert (ROOT / "docs" / name).read_bytes() == (SHARED / name).read_bytes(), (
        f"docs/{name} differs from ../shared/{name}: copy the current spec"
    )


def test_clinical_rules_copy_is_version_2():
    assert "(version 2)" in (ROOT / "docs" / "clinical-rules.md").read_text().splitlines()[0]
