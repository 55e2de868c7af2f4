"""The repository carries the specs it implements (docs/), identical to ../shared while that exists
(issue 10 item 9, issue 13 item 6)."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
# docs/ name -> ../shared name. docs/architecture.md is the project's own account of its
# design; the shared architecture and style guide is kept as docs/style-guide.md.
SPECS = {
    "clinical-rules.md": "clinical-rules.md",
    "interchange.md": "interchange.md",
    "quality-measures.md": "quality-measures.md",
    "style-guide.md": "architecture.md",
}


@pytest.mark.parametrize("name", SPECS)
def test_spec_is_in_docs(name):
    assert (ROOT / "docs" / name).read_text().strip()


@pytest.mark.parametrize("name", SPECS)
def test_spec_copy_is_identical_to_shared(name):
    shared = SHARED / SPECS[name]
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert (ROOT / "docs" / name).read_bytes() == shared.read_bytes(), (
        f"docs/{name} differs from {shared.name} in ../shared: copy the current spec"
    )


def test_clinical_rules_copy_is_version_2():
    assert "(version 2)" in (ROOT / "docs" / "clinical-rules.md").read_text().splitlines()[0]
