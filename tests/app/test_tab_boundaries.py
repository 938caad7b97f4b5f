"""What two tabs share lives in ``app/widgets`` (or the theme): no tab imports another tab's modules;
only the main window imports the tabs."""
from __future__ import annotations

import ast
from pathlib import Path

import app

APP = Path(app.__file__).parent
TABS = {"draw", "train", "gradients", "universality", "principles"}


def imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.append(node.module)
        elif isinstance(node, ast.Import):
            modules.extend(alias.name for alias in node.names)
    return modules


def crossings(root: Path) -> list[str]:
    """'file -> module' for every import of a tab's module from outside that tab (the main window's
    imports of the tabs' ``tab`` modules allowed)."""
    found = []
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        owner = parts[0] if len(parts) > 1 and parts[0] in TABS else None
        for module in imported_modules(path):
            names = module.split(".")
            if len(names) < 2 or names[0] != "app" or names[1] not in TABS or names[1] == owner:
                continue
            if parts == ("main_window.py",) and names[2:] == ["tab"]:
                continue
            found.append(f"{'/'.join(parts)} -> {module}")
    return found


def test_no_tab_imports_another_tabs_modules():
    assert crossings(APP) == []


def test_a_crossing_is_found(tmp_path):
    (tmp_path / "principles").mkdir()
    (tmp_path / "principles" / "page.py").write_text("from app.universality.controls import ValueSlider\n"
                                                    "from app.principles.common import frame\n"
                                                    "from app.widgets.value_slider import ValueSlider\n")
    (tmp_path / "main_window.py").write_text("from app.principles.tab import PrinciplesTab\n"
                                             "from app.train.session import Session\n")
    assert crossings(tmp_path) == ["main_window.py -> app.train.session",
                                   "principles/page.py -> app.universality.controls"]
