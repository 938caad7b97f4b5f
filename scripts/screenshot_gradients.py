"""Render the Gradients tab offscreen in a telling state and save it as a PNG.

The state: the book's experiment on [784, 30, 30, 30, 30, 10] run to the end (500 epochs of
full-batch gradient descent on 1,000 images, through the tab's own worker, exactly as a click
would), its four speed curves beside the speeds at initialisation (ours over ten seeds, the book's).

    python scripts/screenshot_gradients.py [--out docs/screenshots/gradients.png] [--all DIR] [--epochs N]

``--all DIR`` also saves every page (vanishing.png, why.png, exploding.png, fixes.png, any-run.png)
into DIR; the fixes are trained for ``--fix-epochs`` epochs (default 200) and "Any run" is fed the
per-mini-batch gradients of chapter 5's ch5-deep-3 preset trained here for 1,500 mini-batches.
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

SIZE = (1280, 740)  # the tab's area in the 1280×820 main window, without menu, tab and status bars


def wait(app: QApplication, condition, timeout: float = 1200.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the tab did not finish in time")
        app.processEvents()
        time.sleep(0.01)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "gradients.png"))
    parser.add_argument("--all", metavar="DIR", help="also save every page into DIR")
    parser.add_argument("--epochs", type=int, default=500, help="epochs of the book's experiment")
    parser.add_argument("--fix-epochs", type=int, default=200, help="epochs of the fixes (with --all)")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette
    from app.gradients.tab import GradientsTab
    from app.state import AppState

    apply_palette(app)
    state = AppState()
    state.data_blocking()
    tab = GradientsTab(state)
    tab.resize(*SIZE)
    tab.show()

    page = tab.show_page("experiment")
    page.epochs.setValue(args.epochs)
    finished: list[str] = []
    page.run_finished.connect(finished.append)
    wait(app, lambda: page.initial is not None and page._initial_worker is None)
    page.start()
    wait(app, lambda: bool(finished))
    settle(app)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tab.grab().save(str(out))
    print(f"saved {out} ({finished[0]}, {page.status.text()})")

    if args.all:
        folder = Path(args.all)
        folder.mkdir(parents=True, exist_ok=True)
        tab.grab().save(str(folder / "vanishing.png"))
        cause = tab.show_page("cause")
        updated: list[bool] = []
        cause.updated.connect(lambda: updated.append(True))
        cause.set_source("experiment")
        wait(app, lambda: bool(updated) and cause._worker is None)
        settle(app)
        tab.grab().save(str(folder / "why.png"))
        tab.show_page("exploding")
        settle(app)
        tab.grab().save(str(folder / "exploding.png"))
        fixes = tab.show_page("fixes")
        fixes.epochs.setValue(args.fix_epochs)
        done: list[str] = []
        fixes.run_finished.connect(done.append)
        fixes.start()
        wait(app, lambda: bool(done))
        settle(app)
        tab.grab().save(str(folder / "fixes.png"))
        tab.show_page("any_run")
        feed_any_run(state)
        settle(app)
        tab.grab().save(str(folder / "any-run.png"))
        print(f"saved the pages into {folder}")
    tab.shutdown()
    return 0


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
