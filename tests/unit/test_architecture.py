"""Only pact/ui and the entry point (pact/__main__.py) may use Qt.

Services, models, the database layer, security, reports and the command line must
run without PySide6, so they stay testable, scriptable and reusable on a server.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pact"
QT = "PySide6"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _qt_allowed(module: str) -> bool:
    return module == "pact.__main__" or module == "pact.ui" or module.startswith("pact.ui.")


def _non_ui_modules() -> list[str]:
    modules = [_module_name(p) for p in sorted(PACKAGE.rglob("*.py"))]
    # Alembic's env.py runs only inside Alembic (it needs alembic.context configured).
    return [m for m in modules if not _qt_allowed(m) and not m.endswith("migrations.env")]


def _imports_qt(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names = [node.args[0].value]
        else:
            continue
        if any(n == QT or n.startswith(QT + ".") or n == "shiboken6" for n in names):
            lines.append(node.lineno)
    return lines


def test_the_package_has_modules_outside_the_ui() -> None:
    modules = _non_ui_modules()
    for expected in ("pact.services.access", "pact.db.engine", "pact.security.credentials"):
        assert expected in modules


def test_no_qt_import_in_source_outside_the_ui() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        if _qt_allowed(module):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in _imports_qt(tree)]
    assert not offenders, f"PySide6 imported outside pact/ui and pact/__main__.py: {offenders}"


def test_the_source_scan_catches_a_qt_import() -> None:
    samples = (
        "from PySide6.QtCore import QObject",
        "import PySide6",
        "import os, PySide6.QtWidgets as w",
        "def f():\n    from PySide6 import QtGui",
        "importlib.import_module('PySide6.QtCore')",
    )
    for sample in samples:
        assert _imports_qt(ast.parse(sample)), sample
    assert not _imports_qt(ast.parse("from pact.ui import ops  # PySide6 in a comment"))


_PROBE = """
import importlib, json, sys
failed = {}
leaked = []
for name in json.loads(sys.argv[1]):
    before = "PySide6" in sys.modules
    try:
        importlib.import_module(name)
    except Exception as exc:
        failed[name] = f"{type(exc).__name__}: {exc}"
    if not before and "PySide6" in sys.modules:
        leaked.append(name)
print(json.dumps({"leaked": leaked, "failed": failed,
                  "qt_loaded": "PySide6" in sys.modules}))
"""


def _groups() -> list[str]:
    """pact itself, then one group per subpackage or top-level module (pact.db, pact.cli...)."""
    return sorted({".".join(m.split(".")[:2]) for m in _non_ui_modules()})


@pytest.mark.parametrize("group", _groups())
def test_importing_non_ui_modules_never_loads_qt(group: str) -> None:
    """The group's modules are imported in a fresh interpreter; PySide6 must stay unloaded."""
    chosen = [m for m in _non_ui_modules() if m == group or m.startswith(group + ".")]
    if group == "pact":
        chosen = ["pact"]
    env = dict(os.environ)
    env.pop("PYTHONSTARTUP", None)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(chosen)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert not report["failed"], f"modules that fail to import: {report['failed']}"
    assert not report["leaked"], f"these modules load PySide6: {report['leaked']}"
    assert not report["qt_loaded"]
