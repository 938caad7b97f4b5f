"""Training speed, side by side in one run: the NumPy core, a per-example implementation of chapter
1's algorithm, and PyTorch on the CPU (when the ``bench`` extra is installed).

    python -m benchmarks.bench_core                 # ch1 and ch3 (MLPs), 50,000 images a epoch
    python -m benchmarks.bench_core --conv          # also ch6-conv1 and ch6-relu
    python -m benchmarks.bench_core --images 10000  # shorter epochs, extrapolated to 50,000

Every implementation trains the same network with the same mini-batch (10) for ``--rounds`` epochs,
interleaved, and the fastest epoch of each counts (the least disturbed by other work on the machine).
Only training is timed, not evaluation. Ratios are "other / ours" (higher is better for us).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time

import numpy as np

from benchmarks import per_example, torch_reference
from core import presets
from core.data import MNIST, Split, load_mnist
from core.training import EpochDone, TrainConfig, Trainer


def ours(name: str, data: MNIST, images: int, seed: int = 0):
    preset = presets.get(name)
    net = preset.build(seed)
    config = preset.with_config(epochs=1, train_size=images, monitor_training=False, seed=seed)
    small = MNIST(data.train, Split(data.validation.images[:0], data.validation.labels[:0]), data.test)
    epoch = next(e for e in Trainer(net, small, config).run() if isinstance(e, EpochDone))
    return epoch.seconds, epoch.test_accuracy


def bench(names: list[str], data: MNIST, images: int, rounds: int, threads: int) -> dict:
    x, y = data.train.images[:images], data.train.labels[:images]
    results = {}
    for name in names:
        times: dict[str, list[float]] = {"numpy (ours)": []}
        accuracy = None
        for r in range(rounds):
            seconds, accuracy = ours(name, data, images, seed=r)
            times["numpy (ours)"].append(seconds)
            if name == "ch1":
                seconds, _ = per_example.train_epoch(x, y, seed=r)
                times.setdefault("per-example, float32", []).append(seconds)
                seconds, _ = per_example.train_epoch(x, y, seed=r, dtype=np.float64)
                times.setdefault("per-example, float64 (the book's)", []).append(seconds)
            if torch_reference.available():
                seconds, _ = torch_reference.train_epoch(name, x, y, threads=threads, seed=r)
                times.setdefault(f"PyTorch CPU ({threads} threads)", []).append(seconds)
            print(f"  {name} round {r + 1}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()),
                  file=sys.stderr, flush=True)
        scale = 50_000 / images
        best = {k: min(v) * scale for k, v in times.items()}
        mine = best["numpy (ours)"]
        results[name] = {"seconds_per_epoch": best, "ratio_vs_ours": {k: v / mine for k, v in best.items()},
                         "test_accuracy_after_one_epoch": accuracy, "images": images}
    return results


def report(results: dict) -> str:
    lines = [f"{'network':<11} {'implementation':<32} {'s / epoch':>10} {'× ours':>8}"]
    for name, r in results.items():
        for impl, seconds in r["seconds_per_epoch"].items():
            lines.append(f"{name:<11} {impl:<32} {seconds:>10.2f} {r['ratio_vs_ours'][impl]:>8.2f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conv", action="store_true", help="also benchmark ch6-conv1 and ch6-relu")
    parser.add_argument("--only", nargs="+", help="benchmark just these presets")
    parser.add_argument("--images", type=int, default=50_000, help="training images per epoch (default 50,000)")
    parser.add_argument("--rounds", type=int, default=3, help="epochs per implementation; the fastest counts")
    parser.add_argument("--torch-threads", type=int, default=2)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args(argv)
    names = args.only or (["ch1", "ch3"] + (["ch6-conv1", "ch6-relu"] if args.conv else []))
    data = load_mnist()
    if not torch_reference.available():
        print("PyTorch is not installed (pip install -e '.[bench]'): comparing without it", file=sys.stderr)
    started = time.time()
    results = bench(names, data, args.images, args.rounds, args.torch_threads)
    print(report(results))
    meta = {"machine": platform.processor() or platform.machine(), "python": platform.python_version(),
            "numpy": np.__version__, "torch": getattr(torch_reference.torch, "__version__", None),
            "wall_seconds": round(time.time() - started, 1)}
    print(json.dumps(meta))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
