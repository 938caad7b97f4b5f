"""Training throughput in the Train tab with every live view on, against headless training, and how
long the GUI's event loop stalls meanwhile.

For each preset (``ch1`` and ``ch6-conv1`` by default), the same run is timed three ways, in
alternation, ``--repeats`` times:

- ``headless``: ``core.training.Trainer(...).run()`` iterated in a plain loop, no Qt at all;
- ``worker``: the same trainer in ``app.worker.TrainingWorker`` with no views attached;
- ``gui``: started from the real ``TrainTab`` (offscreen, 1280×820, shown, every view visible), which
  draws its curves, weight images or filters and feature maps, histograms, confusion matrix and
  gallery about ten times a second, and emits the per-mini-batch gradient norms.

Throughput is training images per second over the mini-batch loop (the sum of ``EpochDone.seconds``,
evaluation excluded) and over the whole run (wall clock, evaluation and epoch-end work included).
During the GUI runs a 5 ms ``QTimer`` records the gaps between its ticks: a stall is a gap minus 5 ms.

Usage: ``nice -n 10 python benchmarks/bench_gui_training.py [--presets ch1 ch6-conv1] [--repeats 3]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from core import presets  # noqa: E402
from core.data import load_mnist  # noqa: E402
from core.training import BatchDone, EpochDone, Trainer, subset  # noqa: E402

# Each run: training images, epochs, and evaluation sets small enough that training dominates.
RUNS = {
    "ch1": dict(train=50_000, epochs=2, validation=10_000, test=10_000),
    "ch6-conv1": dict(train=3_000, epochs=2, validation=1_000, test=1_000, monitor_limit=1_000),
}


def make_data(mnist, spec):
    return subset(mnist, spec["train"], spec["validation"], spec["test"])


def config_for(name, spec):
    changes = {"epochs": spec["epochs"]}
    if "monitor_limit" in spec:
        changes["monitor_limit"] = spec["monitor_limit"]
    return presets.get(name).with_config(**changes)


def headless(name, spec, data):
    preset = presets.get(name)
    trainer = Trainer(preset.build(0), data, config_for(name, spec))
    start = time.perf_counter()
    seconds = sum(e.seconds for e in trainer.run() if isinstance(e, EpochDone))
    return seconds, time.perf_counter() - start


def worker_only(app, name, spec, data):
    from app.worker import TrainingWorker

    preset = presets.get(name)
    trainer = Trainer(preset.build(0), data, config_for(name, spec))
    worker = TrainingWorker(trainer)
    epochs = []
    worker.epoch_done.connect(lambda e, _s: epochs.append(e))
    done = []
    worker.finished_run.connect(lambda e: (done.append(time.perf_counter()), app.quit()))
    start = time.perf_counter()
    worker.start()
    app.exec()
    worker.wait()
    return sum(e.seconds for e in epochs), done[0] - start


def gui(app, tab, name, spec, data):
    from PySide6.QtCore import QTimer

    tab.state.data = data
    tab.form.set_training_images(len(data.train))
    tab.form.select_preset(name)
    tab.form.set_field("epochs", str(spec["epochs"]))
    gaps, frames = [], [0]
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)

    def count_frame(_report):
        frames[0] += 1

    runs_before = len(tab.runs)

    def launched():
        if len(tab.runs) > runs_before and tab.worker is not None:
            tab.worker.progress.connect(count_frame)
            tab.worker.finished_run.connect(lambda _e: QTimer.singleShot(50, app.quit))
            last[0] = time.perf_counter()
            timer.start()
        else:
            QTimer.singleShot(1, launched)

    if not tab.start():
        raise RuntimeError(f"the tab did not start: {tab.form.errors}")
    QTimer.singleShot(1, launched)
    app.exec()
    timer.stop()
    run = tab.runs[-1]
    assert run.status == "finished", run.status
    stalls = np.maximum(np.asarray(gaps[1:]) - 0.005, 0) * 1000
    wall = run.ended - run.started
    return sum(e.seconds for e in run.epochs), wall, stalls, frames[0] / wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=list(RUNS))
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app import theme

    if hasattr(theme, "apply_palette"):
        theme.apply_palette(app)
    from app.state import AppState
    from app.train.tab import TrainTab

    mnist = load_mnist()
    state = AppState()
    tab = TrainTab(state)
    tab.resize(1280, 820)
    tab.show()
    app.processEvents()
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores; other work on the machine skews all figures)")
    for name in args.presets:
        spec = RUNS[name]
        data = make_data(mnist, spec)
        n_images = spec["train"] * spec["epochs"]
        results = {"headless": [], "worker": [], "gui": []}
        stalls_all, fps_all = [], []
        for _ in range(args.repeats):
            results["headless"].append(headless(name, spec, data))
            results["worker"].append(worker_only(app, name, spec, data))
            loop, wall, stalls, fps = gui(app, tab, name, spec, data)
            results["gui"].append((loop, wall))
            stalls_all.append(stalls)
            fps_all.append(fps)
        print(f"\n{name}: {spec['train']:,} training images × {spec['epochs']} epochs, "
              f"{args.repeats} runs each (median)")
        base_loop = statistics.median(n_images / r[0] for r in results["headless"])
        base_wall = statistics.median(n_images / r[1] for r in results["headless"])
        for mode, rows in results.items():
            loop = statistics.median(n_images / r[0] for r in rows)
            wall = statistics.median(n_images / r[1] for r in rows)
            print(f"  {mode:9s} {loop:9,.0f} images/s training ({loop / base_loop:6.1%} of headless)   "
                  f"{wall:9,.0f} images/s wall ({wall / base_wall:6.1%})")
        stalls = np.concatenate(stalls_all)
        print(f"  GUI: {statistics.median(fps_all):.1f} view updates/s; event-loop stalls: max {stalls.max():.1f} ms, "
              f"p99 {np.percentile(stalls, 99):.1f} ms, median {np.median(stalls):.1f} ms over {len(stalls):,} ticks")
    tab.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
