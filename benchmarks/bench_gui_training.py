"""Training throughput in the Train tab with every live view on, against headless training, and how
long the GUI's event loop stalls meanwhile.

For each preset (``ch1`` and ``ch6-conv1`` by default), the same run is timed three ways, in turn,
``--repeats`` times:

- ``headless``: ``core.training.Trainer(...).run()`` iterated in a plain loop, no Qt at all;
- ``worker``: the same trainer in ``app.worker.TrainingWorker``, nothing listening;
- ``gui``: started from the real ``TrainTab`` (offscreen, 1280×820, shown, every view visible; the run
  is its ``TrainingSession``, ``app.train.session``), which draws its curves, weight images or filters
  and feature maps, histograms, confusion matrix and gallery up to eight times a second and sends the per-mini-batch gradient norms to the other tabs.

Figures (medians over the repeats; ratios are taken within a repeat, runs next to each other in time):

- images/s over the mini-batch loop (sum of ``EpochDone.seconds``) and over the whole run (wall clock,
  evaluation and epoch-end work included);
- the training thread's time split three ways (Linux ``/proc/.../schedstat`` and ``thread_time``):
  running on a CPU, runnable but waiting for a core (other work on the machine), and blocked (the GIL:
  the GUI thread's Python). "less the wait for a core" divides the images by running + blocked time,
  which is what the program itself costs; on a shared, busy machine it is the figure to compare;
- event-loop stalls: a 5 ms ``QTimer`` records the gaps between its ticks; a stall is a gap minus 5 ms,
  reported as measured and less the GUI thread's own wait for a core.

Usage: ``nice -n 10 python benchmarks/bench_gui_training.py [--presets ch1 ch6-conv1] [--repeats 5] [--epochs 2]``
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from core import presets  # noqa: E402
from core.data import load_mnist  # noqa: E402
from core.training import EpochDone, Trainer, subset  # noqa: E402

# Each run: training images, epochs, and evaluation sets small enough that training dominates.
RUNS = {
    "ch1": dict(train=50_000, epochs=2, validation=10_000, test=10_000),
    "ch6-conv1": dict(train=3_000, epochs=2, validation=1_000, test=1_000, monitor_limit=1_000),
}


@dataclass
class Timing:
    images: int
    loop: float  # seconds in the mini-batch loops
    wall: float  # seconds for the whole run
    cpu: float  # the training thread's CPU time
    queued: float  # ... and its time runnable but waiting for a core

    @property
    def blocked(self) -> float:
        return max(self.wall - self.cpu - self.queued, 0.0)

    @property
    def own(self) -> float:
        return self.wall - self.queued


def thread_clock() -> tuple[float, float]:
    """(CPU seconds, seconds waiting for a core) of the calling thread."""
    return time.thread_time(), run_queue_wait()


_SCHEDSTAT: dict[int, object] = {}  # native thread id -> its open schedstat file


def run_queue_wait() -> float:
    """Seconds the calling thread has spent runnable but waiting for a CPU (Linux schedstat; 0 where
    that is not available). The file stays open and is read again from its start: the event-loop
    probe reads it every 5 ms, and opening it each time cost the GUI thread ~4 % of a core."""
    tid = threading.get_native_id()
    for _ in range(2):
        try:
            f = _SCHEDSTAT.get(tid)
            if f is None:
                f = _SCHEDSTAT[tid] = open(f"/proc/self/task/{tid}/schedstat", "rb", buffering=0)
            f.seek(0)
            return int(f.read().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):  # e.g. a thread id reused after its thread ended
            stale = _SCHEDSTAT.pop(tid, None)
            if stale is not None:
                stale.close()
    return 0.0


def make_data(mnist, spec):
    return subset(mnist, spec["train"], spec["validation"], spec["test"])


def config_for(name, spec):
    changes = {"epochs": spec["epochs"]}
    if "monitor_limit" in spec:
        changes["monitor_limit"] = spec["monitor_limit"]
    return presets.get(name).with_config(**changes)


def headless(name, spec, data) -> Timing:
    trainer = Trainer(presets.get(name).build(0), data, config_for(name, spec))
    cpu, queued = thread_clock()
    start = time.perf_counter()
    loop = sum(e.seconds for e in trainer.run() if isinstance(e, EpochDone))
    wall = time.perf_counter() - start
    cpu2, queued2 = thread_clock()
    return Timing(spec["train"] * spec["epochs"], loop, wall, cpu2 - cpu, queued2 - queued)


def worker_only(app, name, spec, data) -> Timing:
    from PySide6.QtCore import Qt

    from app.worker import TrainingWorker

    trainer = Trainer(presets.get(name).build(0), data, config_for(name, spec))
    worker = TrainingWorker(trainer)
    epochs, clocks, done = [], [], []
    worker.epoch_done.connect(lambda e, _s: epochs.append(e))
    # read on the training thread itself as it ends (a finished thread's counters are gone)
    worker.finished_run.connect(lambda _e: clocks.append(thread_clock()), Qt.DirectConnection)
    worker.finished_run.connect(lambda _e: (done.append(time.perf_counter()), app.quit()))
    start = time.perf_counter()
    worker.start()
    app.exec()
    worker.wait()
    cpu, queued = clocks[0]
    return Timing(spec["train"] * spec["epochs"], sum(e.seconds for e in epochs), done[0] - start, cpu, queued)


def gui(app, tab, name, spec, data):
    from PySide6.QtCore import Qt, QTimer

    tab.state.data = data
    tab.form.set_training_images(len(data.train))
    tab.form.select_preset(name)
    tab.form.set_field("epochs", str(spec["epochs"]))
    # Like with like: the tab trains with exactly the headless run's config. The form has no field
    # for ``monitor_limit`` (the preset's is 10,000: all of ch6-conv1's 3,000 training images would
    # be evaluated each epoch, against 1,000 headless), so the plan the form makes is given it here.
    config = config_for(name, spec)
    form_plan = tab.form.validate_now()
    assert dataclasses.replace(form_plan.config, monitor_limit=config.monitor_limit) == config, form_plan.config
    tab.form.validate_now = lambda: dataclasses.replace(form_plan, config=config)
    gaps, queued, frames, clocks, busy = [], [], [0], [], [0.0, 0.0]
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

    runs_before = len(tab.session.runs)

    session = tab.session

    def launched():  # measured from the moment the training thread runs
        worker = session.worker
        if len(session.runs) > runs_before and worker is not None and (worker.isRunning() or worker.isFinished()):
            assert worker.trainer.config == config, worker.trainer.config
            worker.progress.connect(count_frame)
            worker.finished_run.connect(lambda _e: clocks.append(thread_clock()), Qt.DirectConnection)
            worker.finished_run.connect(lambda _e: declared_over())
            last[0], last[1] = time.perf_counter(), run_queue_wait()
            busy[0] = time.thread_time()
            timer.start()
        else:
            QTimer.singleShot(1, launched)

    def declared_over():  # ... to the moment the tab has drawn the last reports and declared the run over
        if session.worker is None:
            QTimer.singleShot(50, app.quit)
        else:
            QTimer.singleShot(5, declared_over)

    if not tab.start():
        raise RuntimeError(f"the tab did not start: {tab.form.errors}")
    QTimer.singleShot(1, launched)
    app.exec()
    timer.stop()
    busy[1] = time.thread_time()
    del tab.form.validate_now
    run = session.runs[-1]
    assert run.status == "finished", run.status
    gaps, queued = np.asarray(gaps[1:]), np.asarray(queued[1:])
    stalls = np.maximum(gaps - 0.005, 0) * 1000
    ours = np.maximum(gaps - queued - 0.005, 0) * 1000
    wall = run.ended - run.started
    cpu, waited = clocks[0]
    timing = Timing(spec["train"] * spec["epochs"], sum(e.seconds for e in run.epochs), wall, cpu, waited)
    return timing, stalls, ours, frames[0] / wall, (busy[1] - busy[0]) / wall


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=list(RUNS))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--epochs", type=int, help="epochs per run (default: 2; more weighs the per-run start "
                                                   "and end less)")
    args = parser.parse_args(argv)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette

    apply_palette(app)
    from app.state import AppState
    from app.train.tab import TrainTab

    mnist = load_mnist()
    tab = TrainTab(AppState())
    tab.resize(1280, 820)
    tab.show()
    app.processEvents()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    for name in args.presets:
        spec = dict(RUNS[name], **({"epochs": args.epochs} if args.epochs else {}))
        data = make_data(mnist, spec)
        results: dict[str, list[Timing]] = {"headless": [], "worker": [], "gui": []}
        stalls_all, ours_all, fps_all, busy_all = [], [], [], []
        for _ in range(args.repeats):
            results["headless"].append(headless(name, spec, data))
            results["worker"].append(worker_only(app, name, spec, data))
            timing, stalls, ours, fps, busy = gui(app, tab, name, spec, data)
            results["gui"].append(timing)
            stalls_all.append(stalls)
            ours_all.append(ours)
            fps_all.append(fps)
            busy_all.append(busy)
        print(f"\n{name}: {spec['train']:,} training images × {spec['epochs']} epochs; "
              f"median of {args.repeats} runs each")
        base = results["headless"]

        def ratio(rows, key):
            return statistics.median(key(b) / key(r) for b, r in zip(base, rows))

        for mode, rows in results.items():
            def rate(key):
                return statistics.median(r.images / key(r) for r in rows)
            waited = statistics.median(r.queued / r.wall for r in rows)
            blocked = statistics.median(r.blocked / r.wall for r in rows)
            print(f"  {mode:8s} loop {rate(lambda r: r.loop):7,.0f}/s ({ratio(rows, lambda r: r.loop):6.1%})"
                  f" | run {rate(lambda r: r.wall):7,.0f}/s ({ratio(rows, lambda r: r.wall):6.1%})"
                  f" | less the wait for a core {rate(lambda r: r.own):7,.0f}/s ({ratio(rows, lambda r: r.own):6.1%})"
                  f" | training thread waited for a core {waited:4.0%}, blocked {blocked:4.1%}")
        stalls, ours = np.concatenate(stalls_all), np.concatenate(ours_all)
        print(f"  GUI: {statistics.median(fps_all):.1f} reports/s, GUI thread busy {statistics.median(busy_all):.0%}; "
              f"event-loop stalls over {len(stalls):,} ticks: max {stalls.max():.0f} ms, p99 {np.percentile(stalls, 99):.0f} ms"
              f" | less the GUI thread's wait for a core: max {ours.max():.0f} ms, p99 {np.percentile(ours, 99):.0f} ms")
    tab.shutdown()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
