"""How long the GUI's event loop stalls on every tab while that tab works, in the whole app.

    python benchmarks/bench_gui_stalls.py                      # every scenario, 20 s each, offscreen
    python benchmarks/bench_gui_stalls.py --only fixes experiment --seconds 30
    DISPLAY=:99 python benchmarks/bench_gui_stalls.py --real   # a real window (e.g. under Xvfb)

The whole app (``MainWindow``, 1280×800, the bundled network, MNIST) runs one scenario after another:

- ``draw``: the Draw tab while strokes are drawn on its canvas (a mouse move every 8 ms, digit-like
  strokes, the canvas cleared between digits), with every view updating as it does for a user;
- ``train``: the Train tab training ``ch1`` (50,000 images), every live view on;
- ``experiment``: Gradients → Vanishing gradient, the book's experiment running;
- ``fixes``: Gradients → Fixes, the six networks training side by side;
- ``any_run``: the Train tab training ``ch1`` as in ``train``, with Gradients → Any run in front (the
  per-mini-batch gradients it sends, drawn as they come);
- ``learn``: Universality → the challenge's Learn (N = 5 bumps, the page's default);
- ``learn100``: the same with N = 100 bumps (200 hidden neurons, the most the page allows);
- ``principles``: every animation of the Principles tab playing in turn (when the app has that tab).

A 1 ms ``QTimer`` (precise) ticks all along. A stall is the gap between two ticks less 1 ms: how long
input, timers and repaints waited. Per scenario the script prints, over its ticks:

- ``stall``: max and 99th percentile, as measured (what a user feels on this machine now);
- ``less wait``: the same less the time the GUI thread was runnable but waiting for a core (Linux
  ``/proc/self/task/<tid>/schedstat``): on a shared machine other programs' share is taken out;
- ``GUI CPU``: the GUI thread's own CPU time within one gap (``time.thread_time``), max and 99th
  percentile: the work one turn of the event loop did, which other programs do not stretch, and
  the share of the scenario's time the GUI thread was busy;
- the load average at the scenario's start and end (other work on the machine).

Goal (issue 14): a stall of at most 50 ms, and a 99th percentile under 20 ms, on every tab, on a
quiet machine. On a busy one, read ``less wait`` and ``GUI CPU``.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

_PLATFORM = os.environ.get("QT_QPA_PLATFORM")  # (the benchmarks below default it to offscreen)
from benchmarks.bench_draw_latency import digit_strokes  # noqa: E402
from benchmarks.bench_gui_training import run_queue_wait  # noqa: E402

if _PLATFORM is None:
    os.environ.pop("QT_QPA_PLATFORM", None)  # main() decides

SCENARIOS = ("draw", "train", "any_run", "experiment", "fixes", "learn", "learn100", "principles")
TICK_MS = 1
STROKE_MS = 8  # between two mouse moves while drawing (a mouse sampled at 125 Hz)


@dataclass
class Stalls:
    """What the probe measured over one scenario."""

    name: str
    gaps: np.ndarray  # seconds between two ticks
    queued: np.ndarray  # ... of which the GUI thread waited for a core
    cpu: np.ndarray  # ... of which the GUI thread ran
    seconds: float
    load: tuple[float, float]

    def line(self) -> str:
        tick = TICK_MS / 1000
        stall = np.maximum(self.gaps - tick, 0) * 1000
        less = np.maximum(self.gaps - self.queued - tick, 0) * 1000
        cpu = self.cpu * 1000
        if not len(stall):
            return f"{self.name:11s} no ticks"
        busy = self.cpu.sum() / self.seconds

        def pair(values):
            return f"max {values.max():5.0f} p99 {np.percentile(values, 99):4.0f} ms"

        return (f"{self.name:11s} {len(stall):6,d} ticks | stall {pair(stall)} | less wait {pair(less)} | "
                f"GUI CPU {pair(cpu)}, busy {busy:4.0%} | load {self.load[0]:.1f} → {self.load[1]:.1f}")


class Probe:
    """A 1 ms timer on the GUI thread that records each gap, and the GUI thread's CPU time and wait
    for a core within it."""

    def __init__(self):
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.rows: list[tuple[float, float, float]] = []

    def _now(self) -> tuple[float, float, float]:
        return time.perf_counter(), run_queue_wait(), time.thread_time()

    def start(self) -> None:
        self.rows = []
        self._last = self._now()
        self.timer.start()

    def _tick(self) -> None:
        now = self._now()
        self.rows.append(tuple(a - b for a, b in zip(now, self._last)))
        self._last = now

    def stop(self, name: str, started: float, load: float) -> Stalls:
        self.timer.stop()
        rows = np.array(self.rows[1:] or [(0.0, 0.0, 0.0)][:0]).reshape(-1, 3)
        return Stalls(name, rows[:, 0], rows[:, 1], rows[:, 2], time.perf_counter() - started,
                      (load, os.getloadavg()[0]))


class Bench:
    def __init__(self, args):
        from PySide6.QtCore import QSettings
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication(["bench_gui_stalls"])
        from app.main_window import TAB_TITLES, MainWindow
        from app.state import AppState
        from app.theme.palette import apply_palette

        apply_palette(self.app)
        self.titles = TAB_TITLES
        self.seconds = args.seconds
        state = AppState()
        state.data_blocking()
        settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
        self.window = MainWindow(state, settings)
        self.window.resize(1280, 800)
        self.window.show()
        self.wait(lambda: self.window.ready and state.network is not None, 60)
        self.probe = Probe()

    # --- the event loop ------------------------------------------------------------------------------
    def wait(self, condition, timeout: float) -> bool:
        """Run the event loop (as the app does) until ``condition()`` or ``timeout`` seconds."""
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        check = QTimer()
        check.setInterval(20)
        end = time.perf_counter() + timeout
        check.timeout.connect(lambda: loop.quit() if condition() or time.perf_counter() > end else None)
        check.start()
        if not condition():
            loop.exec()
        check.stop()
        return bool(condition())

    def tab(self, title: str):
        """Bring the tab titled ``title`` to the front; the tab."""
        tabs = self.window.tabs
        index = [tabs.tabText(i) for i in range(tabs.count())].index(title)
        tabs.setCurrentIndex(index)
        self.wait(lambda: False, 0.3)
        return tabs.widget(index)

    def measure(self, name: str, begin, end=lambda: None) -> Stalls:
        """``begin()`` the scenario's work, measure for the set seconds, then ``end()`` it."""
        begin()
        self.wait(lambda: False, 1.0)  # the work under way (threads started, first frames drawn)
        load, started = os.getloadavg()[0], time.perf_counter()
        self.probe.start()
        self.wait(lambda: False, self.seconds)
        result = self.probe.stop(name, started, load)
        end()
        self.wait(lambda: False, 0.5)
        return result

    # --- the scenarios -------------------------------------------------------------------------------
    def draw(self) -> Stalls:
        from PySide6.QtCore import QPointF, Qt, QTimer
        from PySide6.QtGui import QMouseEvent

        tab = self.tab("Draw")
        canvas = tab.canvas
        strokes = [p for digit in range(50) for p in digit_strokes(np.random.default_rng(digit))]
        left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
        state = {"stroke": 0, "point": 0}

        def send(kind, point, button, buttons):
            pos = canvas.to_widget(QPointF(*point))
            self.app.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                                   Qt.KeyboardModifier.NoModifier))

        def move():  # one mouse event per timer tick, as a user's hand would send them
            points = strokes[state["stroke"] % len(strokes)]
            i = state["point"]
            if i == 0:
                if state["stroke"] % 4 == 0:
                    canvas.clear()
                send(QMouseEvent.Type.MouseButtonPress, points[0], left, left)
            elif i < len(points):
                send(QMouseEvent.Type.MouseMove, points[i], none, left)
            else:
                send(QMouseEvent.Type.MouseButtonRelease, points[-1], left, none)
                state["stroke"] += 1
                state["point"] = 0
                return
            state["point"] += 1

        hand = QTimer()
        hand.setTimerType(Qt.TimerType.PreciseTimer)
        hand.setInterval(STROKE_MS)
        hand.timeout.connect(move)
        return self.measure("draw", hand.start, hand.stop)

    def train(self) -> Stalls:
        tab = self._train_ch1()
        return self.measure("train", lambda: self._start(tab), tab.session.stop)

    def any_run(self) -> Stalls:
        tab = self._train_ch1()
        self.tab("Gradients").show_page("any_run")
        return self.measure("any_run", lambda: self._start(tab), tab.session.stop)

    def _train_ch1(self):
        """The Train tab, set to train ``ch1`` on 50,000 images for longer than any scenario lasts."""
        tab = self.tab("Train")
        tab.form.set_training_images(50_000)
        tab.form.select_preset("ch1")
        tab.form.set_field("epochs", "60")
        return tab

    @staticmethod
    def _start(tab) -> None:
        if not tab.start():
            raise RuntimeError(f"the Train tab did not start: {tab.form.errors}")

    def gradients(self, key: str):
        tab = self.tab("Gradients")
        return tab.show_page(key)

    def experiment(self) -> Stalls:
        page = self.gradients("experiment")
        page.epochs.setValue(10_000)
        self.wait(lambda: page._initial_worker is None, 60)  # the bars at initialisation are measured first
        return self.measure("experiment", page.start, lambda: page.worker and page.worker.stop())

    def fixes(self) -> Stalls:
        page = self.gradients("fixes")
        return self.measure("fixes", page.start, lambda: page.worker and page.worker.stop())

    def learn(self, bumps: int = 5, name: str = "learn") -> Stalls:
        tab = self.tab("Universality")
        index = next(i for i, cls in enumerate(tab.PAGE_CLASSES) if cls.__name__ == "ChallengePage")
        tab.show_section(index)
        page = tab.page(index)
        page.n_spin.setValue(bumps)
        page.steps_spin.setValue(page.steps_spin.maximum())
        return self.measure(name, page.learn, page.stop_learning)

    def learn100(self) -> Stalls:
        return self.learn(100, "learn100")

    def principles(self) -> Stalls | None:
        """Every section of the Principles tab with an animation (a page with a ``player``), playing
        in turn for an equal share of the time."""
        if "Principles" not in self.titles:
            return None
        tab = self.tab("Principles")
        animated = [i for i in range(tab.sections.count()) if getattr(tab.page(i), "player", None) is not None]
        if not animated:
            return None
        share = self.seconds / len(animated)
        parts, load = [], os.getloadavg()[0]
        for index in animated:
            tab.show_section(index)
            player = tab.page(index).player
            if not player.running:
                player.toggle()
            self.wait(lambda: False, 0.5)
            started = time.perf_counter()
            self.probe.start()
            self.wait(lambda: False, share)
            parts.append(self.probe.stop("principles", started, load))
            if player.running:
                player.toggle()
        def joined(attr):
            return np.concatenate([getattr(part, attr) for part in parts])

        return Stalls("principles", joined("gaps"), joined("queued"), joined("cpu"),
                      sum(part.seconds for part in parts), (load, os.getloadavg()[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="these scenarios (default: all)")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per scenario")
    parser.add_argument("--real", action="store_true", help="a real window (the platform Qt finds, e.g. "
                                                             "DISPLAY=:99 under Xvfb) instead of offscreen")
    args = parser.parse_args(argv)
    if not args.real:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        parser.error("--real with QT_QPA_PLATFORM=offscreen: unset it")
    bench = Bench(args)
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; the GUI thread is "
          f"{threading.main_thread().name}; {args.seconds:g} s per scenario, a tick every {TICK_MS} ms")
    for name in args.only or SCENARIOS:
        result = getattr(bench, name)()
        print(result.line() if result is not None else f"{name:11s} (not in this app)", flush=True)
    bench.window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
