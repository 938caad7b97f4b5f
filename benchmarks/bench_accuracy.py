"""Accuracy runs: the book's presets trained in full, next to the figure the book reports.

    python -m benchmarks.bench_accuracy                       # chapters 1, 3 and 5 (about 10 minutes)
    python -m benchmarks.bench_accuracy ch1 --seeds 0 1 2 3 4 # one preset over several seeds
    python -m benchmarks.bench_accuracy ch6-conv1 --epochs 20 # shorter than the book's run

Each run trains exactly as ``nndl train --preset NAME --seed S`` does. It prints, per run, the epoch
of best validation accuracy, that epoch's validation and test accuracy (the figure we report, as the
book does for chapter 6) and the final epoch's; per preset, the mean over the seeds and the book's
figure on the split the book reports. ``--json PATH`` keeps everything.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from core import presets
from core.data import load_mnist
from core.training import EpochDone, Finished, Trainer

DEFAULT = ["ch1", "ch1-100", "ch3", "ch3-100", "ch3-best", "ch3-overfit", "ch3-overfit-l2",
           "ch5-deep-2", "ch5-deep-3", "ch5-deep-4"]


def run(name: str, seed: int, data, epochs: int | None) -> dict:
    preset = presets.get(name)
    config = preset.with_config(seed=seed, **({"epochs": epochs} if epochs else {}))
    trainer = Trainer(preset.build(seed), data, config)
    start, last, finished = time.perf_counter(), None, None
    for event in trainer.run():
        if isinstance(event, EpochDone):
            last = event
        elif isinstance(event, Finished):
            finished = event
    if finished is None or last is None:
        raise RuntimeError(f"{name} (seed {seed}) did not finish")
    return {"preset": name, "seed": seed, "epochs": last.epoch, "seconds": time.perf_counter() - start,
            "best_epoch": finished.best_epoch, "best_validation": finished.best_validation_accuracy,
            "test_at_best": finished.test_accuracy_at_best, "final_validation": last.validation_accuracy,
            "final_test": last.test_accuracy}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", default=DEFAULT)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--epochs", type=int, help="override the preset's number of epochs")
    parser.add_argument("--json", help="write every run's figures to this file")
    args = parser.parse_args(argv)
    data = load_mnist()
    results = []
    print(f"{'preset':15s} {'seed':>4s} {'best ep':>7s} {'valid':>7s} {'test':>7s} {'final test':>10s} "
          f"{'seconds':>8s}")
    for name in args.presets:
        runs = []
        for seed in args.seeds:
            r = run(name, seed, data, args.epochs)
            runs.append(r)
            print(f"{name:15s} {seed:4d} {r['best_epoch']:7d} {r['best_validation']:7.2%} {r['test_at_best']:7.2%} "
                  f"{r['final_test']:10.2%} {r['seconds']:8.0f}", flush=True)
        book = presets.get(name).book
        ours = statistics.mean(r["best_validation" if book.split == "validation" else "test_at_best"] for r in runs)
        print(f"{name:15s} mean of {len(runs)}: {ours:.2%} {book.split} at the best-validation epoch; "
              f"book {book.accuracy:.2%} {book.split}", flush=True)
        results.extend(runs)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
