"""Render a screenshot of each tab offscreen into docs/screenshots/<tab>.png (for the README).

    python scripts/screenshots.py [--out-dir docs/screenshots] [--only draw train ...]

A tab with its own script (``scripts/screenshot_<tab>.py``, which puts the tab in a telling state:
a digit drawn, a run half-way, ...) is rendered by that script, in its own process; any other tab is
rendered as it opens, in the 1280×820 main window.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TABS = ["draw", "principles", "train", "gradients", "universality"]


def plain_tab(name: str, out: Path) -> bool:
    """The tab as it first opens, in the main window."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette
    from app.main_window import MainWindow

    apply_palette(app)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.resize(1280, 820)
    window.show()
    titles = [window.tabs.tabText(i).lower() for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(titles.index(name))
    for _ in range(20):
        app.processEvents()
    ok = window.grab().save(str(out), "PNG")
    window.close()
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--only", nargs="+", choices=TABS, default=TABS)
    args = parser.parse_args(argv)
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    failures = 0
    for name in args.only:
        out = out_dir / f"{name}.png"
        script = ROOT / "scripts" / f"screenshot_{name}.py"
        if script.is_file():
            print(f"{name}: {script.name} …", flush=True)
            done = subprocess.run([sys.executable, str(script), "--out", str(out)], cwd=ROOT)
            ok = done.returncode == 0
        else:
            print(f"{name}: the tab as it opens …", flush=True)
            ok = plain_tab(name, out)
        print(f"  {'wrote' if ok else 'FAILED to write'} {out}")
        failures += not ok
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
