"""Demo and synthetic data stay out of the running app (issue 10 item 1): under tracker/ only the
two seed commands import devdata."""

import ast
from pathlib import Path

TRACKER = Path(__file__).resolve().parents[2] / "tracker"
SEED_COMMANDS = {
    "management/commands/seed_demo.py",
    "management/commands/seed_synthetic.py",
}


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
            # "from devdata import demo" names the package; the alias names its modules.
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def imports_devdata(path: Path) -> bool:
    return any(m == "devdata" or m.startswith("devdata.") for m in imported_modules(path))


def test_only_the_seed_commands_import_devdata():
    importers = {
        path.relative_to(TRACKER).as_posix()
        for path in TRACKER.rglob("*.py")
        if imports_devdata(path)
    }
    assert importers - SEED_COMMANDS == set()
    # The walk sees the imports it is meant to catch: the seed commands do import devdata.
    assert importers == SEED_COMMANDS


def test_the_import_walk_finds_every_spelling(tmp_path):
    for source in (
        "import devdata.demo",
        "import devdata",
        "from devdata import synthetic",
        "from devdata.demo import demo_document",
        "def f():\n    from devdata.synthetic import synthetic_document\n",
    ):
        module = tmp_path / "module.py"
        module.write_text(source)
        assert imports_devdata(module), source
    module.write_text("import devdatas\nfrom tracker import devdata_like\n")
    assert not imports_devdata(module)
