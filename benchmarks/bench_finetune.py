"""Fine-tuning speed and forgetting: 200 digits in one person's style, 5 epochs with the MNIST mix.

    python -m benchmarks.bench_finetune                    # the bundled default network
    python -m benchmarks.bench_finetune net.npz --digits 200 --epochs 5

The "person" is ``core.stroke_styles.slanted_felt_pen`` applied to MNIST test digits: it learns from
the first ``--digits`` of them and is judged on 1,000 others; the MNIST test accuracy is measured on
all 10,000 test images before and after. Issue 16's standard: under 30 s on the 2-core machine with the
default CNN, and the MNIST test accuracy within 0.5 points of the network's own.
"""
from __future__ import annotations

import argparse
import sys
import time

from core.data import load_mnist
from core.finetune import fine_tune
from core.io import load_network
from core.models import default_model_path
from core.stroke_styles import slanted_felt_pen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", nargs="?", default=str(default_model_path()))
    parser.add_argument("--digits", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    data = load_mnist()
    net = load_network(args.model)
    n = args.digits
    images, labels = slanted_felt_pen(data.test.images[:n]), data.test.labels[:n]
    held = slanted_felt_pen(data.test.images[-1000:]), data.test.labels[-1000:]
    start = time.perf_counter()
    tuned = fine_tune(net, images, labels, epochs=args.epochs, seed=args.seed, mnist=data)
    seconds = time.perf_counter() - start
    test = data.test.images, data.test.labels
    before, after = net.accuracy(*test), tuned.accuracy(*test)
    print(f"fine-tuning {n} digits for {args.epochs} epochs ({tuned.info['fine_tuned']['mnist_digits']} MNIST "
          f"digits mixed in): {seconds:.1f} s")
    print(f"MNIST test accuracy (10,000): {before:.2%} -> {after:.2%} ({(after - before) * 100:+.2f} points)")
    print(f"the person's other digits (1,000): {net.accuracy(*held):.2%} -> {tuned.accuracy(*held):.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
