"""The ``nndl`` command line: train the book's networks, evaluate saved ones, list presets.

    nndl train --preset ch1 [--epochs N] [--train-size N] [--seed S] [--save PATH] [--json PATH]
    nndl train --layers 784,30,10 --activation sigmoid --cost quadratic --eta 3.0 --batch 10
    nndl eval MODEL [--json PATH]
    nndl ensemble MODEL MODEL ...
    nndl presets

Exit status 0 on success, 2 on bad usage or bad input (one line on stderr, no traceback),
130 when interrupted (a run interrupted with --save still saves what it has learned).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core import __version__, augment, initializers, presets
from core.activations import ACTIVATIONS
from core.costs import COSTS
from core.data import DataError, load_mnist
from core.io import ModelFileError, load_network, save_network
from core.network import Network
from core.training import BatchDone, Diverged, EpochDone, Finished, TrainConfig, Trainer


class UsageError(Exception):
    """Bad usage or bad input: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of argparse's usage block
        raise UsageError(message)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _sizes(text: str) -> list[int]:
    parts = [p.strip() for p in text.replace("-", ",").split(",")]
    try:
        sizes = [int(p) for p in parts]
    except ValueError:
        bad = next(p for p in parts if not p.lstrip("+").isdigit())
        raise argparse.ArgumentTypeError(f"layer size {bad!r} in {text!r} is not a whole number") from None
    if len(sizes) < 2 or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} needs at least two positive sizes, like 784,30,10")
    return sizes


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="nndl", description="Neural Networks and Deep Learning, in NumPy.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    t = sub.add_parser("train", help="train a preset or a custom network")
    t.add_argument("--preset", help="a book network by name (see `nndl presets`)")
    t.add_argument("--layers", type=_sizes, help="custom fully connected sizes, e.g. 784,30,10")
    t.add_argument("--activation", choices=[a for a in ACTIVATIONS if a != "softmax"], help="hidden activation")
    t.add_argument("--output-activation", choices=list(ACTIVATIONS), help="output activation (default: as hidden)")
    t.add_argument("--cost", choices=list(COSTS))
    t.add_argument("--init", choices=initializers.INITIALIZERS)
    t.add_argument("--dropout", type=_number, help="dropout probability on hidden layers (custom nets)")
    t.add_argument("--eta", type=_number, help="learning rate η")
    t.add_argument("--lmbda", type=_number, help="regularisation parameter λ")
    t.add_argument("--regularization", choices=("l2", "l1"))
    t.add_argument("--momentum", type=_number, help="momentum coefficient μ in [0, 1)")
    t.add_argument("--batch", type=_positive_int, help="mini-batch size")
    t.add_argument("--epochs", type=_positive_int)
    t.add_argument("--train-size", type=_positive_int, help="use only the first N training images")
    t.add_argument("--expand", action="store_true", help="train on the 250,000 shifted images (chapter 6)")
    t.add_argument("--augment", choices=augment.AUGMENTATIONS, help="random distortions of each mini-batch")
    t.add_argument("--eta-patience", type=_positive_int, help="halve η after N epochs without improvement")
    t.add_argument("--early-stopping", type=_positive_int, help="stop after N epochs without improvement")
    t.add_argument("--seed", type=int, default=None, help="seed for the initial weights and the shuffling")
    t.add_argument("--data", help="a folder with the four MNIST IDX files (default: the bundled copy)")
    t.add_argument("--save", help="save the network of the best validation epoch to this .npz file")
    t.add_argument("--save-last", action="store_true", help="with --save: save the last epoch's network instead")
    t.add_argument("--json", help="write the run's config and per-epoch metrics to this file")
    t.add_argument("--quiet", action="store_true", help="no progress bar")

    e = sub.add_parser("eval", help="accuracy of a saved network on the validation and test images")
    e.add_argument("model")
    e.add_argument("--data")
    e.add_argument("--json")

    en = sub.add_parser("ensemble", help="majority vote of several saved networks (chapter 6)")
    en.add_argument("models", nargs="+")
    en.add_argument("--data")
    en.add_argument("--json")

    sub.add_parser("presets", help="list the book's networks")
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return {"train": cmd_train, "eval": cmd_eval, "ensemble": cmd_ensemble, "presets": cmd_presets}[args.command](args)
    except (UsageError, ValueError, KeyError, DataError, ModelFileError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"nndl: error: {message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"nndl: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nndl: interrupted", file=sys.stderr)
        return 130


# --- train -----------------------------------------------------------------------------------------

def _config_and_network(args) -> tuple[str | None, Network, TrainConfig]:
    custom = {k: getattr(args, k) for k in ("layers", "activation", "output_activation", "cost", "init", "dropout")}
    overrides = {
        "eta": args.eta, "lmbda": args.lmbda, "regularization": args.regularization, "momentum": args.momentum,
        "mini_batch_size": args.batch, "epochs": args.epochs, "train_size": args.train_size,
        "augment": args.augment, "eta_patience": args.eta_patience, "early_stopping": args.early_stopping,
        "seed": args.seed,
    }
    overrides = {k: v for k, v in overrides.items() if v is not None}
    if args.expand:
        overrides["expand"] = True
    seed = args.seed or 0
    if args.preset:
        given = [f"--{k.replace('_', '-')}" for k, v in custom.items() if v is not None]
        if given:
            raise UsageError(f"{', '.join(given)} cannot be combined with --preset (it fixes the network)")
        preset = presets.get(args.preset)
        return preset.name, preset.build(seed), replace(preset.config, **overrides)
    if args.layers is None:
        raise UsageError("give --preset NAME or --layers SIZES (e.g. --layers 784,30,10)")
    if args.layers[0] != 784:
        raise UsageError(f"the first layer must have 784 inputs (28×28 pixels), not {args.layers[0]}")
    if args.layers[-1] != 10:
        raise UsageError(f"the last layer must have 10 outputs (one per digit), not {args.layers[-1]}")
    net = Network.mlp(args.layers, activation=args.activation or "sigmoid",
                      output_activation=args.output_activation, cost=args.cost or "cross-entropy",
                      init=args.init or "default", dropout=args.dropout or 0.0, seed=seed)
    defaults = {"eta": 0.5 if (args.cost or "cross-entropy") != "quadratic" else 3.0}
    return None, net, TrainConfig(**{**defaults, **overrides})


def cmd_train(args) -> int:
    preset_name, net, config = _config_and_network(args)
    if args.save:
        _check_writable(args.save)
    if args.json:
        _check_writable(args.json)
    data = load_mnist(args.data)
    trainer = Trainer(net, data, config)
    print(f"Training {preset_name or 'custom network'}: {net.describe()}, η = {config.eta:g}, "
          f"λ = {config.lmbda:g}, mini-batch {config.mini_batch_size}, {config.epochs} epochs, "
          f"{trainer.n:,} training images", flush=True)
    epochs: list[dict] = []
    finish: dict = {}
    bar = None
    status = 0
    try:
        for event in trainer.run():
            if isinstance(event, BatchDone):
                if bar is None:
                    bar = tqdm(total=event.batches, desc=f"Epoch {event.epoch}", unit="batch", leave=False,
                               disable=True if args.quiet else None, mininterval=0.2, file=sys.stderr)
                if event.batch % 50 == 0 or event.batch == event.batches:
                    bar.update(event.batch - bar.n)
                    bar.set_postfix_str(f"cost {event.cost:.4f}", refresh=False)
            elif isinstance(event, EpochDone):
                if bar is not None:
                    bar.close()
                    bar = None
                print(_epoch_line(event), flush=True)
                epochs.append(event.to_dict())
            elif isinstance(event, Finished):
                finish = {"reason": event.reason, "best_epoch": event.best_epoch,
                          "best_validation_accuracy": event.best_validation_accuracy,
                          "test_accuracy_at_best": event.test_accuracy_at_best}
                best = f"; best validation {event.best_validation_accuracy:.2%} at epoch {event.best_epoch} " \
                       f"(test {event.test_accuracy_at_best:.2%})" if event.best_epoch else ""
                print(f"Finished ({event.reason}){best}")
            elif isinstance(event, Diverged):
                finish = {"reason": "diverged", "message": event.message}
                print(f"nndl: diverged: {event.message}", file=sys.stderr)
                status = 2
    except KeyboardInterrupt:
        finish = {"reason": "interrupted"}
        status = 130
        print("\nnndl: interrupted", file=sys.stderr)
    finally:
        if bar is not None:
            bar.close()
    kept = epochs[-1] if epochs else {}
    if args.save and epochs and not args.save_last:
        best = trainer.restore_best()  # the epoch the book reports, and what early stopping keeps
        kept = best.to_dict() if best is not None else kept
    info = {"preset": preset_name, "config": config.to_dict(), "finished": finish,
            "metrics": {k: kept.get(k) for k in ("epoch", "training_cost", "training_accuracy",
                                                  "validation_accuracy", "test_accuracy")},
            "training_seconds": round(sum(e["seconds"] + e["eval_seconds"] for e in epochs), 1)}
    if args.save and epochs:
        save_network(net, args.save, info)
        print(f"Saved the network of epoch {kept.get('epoch')} to {args.save}")
    if args.json:
        _write_json(args.json, {"preset": preset_name, "config": config.to_dict(), "network": net.spec(),
                                "epochs": epochs, "finished": finish})
    return status


def _epoch_line(e: EpochDone) -> str:
    parts = [f"Epoch {e.epoch}/{e.epochs}:"]
    if e.training_cost is not None:
        parts.append(f"cost {e.training_cost:.4f},")
    if e.validation_accuracy is not None:
        parts.append(f"validation {e.validation_accuracy:.2%},")
    if e.test_accuracy is not None:
        parts.append(f"test {e.test_accuracy:.2%},")
    parts.append(f"{e.seconds:.2f} s")
    return " ".join(parts)


# --- eval, ensemble, presets -------------------------------------------------------------------------

def _fits(net: Network, model: str) -> None:
    if int(np.prod(net.input_shape)) != 784 or net.output_shape != (10,):
        raise UsageError(f"{model}: this network takes {'×'.join(map(str, net.input_shape))} inputs and gives "
                         f"{net.output_shape[0]} outputs; MNIST needs 28×28 inputs and 10 outputs")


def cmd_eval(args) -> int:
    net = load_network(args.model)
    _fits(net, args.model)
    data = load_mnist(args.data)
    result = {"model": args.model, "network": net.describe(),
              "validation_accuracy": net.accuracy(data.validation.images, data.validation.labels),
              "test_accuracy": net.accuracy(data.test.images, data.test.labels)}
    print(f"{args.model}: {result['network']}")
    print(f"validation accuracy {result['validation_accuracy']:.2%}, test accuracy {result['test_accuracy']:.2%}")
    if args.json:
        _write_json(args.json, result)
    return 0


def cmd_ensemble(args) -> int:
    nets = [load_network(m) for m in args.models]
    for net, model in zip(nets, args.models):
        _fits(net, model)
    data = load_mnist(args.data)
    result = {"models": args.models}
    for split in ("validation", "test"):
        s = getattr(data, split)
        votes = np.stack([net.predict(s.images) for net in nets])  # (models, n)
        result[f"{split}_accuracy"] = float(np.mean(majority_vote(votes) == s.labels))
        result[f"{split}_accuracy_each"] = [float(np.mean(v == s.labels)) for v in votes]
    for model, acc in zip(args.models, result["test_accuracy_each"]):
        print(f"{model}: test accuracy {acc:.2%}")
    print(f"ensemble of {len(nets)}: validation accuracy {result['validation_accuracy']:.2%}, "
          f"test accuracy {result['test_accuracy']:.2%}")
    if args.json:
        _write_json(args.json, result)
    return 0


def majority_vote(votes: np.ndarray) -> np.ndarray:
    """The most common prediction per column of ``votes`` (models, n); ties go to the first model's
    choice among the tied digits (the book's ensemble simply takes the plurality)."""
    counts = np.zeros((votes.shape[1], 10), np.int64)
    for v in votes:
        counts[np.arange(votes.shape[1]), v] += 1
    best = counts.max(axis=1, keepdims=True)
    first_choice = counts[np.arange(votes.shape[1]), votes[0]] == best[:, 0]
    return np.where(first_choice, votes[0], counts.argmax(axis=1))


def cmd_presets(args) -> int:
    rows = [(p.name, p.title, str(p.book)) for p in presets.all_presets()]
    width = max(len(r[0]) for r in rows)
    title_width = max(len(r[1]) for r in rows)
    for name, title, book in rows:
        print(f"{name:<{width}}  {title:<{title_width}}  book: {book}")
    return 0


# --- files -----------------------------------------------------------------------------------------

def _check_writable(path: str) -> None:
    """Fail before a long run, not after it, when the output cannot be written."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise UsageError(f"{path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"{path}: folder {folder} is not writable")


def _write_json(path: str, payload: dict) -> None:
    folder = Path(path).resolve().parent
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".nndl-", suffix=".json.tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(payload, f, indent=2, default=lambda v: v.item() if isinstance(v, np.generic) else str(v))
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
