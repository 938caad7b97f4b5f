"""Draw tab latency: from a mouse-move event on the canvas to the updated prediction on screen.

    python -m benchmarks.bench_draw_latency                   # the default network (CNN), else ch1
    python -m benchmarks.bench_draw_latency --model ch1       # a bundled network by key, or a file
    python -m benchmarks.bench_draw_latency --moves 600 --json out.json

The real Draw tab (1280×780, offscreen) receives real QMouseEvents drawing digit-like strokes. Each
timed sample is one move event sent to the canvas plus the event processing that follows it, until
the event loop is idle again: the stroke segment, ``canvas_to_mnist`` and the naive downscale, one
forward pass for both images, the bars, labels and images redrawn (painted into the window's backing
store). Moves are spaced a little more than the throttle interval apart, so every timed move
updates the prediction.

Three figures:

- ``prediction``: the move → prediction path alone (the inside-the-network refresh held back);
- ``inside``: one refresh of the slower views (explain: forward + backward pass, saliency,
  activation and feature-map mosaics) with its repaint;
- ``any move``: every move with everything that happens after it, including the inside refresh
  whenever its own throttle (every ``SLOW_MS``) lets it run: what a user feels.

Each is given as wall-clock time (what the user sees) and as the CPU time the process spent (all its
threads), which does not grow when other programs compete for the processors. The acceptance figure
is the ``prediction`` wall-clock p95: under 16 ms (one frame at 60 Hz), on an otherwise idle machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402


def digit_strokes(rng: np.random.Generator, size: int = 280) -> list[list[tuple[float, float]]]:
    """A few hand-like strokes: a 2, a 3, a 7 and a 0, with a little jitter, 4 px between samples
    (a mouse sampled at 125 Hz moving at 500 px/s)."""
    def path(xs, ys):
        pts = np.stack([xs, ys], axis=1) * size
        seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
        t = np.concatenate([[0], np.cumsum(seg)])
        s = np.arange(0, t[-1], 4.0)
        out = np.stack([np.interp(s, t, pts[:, 0]), np.interp(s, t, pts[:, 1])], axis=1)
        return [tuple(p) for p in out + rng.normal(0, 0.6, out.shape)]

    u = np.linspace(0, 1, 60)
    two = path(np.concatenate([0.3 + 0.4 * np.sin(np.pi * u[:30]), 0.7 - 0.4 * u[30:], 0.3 + 0.4 * u[:30]]),
               np.concatenate([0.35 - 0.15 * np.cos(np.pi * u[:30]), 0.5 + 0.3 * u[30:] * 1, np.full(30, 0.8)]))
    three = path(0.5 + 0.2 * np.sin(np.linspace(-2.5, 2.5, 80)) * np.sign(np.sin(np.linspace(0.1, 6.2, 80))),
                 np.linspace(0.2, 0.8, 80))
    seven = path(np.array([0.3, 0.7, 0.45]), np.array([0.2, 0.2, 0.8]))
    theta = np.linspace(0, 2 * np.pi, 80)
    zero = path(0.5 + 0.18 * np.sin(theta), 0.5 - 0.3 * np.cos(theta))
    return [two, three, seven, zero]


def percentiles(samples: list[float]) -> dict:
    a = np.array(samples) * 1000
    return {"n": int(a.size), "p50_ms": float(np.percentile(a, 50)), "p95_ms": float(np.percentile(a, 95)),
            "max_ms": float(a.max()), "mean_ms": float(a.mean())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="default",
                        help="a bundled network's key (default, ch1) or a network file (default: the default "
                             "CNN, else ch1 when it is not installed)")
    parser.add_argument("--moves", type=int, default=400, help="timed moves for each figure")
    parser.add_argument("--json", help="write the results here")
    args = parser.parse_args(argv)

    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette
    from app.draw import tab as draw_tab
    from app.state import AppState
    from core.io import load_network
    from core.models import BUNDLED

    if args.model in BUNDLED:
        path = BUNDLED[args.model].path
        if not path.is_file() and args.model == "default":
            print(f"{path.name} is not installed: using the chapter 1 MLP", file=sys.stderr)
            path = BUNDLED["ch1"].path
    else:
        path = Path(args.model)
    net = load_network(path)

    apply_palette(app)
    state = AppState()
    state.set_network(net, path.stem, path)
    tab = draw_tab.DrawTab(state)
    tab.resize(1280, 780)
    tab.show()
    canvas = tab.canvas
    for _ in range(10):
        app.processEvents()

    def send(kind, point, button, buttons):
        pos = canvas.to_widget(QPointF(*point))
        app.sendEvent(canvas, QMouseEvent(kind, pos, canvas.mapToGlobal(pos), button, buttons,
                                          Qt.KeyboardModifier.NoModifier))

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    spacing = draw_tab.FAST_MS / 1000 + 0.002
    rng = np.random.default_rng(0)

    def run(n_moves: int, hold_inside: bool, cpu: list[float] | None = None) -> list[float]:
        times: list[float] = []
        original = tab.slow.request
        if hold_inside:
            tab.slow.request = lambda: None
        try:
            while len(times) < n_moves:
                for points in digit_strokes(rng):
                    canvas.clear()
                    app.processEvents()
                    send(QMouseEvent.Type.MouseButtonPress, points[0], left, left)
                    app.processEvents()
                    for p in points[1:]:
                        time.sleep(spacing)  # (a benchmark may sleep: the next move comes later)
                        c0, t0 = time.process_time(), time.perf_counter()
                        send(QMouseEvent.Type.MouseMove, p, none, left)
                        app.processEvents()  # the refresh and the repaint it asked for
                        times.append(time.perf_counter() - t0)
                        if cpu is not None:
                            cpu.append(time.process_time() - c0)
                    send(QMouseEvent.Type.MouseButtonRelease, points[-1], left, none)
                    app.processEvents()
        finally:
            tab.slow.request = original
        return times[:n_moves]

    run(40, hold_inside=False)  # warm-up: first calls allocate, caches fill
    prediction_cpu: list[float] = []
    prediction = run(args.moves, hold_inside=True, cpu=prediction_cpu)
    checked = tab.prediction is not None and tab.output is not None
    inside: list[float] = []
    inside_cpu: list[float] = []
    for _ in range(min(args.moves, 150)):
        c0, t0 = time.process_time(), time.perf_counter()
        tab.refresh_inside()
        app.processEvents()
        inside.append(time.perf_counter() - t0)
        inside_cpu.append(time.process_time() - c0)
    any_cpu: list[float] = []
    any_move = run(args.moves, hold_inside=False, cpu=any_cpu)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    result = {
        "network": f"{path.name}: {net.describe()}",
        "machine": f"{platform.machine()} {platform.processor() or ''}, {os.cpu_count()} cpus, Python "
                   f"{platform.python_version()}, {platform.system()}",
        "fast_ms_throttle": draw_tab.FAST_MS, "slow_ms_throttle": draw_tab.SLOW_MS,
        "load_average_1min": load,
        "prediction": percentiles(prediction), "prediction_cpu": percentiles(prediction_cpu),
        "inside": percentiles(inside), "inside_cpu": percentiles(inside_cpu),
        "any_move": percentiles(any_move), "any_move_cpu": percentiles(any_cpu),
        "prediction_shown": checked,
    }
    print(f"network: {result['network']}")
    print(f"machine: {result['machine']}; load average {load:.1f} (other work competing for the CPUs "
          "stretches wall-clock times; CPU time is what this process itself spent)")
    for key, title in (("prediction", "move → prediction (preprocess + forward + redraw)"),
                       ("inside", "inside-the-network refresh (explain + mosaics + repaint)"),
                       ("any_move", "any move, everything included")):
        r, c = result[key], result[key + "_cpu"]
        print(f"{title:58s} n={r['n']:4d}  wall p50 {r['p50_ms']:6.2f} p95 {r['p95_ms']:6.2f} "
              f"max {r['max_ms']:6.2f} ms | CPU p50 {c['p50_ms']:6.2f} p95 {c['p95_ms']:6.2f} ms")
    verdict = "PASS" if result["prediction"]["p95_ms"] < 16 and checked else "FAIL"
    print(f"{verdict}: prediction p95 {result['prediction']['p95_ms']:.2f} ms (target < 16 ms)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    tab.close()
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
