"""Render the Gradients tab offscreen in a telling state and save it as a PNG.

The state: the book's experiment on [784, 30, 30, 30, 30, 10] run to the end (500 epochs of
full-batch gradient descent on 1,000 images, through the tab's own worker, exactly as a click
would), its four speed curves beside the speeds at initialisation (ours over ten seeds, the book's).

    python scripts/screenshot_gradients.py [--out docs/screenshots/gradients.png] [--size 1280x820]
                                           [--all DIR] [--epochs N]

``--all DIR`` also saves every page (vanishing.png, why.png, exploding.png, fixes.png, any-run.png)
into DIR; the fixes are trained for ``--fix-epochs`` epochs (default 200) and "Any run" is fed the
per-mini-batch gradients of chapter 5's ch5-deep-3 preset trained here for 1,500 mini-batches.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import shot


def main(argv: list[str] | None = None) -> int:
    parser = shot.parser(__doc__, "gradients")
    parser.add_argument("--all", metavar="DIR", help="also save every page into DIR")
    parser.add_argument("--epochs", type=int, default=500, help="epochs of the book's experiment")
    parser.add_argument("--fix-epochs", type=int, default=200, help="epochs of the fixes (with --all)")
    args = parser.parse_args(argv)

    app = shot.application()
    from app.gradients.tab import GradientsTab
    from app.state import AppState

    state = AppState()
    state.data_blocking()
    tab = GradientsTab(state)
    tab.resize(*shot.tab_size(args.size))
    tab.show()

    def wait(condition) -> None:
        shot.wait(app, condition, timeout=1200.0)

    page = tab.show_page("experiment")
    page.epochs.setValue(args.epochs)
    finished: list[str] = []
    page.run_finished.connect(finished.append)
    wait(lambda: page.initial is not None and page._initial_worker is None)
    page.start()
    wait(lambda: bool(finished))
    shot.settle(app)
    ok = shot.save(tab, args.out)
    print(f"({finished[0]}, {page.status.text()})")

    if args.all:
        folder = Path(args.all)
        ok &= shot.save(tab, folder / "vanishing.png")
        cause = tab.show_page("cause")
        updated: list[bool] = []
        cause.updated.connect(lambda: updated.append(True))
        cause.set_source("experiment")
        wait(lambda: bool(updated) and cause._worker is None)
        shot.settle(app)
        ok &= shot.save(tab, folder / "why.png")
        tab.show_page("exploding")
        shot.settle(app)
        ok &= shot.save(tab, folder / "exploding.png")
        fixes = tab.show_page("fixes")
        fixes.epochs.setValue(args.fix_epochs)
        done: list[str] = []
        fixes.run_finished.connect(done.append)
        fixes.start()
        wait(lambda: bool(done))
        shot.settle(app)
        ok &= shot.save(tab, folder / "fixes.png")
        tab.show_page("any_run")
        feed_any_run(state)
        shot.settle(app)
        ok &= shot.save(tab, folder / "any-run.png")
    tab.shutdown()
    return 0 if ok else 1


def feed_any_run(state, mini_batches: int = 1500) -> None:
    """Stand in for the Train tab: train chapter 5's [784, 30, 30, 30, 10] preset by SGD (mini-batches
    of 10, η = 0.1, λ = 5.0) and emit each mini-batch's ‖∂C/∂bˡ‖ and ‖∂C/∂wˡ‖ as it would."""
    from core import presets, probes
    from core.training import BatchDone, Trainer

    preset = presets.get("ch5-deep-3")
    net = preset.build(seed=0)
    config = preset.with_config(epochs=1, train_size=mini_batches * 10, monitor_training=False)
    steps, delta, w = [], [], []
    for event in Trainer(net, state.data, config).run():
        if not isinstance(event, BatchDone):
            continue
        steps.append(event.batch)
        norms = probes.gradient_norms(net, m=10)
        delta.append(norms["delta"])
        w.append(norms["w"])
        if len(steps) == 100:
            state.batch_gradients.emit({"run": "ch5-deep-3, seed 0", "steps": steps, "labels": norms["labels"],
                                        "delta": np.array(delta), "w": np.array(w)})
            steps, delta, w = [], [], []


if __name__ == "__main__":
    sys.exit(main())
