"""Robustness to pen style: accuracy on the 10,000 MNIST test images redrawn bold, soft, thin and bold-soft
(``core.stroke_styles``), for any network files next to the bundled default network.

    python -m benchmarks.bench_robustness                     # the bundled default network
    python -m benchmarks.bench_robustness new.npz [more.npz]  # these, next to the bundled one
    python -m benchmarks.bench_robustness new.npz --limit 2000 --json table.json

Issue 16's targets: plain ≥ 99.4 %, every other style ≥ 97 %.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core import stroke_styles
from core.data import load_mnist
from core.io import load_network
from core.models import default_model_path

TARGETS = {"plain": 0.994, **{s: 0.97 for s in stroke_styles.STYLES if s != "plain"}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="network files (.npz) to measure beside the bundled one")
    parser.add_argument("--limit", type=int, help="only the first N test images (default: all 10,000)")
    parser.add_argument("--json", help="write the table to this file")
    args = parser.parse_args(argv)
    test = load_mnist().test.take(args.limit)
    paths = [default_model_path()] + [Path(p) for p in args.models if Path(p).resolve() != default_model_path()]
    names = ["bundled" if p == default_model_path() else p.name for p in paths]
    table = {name: stroke_styles.accuracies(load_network(path), test.images, test.labels)
             for name, path in zip(names, paths)}
    width = max(len(d) for d, _ in stroke_styles.STYLES.values())
    print(f"{f'{len(test):,} test images, transformed by':{width}s} | " + " | ".join(f"{n:>12s}" for n in names)
          + " | target")
    for style, (description, _) in stroke_styles.STYLES.items():
        cells = " | ".join(f"{table[n][style]:12.2%}" for n in names)
        print(f"{description:{width}s} | {cells} | ≥ {TARGETS[style]:.1%}")
    if args.json:
        Path(args.json).write_text(json.dumps({"images": len(test), "accuracy": table}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
