"""Start-up time: from launching the app's process to its window on screen (target: under 2 s).

    python -m benchmarks.bench_startup [--runs 5] [--json out.json]

Each run starts a fresh Python process that does what ``python main.py`` does (same imports, same
``MainWindow``, with throw-away settings so that every run is a first start) and reports two moments,
measured from just before the process was launched:

- ``shown``: the window's first paint has happened (the user sees the app);
- ``tabs``: every tab has been built (the current one comes first);
- ``network``: the initial network has been read off the GUI thread and is active;

and ``cpu``, the CPU time the process had used when its window was shown: on an idle machine the
wall-clock time to ``shown`` is close to it, on a busy one (other programs competing for the
processors) it is longer.

The median and the worst run are reported; the process exits as soon as the network is active.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, tempfile, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
from app.main_window import start

class FirstPaint(QObject):
    done = False
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not self.done:
            self.done = True
            print("shown", flush=True)
            print(f"cpu {time.process_time():.3f}", flush=True)
        return False

watcher = FirstPaint()
app.installEventFilter(watcher)
settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
window = start(app, settings)  # what python main.py does
def poll():
    if window.ready and not getattr(poll, "said", False):
        poll.said = True
        print("tabs", flush=True)
    if window.state is not None and window.state.network is not None:
        print("network", flush=True)
        app.quit()
timer = QTimer()
timer.timeout.connect(poll)
timer.start(5)
QTimer.singleShot(30000, app.quit)
app.exec()
"""


def one_run() -> dict:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    marks = {}
    for line in proc.stdout:
        word, *value = line.split()
        marks[word] = float(value[0]) if value else time.perf_counter() - t0
    proc.wait()
    return marks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    runs = [one_run() for _ in range(args.runs)]
    result = {"runs": runs, "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None}
    for key in ("shown", "cpu", "tabs", "network"):
        values = [r[key] for r in runs if key in r]
        if len(values) < len(runs):
            print(f"{key}: missing in {len(runs) - len(values)} run(s)")
        if values:
            result[key] = {"median_s": statistics.median(values), "max_s": max(values)}
            print(f"{key:8s} median {statistics.median(values):.2f} s   worst {max(values):.2f} s   "
                  f"({', '.join(f'{v:.2f}' for v in values)})")
    print(f"load average {result['load_average_1min']:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    ok = "shown" in result and result["shown"]["max_s"] < 2.0
    print(("PASS" if ok else "FAIL") + ": window shown within 2 s in every run" if ok else
          "FAIL: the window took 2 s or more in some run")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
