"""Render the Universality tab offscreen in a telling state and save it as a PNG.

The state: the book's challenge with five hand-set bumps that just reach "Success!", next to the
network gradient descent learns for N = 5 (its dashed curves) and the learned scores for a few N on
the score-against-N plot. Learn runs through the tab's own worker, exactly as a click would.

    python scripts/screenshot_universality.py [--out docs/screenshots/universality.png] [--all DIR]

``--all DIR`` also saves every section (one-neuron.png, bumps.png, ...) into DIR.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# the tab's area in the 1280×820 main window, without menu, tab and status bars
SIZE = (1280, 740)
HAND_HEIGHTS = [-1.2, -1.4, -0.4, -0.8, 1.0]  # set by eye, as a learner might: average deviation 0.388
LEARN_RUNS = [(2, 10_000), (10, 20_000), (20, 20_000), (5, 20_000)]  # (N, steps); N = 5 last stays on screen
SECTION_FILES = ["one-neuron", "bumps", "challenge", "towers", "many-towers"]


def wait(app: QApplication, condition, timeout: float = 300.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the tab did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "universality.png"))
    parser.add_argument("--all", metavar="DIR", help="also save every section into DIR")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette
    from app.state import AppState
    from app.universality.tab import UniversalityTab

    if hasattr(theme, "apply_palette"):
        apply_palette(app)
    tab = UniversalityTab(AppState())
    tab.resize(*SIZE)
    tab.show()
    tab.show_section(2)
    page = tab.challenge
    page.rng = np.random.default_rng(4)  # the learned networks' random starts
    for n, steps in LEARN_RUNS:
        page.set_bumps(n)
        page.steps_spin.setValue(steps)
        page.learn()
        wait(app, lambda: not page.learner.running)
        print(f"N = {n:3d}: learned average deviation {page.learned['deviation']:.3f} after "
              f"{page.learned['steps']:,} steps (best fixed bumps {page.best[n - 1]:.3f})")
    page.selected = 4
    page.set_heights(HAND_HEIGHTS)
    print(f"hand-set heights: average deviation {page.score():.3f}")
    wait(app, lambda: True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    app.processEvents()
    if not tab.grab().save(str(out)):
        print(f"could not write {out}", file=sys.stderr)
        return 1
    print(f"wrote {out}")

    if args.all:
        folder = Path(args.all)
        folder.mkdir(parents=True, exist_ok=True)
        for index, name in enumerate(SECTION_FILES):
            tab.show_section(index)
            if index == 4:
                wait(app, lambda: tab.grid.result is not None and not tab.grid.busy)
            app.processEvents()
            tab.grab().save(str(folder / f"{name}.png"))
        print(f"wrote the sections into {folder}")
    tab.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
