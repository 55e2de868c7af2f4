"""architecture.md: tracker/monitoring imports nothing from Django (stdlib only)."""

import ast
import subprocess
import sys
from pathlib import Path

import tracker.monitoring

PACKAGE = Path(tracker.monitoring.__file__).parent
ROOT = PACKAGE.parent.parent
STDLIB = set(sys.stdlib_module_names)


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_package_sources_import_only_the_standard_library():
    sources = sorted(PACKAGE.rglob("*.py"))
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "import django" not in text and "from django" not in text, path
        third_party = {name for name in _imported_modules(path) if name.split(".")[0] not in STDLIB}
        assert third_party == set(), (path, third_party)


def test_importing_the_package_does_not_load_django():
    code = (
        "import sys, tracker.monitoring, tracker.monitoring.report; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run(  # noqa: S603 - fixed argv, our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
