"""Render the Universality tab offscreen in a telling state and save it as a PNG.

The state: the book's challenge with five hand-set bumps that just reach "Success!", next to the
network gradient descent learns for N = 5 (its dashed curves) and the learned scores for a few N on
the score-against-N plot. Learn runs through the tab's own worker, exactly as a click would.

    python scripts/screenshot_universality.py [--out docs/screenshots/universality.png] [--size 1280x820]
                                              [--all DIR]

``--all DIR`` also saves every section (one-neuron.png, bumps.png, ...) into DIR.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import shot

HAND_HEIGHTS = [-1.2, -1.4, -0.4, -0.8, 1.0]  # set by eye, as a learner might: average deviation 0.388
LEARN_RUNS = [(2, 10_000), (10, 20_000), (20, 20_000), (5, 20_000)]  # (N, steps); N = 5 last stays on screen
SECTION_FILES = ["one-neuron", "bumps", "challenge", "towers", "many-towers"]


def main(argv: list[str] | None = None) -> int:
    parser = shot.parser(__doc__, "universality")
    parser.add_argument("--all", metavar="DIR", help="also save every section into DIR")
    args = parser.parse_args(argv)

    app = shot.application()
    from app.state import AppState
    from app.universality.tab import UniversalityTab

    tab = UniversalityTab(AppState())
    tab.resize(*shot.tab_size(args.size))
    tab.show()
    tab.show_section(2)
    page = tab.challenge
    page.rng = np.random.default_rng(4)  # the learned networks' random starts
    for n, steps in LEARN_RUNS:
        page.set_bumps(n)
        page.steps_spin.setValue(steps)
        page.learn()
        shot.wait(app, lambda: not page.learner.running)
        print(f"N = {n:3d}: learned average deviation {page.learned['deviation']:.3f} after "
              f"{page.learned['steps']:,} steps (best fixed bumps {page.best[n - 1]:.3f})")
    page.selected = 4
    page.set_heights(HAND_HEIGHTS)
    print(f"hand-set heights: average deviation {page.score():.3f}")
    app.processEvents()
    ok = shot.save(tab, args.out)

    if args.all:
        folder = Path(args.all)
        for index, name in enumerate(SECTION_FILES):
            tab.show_section(index)
            if index == 4:
                shot.wait(app, lambda: tab.grid.result is not None and not tab.grid.busy)
            app.processEvents()
            ok &= shot.save(tab, folder / f"{name}.png")
    tab.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
