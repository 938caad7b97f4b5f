"""Render every page of the Principles tab offscreen, each in a telling state, as PNGs for the README.

    python scripts/screenshot_principles.py [--out docs/screenshots/principles.png] [--size 1280x820]
                                            [--all DIR]

The main window at ``--size`` with the Principles tab in front, one picture per page, named after
``--out``: ``principles-<page>.png`` beside it for descent, backprop, slowdown, softmax,
initialisation and overfitting (``scripts/screenshots.py`` passes ``--out .../principles.png``).
``--all DIR`` also saves them into DIR as ``<page>.png``. Each page is driven through its own
controls, as a user would: steps taken, a weight checked, a prediction sketched and revealed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF

import shot

PAGES = ["descent", "backprop", "slowdown", "softmax", "initialisation", "overfitting"]


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


def stage_slowdown(page) -> None:
    """A hand-drawn guess of the quadratic cost from (2, 2), then the run to the end, revealed."""
    guess = [(0, 0.48), (40, 0.35), (80, 0.2), (140, 0.08), (220, 0.03), (300, 0.02)]
    for i, (x, y) in enumerate(guess):
        page.prediction.add_point(QPointF(x, y), start=i == 0)
    page.prediction.commit()
    page.show_epoch(300)


STAGES = {"descent": stage_descent, "backprop": stage_backprop, "slowdown": stage_slowdown}


def main(argv: list[str] | None = None) -> int:
    parser = shot.parser(__doc__, "principles")
    parser.add_argument("--all", metavar="DIR", help="also save every page into DIR")
    args = parser.parse_args(argv)

    app = shot.application()
    window = shot.main_window(args.size, "Principles")
    tab = window.tabs.currentWidget()
    out = Path(args.out)
    ok = True
    for index, name in enumerate(PAGES):
        tab.show_section(index)
        page = tab.page(index)
        shot.settle(app)
        if name in STAGES:
            STAGES[name](page)
        shot.settle(app)
        ok &= shot.save(window, out.with_name(f"{out.stem}-{name}.png"))
        if args.all:
            ok &= shot.save(window, Path(args.all) / f"{name}.png")
    tab.shutdown()
    window.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
