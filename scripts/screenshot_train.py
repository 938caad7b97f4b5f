"""Render the Train tab mid-training, offscreen, and save it as docs/screenshots/train.png.

Two runs of chapter 3's better-initialised network (784-100-10, cross-entropy) on the first 10,000
training images: one without regularisation (kept and overlaid, dashed) and one with λ = 5, paused
part-way through its sixth epoch, so the picture shows live curves against the book's figure, the
first-layer weights forming, the histograms, the confusion matrix and the mistakes.

Usage: ``python scripts/screenshot_train.py [--out PATH] [--size 1280x820] [--all DIR]`` (about half a
minute); ``--all DIR`` also saves the tab with its side column on each of its pages (set-up.png, runs.png).
"""
from __future__ import annotations

from pathlib import Path

import shot


def main(argv=None) -> int:
    parser = shot.parser(__doc__, "train")
    parser.add_argument("--all", metavar="DIR", help="also save the side column's pages into DIR")
    args = parser.parse_args(argv)

    app = shot.application()
    from app.names import network_label
    from core.models import default_model_path

    window = shot.main_window(args.size, "train")
    window.state.open_network(default_model_path(), label=network_label(default_model_path()))  # as at launch
    tab = window.tabs.currentWidget()
    window.state.data_blocking()

    def wait_for(condition) -> None:
        shot.wait(app, condition, timeout=120.0, what="the run")

    def run(lmbda: str, epochs: int, pause_in_epoch: int | None = None) -> None:
        tab.form.select_preset("ch3-best")
        tab.form.set_field("train_size", "10000")
        tab.form.set_field("epochs", str(epochs))
        tab.form.set_field("lmbda", lmbda)
        before = len(tab.runs)
        tab.start()
        wait_for(lambda: len(tab.runs) > before)
        current = tab.runs[-1]
        if pause_in_epoch is None:
            wait_for(lambda: current.status == "finished")
            return
        wait_for(lambda: len(current.epochs) >= pause_in_epoch - 1)
        wait_for(lambda: tab.worker.step_count >= (pause_in_epoch - 1) * current.batches_per_epoch + 620)
        tab.pause()
        wait_for(lambda: tab.worker.waiting)
        shot.settle(app, 20, 0.01)  # let the last report and the repaint through

    run("0", 6)
    tab.runs_panel.set_overlay(tab.runs[0], True)
    run("5", 30, pause_in_epoch=6)
    ok = shot.save(window, args.out)
    if args.all:
        folder = Path(args.all)
        for index, name in enumerate(("set-up", "runs")):
            tab.side.setCurrentIndex(index)
            shot.settle(app)
            ok &= shot.save(window, folder / f"{name}.png")
    tab.shutdown()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
