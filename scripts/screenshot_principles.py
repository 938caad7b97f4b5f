"""Render every page of the Principles tab offscreen, each in a telling state, as PNGs for the README.

    python scripts/screenshot_principles.py [--out docs/screenshots/principles.png] [--size 1280x800]

Writes the main window (at ``--size``) with the Principles tab in front, one picture per page, named
after ``--out``: ``principles-<page>.png`` beside it for descent, backprop, slowdown, softmax,
initialisation and overfitting (``scripts/screenshots.py`` passes ``--out .../principles.png``).
Each page is driven through its own controls, as a user would: steps taken, a weight checked, a
prediction sketched and revealed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QPointF, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

PAGES = ["descent", "backprop", "slowdown", "softmax", "initialisation", "overfitting"]


def settle(app: QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents()


def stage_descent(page) -> None:
    """Stochastic gradient descent on the line fit: mini-batches of 4, three steps in, with the cloud of
    steps other mini-batches would take."""
    page.set_surface("regression")
    page.eta.setValue(0.5)
    page.m.setValue(4)
    for _ in range(3):
        page.step()


def stage_backprop(page) -> None:
    """The largest δ predicted and revealed, a weight checked, three steps of gradient descent."""
    page.prediction.choice.setCurrentIndex(1)
    page.prediction.commit()
    page.go(len(page.steps) - 1)
    for _ in range(3):
        page.descend()
    page.diagram.selected = (2, 0, 1)
    page.redraw()
    page.check()


def stage_slowdown(page, app: QApplication) -> None:
    """A hand-drawn guess of the quadratic cost from (2, 2), then the run to the end, revealed."""
    settle(app)
    guess = [(0, 0.48), (40, 0.35), (80, 0.2), (140, 0.08), (220, 0.03), (300, 0.02)]
    for i, (x, y) in enumerate(guess):
        page.prediction.add_point(QPointF(x, y), start=i == 0)
    page.prediction.commit()
    page.show_epoch(300)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "principles.png"))
    parser.add_argument("--size", default="1280x800", help="the main window's size, WxH")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    app = QApplication.instance() or QApplication([])
    from app.main_window import MainWindow
    from app.theme.palette import apply_palette

    apply_palette(app)
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.resize(width, height)
    window.show()
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(titles.index("Principles"))
    tab = window.tabs.currentWidget()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    ok = True
    for index, name in enumerate(PAGES):
        tab.show_section(index)
        page = tab.page(index)
        settle(app)
        if name == "descent":
            stage_descent(page)
        elif name == "backprop":
            stage_backprop(page)
        elif name == "slowdown":
            stage_slowdown(page, app)
        settle(app)
        path = out.with_name(f"{out.stem}-{name}.png")
        saved = window.grab().save(str(path), "PNG")
        ok &= saved
        print(f"wrote {path}" if saved else f"could not write {path}")
    tab.shutdown()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
