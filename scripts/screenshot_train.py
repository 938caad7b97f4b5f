"""Render the Train tab mid-training, offscreen, and save it as docs/screenshots/train.png.

Two runs of chapter 3's better-initialised network (784-100-10, cross-entropy) on the first 10,000
training images: one without regularisation (kept and overlaid, dashed) and one with λ = 5, paused
part-way through its sixth epoch, so the picture shows live curves against the book's figure, the
first-layer weights forming, the histograms, the confusion matrix and the mistakes.

Usage: ``python scripts/screenshot_train.py [--out PATH]`` (about half a minute).
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait_for(app, condition, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the run did not get there in time")
        app.processEvents()
        time.sleep(0.005)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / "train.png"))
    args = parser.parse_args(argv)

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette

    apply_palette(app)
    from app.main_window import MainWindow

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.resize(1280, 820)
    window.show()
    from app.names import network_label
    from core.models import default_model_path

    window.state.open_network(default_model_path(), label=network_label(default_model_path()))  # as at launch
    names = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    window.tabs.setCurrentIndex(names.index("Train"))
    tab = window.tabs.currentWidget()
    window.state.data_blocking()

    def run(lmbda: str, epochs: int, pause_in_epoch: int | None = None) -> None:
        tab.form.select_preset("ch3-best")
        tab.form.set_field("train_size", "10000")
        tab.form.set_field("epochs", str(epochs))
        tab.form.set_field("lmbda", lmbda)
        before = len(tab.runs)
        tab.start()
        wait_for(app, lambda: len(tab.runs) > before)
        current = tab.runs[-1]
        if pause_in_epoch is None:
            wait_for(app, lambda: current.status == "finished")
            return
        wait_for(app, lambda: len(current.epochs) >= pause_in_epoch - 1)
        wait_for(app, lambda: tab.worker.step_count >= (pause_in_epoch - 1) * current.batches_per_epoch + 620)
        tab.pause()
        wait_for(app, lambda: tab.worker.waiting)
        for _ in range(20):  # let the last report and the repaint through
            app.processEvents()
            time.sleep(0.01)

    run("0", 6)
    tab.runs_panel.set_overlay(tab.runs[0], True)
    run("5", 30, pause_in_epoch=6)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(args.out, "PNG")
    tab.shutdown()
    print(f"wrote {args.out}" if ok else f"could not write {args.out}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
