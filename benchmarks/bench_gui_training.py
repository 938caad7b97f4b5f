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
On a shared machine the OS also keeps the GUI thread waiting for a core; the time it spent runnable
but not running (Linux ``/proc/.../schedstat``) is reported apart, so that stalls caused by this
program (its own work, waiting for the GIL) can be told from the machine's load.

Usage: ``nice -n 10 python benchmarks/bench_gui_training.py [--presets ch1 ch6-conv1] [--repeats 3]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
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
    gaps, queued, frames, busy = [], [], [0], [0.0, 0.0]
    last = [time.perf_counter(), run_queue_wait()]

    def tick():
        now, waited = time.perf_counter(), run_queue_wait()
        gaps.append(now - last[0])
        queued.append(waited - last[1])
        last[0], last[1] = now, waited

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
            last[0], last[1] = time.perf_counter(), run_queue_wait()
            busy[0] = time.thread_time()
            timer.start()
        else:
            QTimer.singleShot(1, launched)

    if not tab.start():
        raise RuntimeError(f"the tab did not start: {tab.form.errors}")
    QTimer.singleShot(1, launched)
    app.exec()
    timer.stop()
    busy[1] = time.thread_time()
    run = tab.runs[-1]
    assert run.status == "finished", run.status
    gaps, queued = np.asarray(gaps[1:]), np.asarray(queued[1:])
    stalls = np.maximum(gaps - 0.005, 0) * 1000
    ours = np.maximum(gaps - queued - 0.005, 0) * 1000  # less the time the OS kept the thread waiting for a core
    wall = run.ended - run.started
    return sum(e.seconds for e in run.epochs), wall, (stalls, ours), (frames[0] / wall, (busy[1] - busy[0]) / wall)


def run_queue_wait() -> float:
    """Seconds this (the GUI) thread has spent runnable but waiting for a CPU (Linux schedstat)."""
    try:
        with open(f"/proc/self/task/{threading.get_native_id()}/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


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
        stalls_all, fps_all, busy_all = [], [], []
        for _ in range(args.repeats):
            results["headless"].append(headless(name, spec, data))
            results["worker"].append(worker_only(app, name, spec, data))
            loop, wall, stalls, (fps, gui_busy) = gui(app, tab, name, spec, data)
            busy_all.append(gui_busy)
            results["gui"].append((loop, wall))
            stalls_all.append(stalls)
            fps_all.append(fps)
        print(f"\n{name}: {spec['train']:,} training images × {spec['epochs']} epochs, "
              f"{args.repeats} runs each (median)")
        # ratios within each repeat (runs next to each other in time), then their median: other work on
        # the machine moves both sides of a ratio alike
        base = results["headless"]
        for mode, rows in results.items():
            loop = statistics.median(n_images / r[0] for r in rows)
            wall = statistics.median(n_images / r[1] for r in rows)
            loop_ratio = statistics.median(b[0] / r[0] for b, r in zip(base, rows))
            wall_ratio = statistics.median(b[1] / r[1] for b, r in zip(base, rows))
            print(f"  {mode:9s} {loop:9,.0f} images/s training ({loop_ratio:6.1%} of headless)   "
                  f"{wall:9,.0f} images/s wall ({wall_ratio:6.1%})")
        stalls = np.concatenate([s[0] for s in stalls_all])
        ours = np.concatenate([s[1] for s in stalls_all])
        print(f"  GUI: {statistics.median(fps_all):.1f} view updates/s, GUI thread busy "
              f"{statistics.median(busy_all):.0%} of the time; event-loop stalls over {len(stalls):,} ticks: "
              f"max {stalls.max():.1f} ms, p99 {np.percentile(stalls, 99):.1f} ms, p50 {np.median(stalls):.1f} ms; "
              f"without the time spent waiting for a core: max {ours.max():.1f} ms, p99 {np.percentile(ours, 99):.1f} ms")
    tab.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
