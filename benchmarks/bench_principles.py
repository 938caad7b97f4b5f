"""Principles tab: how long each page takes to redraw after an edit (target: one frame, < 16 ms).

    python -m benchmarks.bench_principles [--repeats 40] [--size 1280x740] [--json out.json]

The real tab (offscreen, at ``--size``) receives the edits a user makes: a slider moved, a weight
typed, a step taken, a new sample drawn. Each timed sample is the edit itself (the handler that
recomputes the numbers with core and feeds the plots) plus the event processing that follows, in which
Qt lays out what changed size and repaints what changed into the window's backing store, until the
event loop is idle again (``--full-repaint`` repaints the whole page as well, an upper bound). The
figures are median and p95 per edit, as wall-clock time and as the CPU time of the process (which does
not grow when other programs compete for the processors: on a busy shared machine read that one); the
acceptance figure is the worst p95.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402


def edits(tab):
    """(page index, name, edit(i)) for the edits of every page; ``i`` counts the repeats."""
    descent, backprop, slowdown = tab.page(0), tab.page(1), tab.page(2)
    softmax, initialisation, overfitting = tab.page(3), tab.page(4), tab.page(5)

    def place(i):
        descent.place([np.cos(i), np.sin(i)])
        descent.step()

    def stochastic(i):
        if descent.surface_name != "regression":
            descent.set_surface("regression")
        descent.m.setValue(1 + i % 40)

    def weight(i):
        backprop.go(len(backprop.steps) - 1)
        backprop.weight_value.setValue(-1 + 0.05 * (i % 40))

    return [
        (0, "descent: η slider", lambda i: descent.eta.setValue(0.05 + 0.02 * (i % 50))),
        (0, "descent: click to place, step", place),
        (0, "descent: mini-batch m slider", stochastic),
        (1, "backprop: type a weight (all steps shown)", weight),
        (1, "backprop: next step", lambda i: backprop.go(i % len(backprop.steps))),
        (1, "backprop: Check", lambda i: backprop.check()),
        (1, "backprop: one step of gradient descent", lambda i: backprop.descend()),
        (2, "slowdown: η slider (both runs again)", lambda i: slowdown.eta.setValue(0.05 + 0.01 * (i % 50))),
        (2, "slowdown: animation frame", lambda i: slowdown.show_epoch(i % 300)),
        (3, "softmax: z slider", lambda i: softmax.z[i % 4].setValue(-5 + 0.25 * (i % 40))),
        (4, "initialisation: n_in slider", lambda i: initialisation.n_in.setValue(10 + 50 * (i % 40))),
        (5, "overfitting: degree slider", lambda i: overfitting.degree.setValue(i % 10)),
        (5, "overfitting: new points", lambda i: overfitting.resample(i)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--size", default="1280x740", help="the tab's size, WxH")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--full-repaint", action="store_true", help="repaint the whole page after each edit")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.principles.tab import PrinciplesTab
    from app.theme.palette import apply_palette

    apply_palette(app)
    tab = PrinciplesTab()
    tab.resize(width, height)
    tab.show()
    results = {}
    print(f"{'edit':46s} {'wall median':>11s} {'p95':>6s} {'CPU median':>11s} {'p95':>6s}  "
          f"(ms, {args.repeats} edits each, {width}×{height})")
    for index, name, edit in edits(tab):
        tab.show_section(index)
        page = tab.page(index)
        for _ in range(3):
            app.processEvents()
        wall, cpu = [], []
        for i in range(args.repeats + 3):
            start, start_cpu = time.perf_counter(), time.process_time()
            edit(i)
            app.processEvents()
            app.processEvents()  # events the first round posted (layout requests, repaints)
            if args.full_repaint:
                page.repaint()
            if i >= 3:  # the first few warm caches up
                wall.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
        figures = {"wall_median_ms": float(np.median(wall)), "wall_p95_ms": float(np.percentile(wall, 95)),
                   "cpu_median_ms": float(np.median(cpu)), "cpu_p95_ms": float(np.percentile(cpu, 95))}
        results[name] = figures
        print(f"{name:46s} {figures['wall_median_ms']:11.2f} {figures['wall_p95_ms']:6.2f} "
              f"{figures['cpu_median_ms']:11.2f} {figures['cpu_p95_ms']:6.2f}")
    worst = max(r["wall_p95_ms"] for r in results.values())
    worst_cpu = max(r["cpu_p95_ms"] for r in results.values())
    print(f"worst p95: {worst:.2f} ms wall, {worst_cpu:.2f} ms CPU (target < 16 ms); "
          f"load average {os.getloadavg()[0]:.2f}")
    tab.shutdown()
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"size": [width, height], "repeats": args.repeats, "edits": results}, f, indent=1)
    return 0 if worst < 16 else 1


if __name__ == "__main__":
    sys.exit(main())
