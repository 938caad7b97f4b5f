"""The book's networks by name, each with its hyper-parameters and the accuracy the book reports.

``get("ch1").build(seed=0)`` gives a fresh, initialised network; ``preset.config`` is its
:class:`TrainConfig`. The CLI (``nndl train --preset ch1``) and the Train tab use the same names.
The fully connected networks of chapters 1, 3 and 5 are defined here, chapter 6's convolutional ones
in ``core.presets_cnn``; :data:`PRESETS` holds them all, in that order.
"""
from __future__ import annotations

from typing import Callable

from core import presets_cnn
from core.layers import Dense, Layer
from core.preset import BookFigure, Preset
from core.training import TrainConfig

def mlp_layers(sizes: list[int], activation: str = "sigmoid") -> Callable[[], list[Layer]]:
    """Layers for the book's fully connected ``Network(sizes)`` (the input size is ``sizes[0]``)."""
    return lambda: [Dense(n, activation) for n in sizes[1:]]


_MLPS: list[Preset] = []  # in the order the book meets them


def _mlp(name, title, chapter, sizes, cost, init, book, notes="", **config) -> Preset:
    preset = Preset(name, title, chapter, mlp_layers(sizes), cost, init, TrainConfig(**config), book, (sizes[0],),
                    notes)
    _MLPS.append(preset)
    return preset


# --- chapter 1: network.py ---------------------------------------------------------------------------
_mlp("ch1", "Chapter 1: 784-30-10, quadratic cost", 1, [784, 30, 10], "quadratic", "large",
     BookFigure(0.9542, "test", "chapter 1, best of 30 epochs"), epochs=30, mini_batch_size=10, eta=3.0,
     notes="The book's first network: sigmoid neurons, quadratic cost, N(0, 1) weights, plain SGD.")
_mlp("ch1-100", "Chapter 1: 784-100-10, quadratic cost", 1, [784, 100, 10], "quadratic", "large",
     BookFigure(0.9659, "test", "chapter 1, 100 hidden neurons"), epochs=30, mini_batch_size=10, eta=3.0)

# --- chapter 3: network2.py --------------------------------------------------------------------------
_mlp("ch3", "Chapter 3: cross-entropy + L2", 3, [784, 30, 10], "cross-entropy", "large",
     BookFigure(0.9649, "test", "chapter 3, regularisation, λ = 5.0"),
     epochs=30, mini_batch_size=10, eta=0.5, lmbda=5.0)
_mlp("ch3-100", "Chapter 3: 784-100-10, cross-entropy + L2", 3, [784, 100, 10], "cross-entropy", "large",
     BookFigure(0.9792, "validation", "chapter 3, 100 hidden neurons, λ = 5.0"),
     epochs=30, mini_batch_size=10, eta=0.5, lmbda=5.0)
_mlp("ch3-best", "Chapter 3: better weight initialisation", 3, [784, 100, 10], "cross-entropy", "default",
     BookFigure(0.9804, "validation", "chapter 3, weight initialisation, 60 epochs"),
     epochs=60, mini_batch_size=10, eta=0.1, lmbda=5.0,
     notes="Weights N(0, 1/n_in): the neurons start unsaturated and learn faster.")
_mlp("ch3-overfit", "Chapter 3: overfitting 1,000 images", 3, [784, 30, 10], "cross-entropy", "large",
     BookFigure(0.8227, "test", "chapter 3, overfitting, 400 epochs"),
     epochs=400, mini_batch_size=10, eta=0.5, train_size=1000,
     notes="Only the first 1,000 training images: the training cost keeps falling while test accuracy stalls.")
_mlp("ch3-overfit-l2", "Chapter 3: 1,000 images with L2", 3, [784, 30, 10], "cross-entropy", "large",
     BookFigure(0.871, "test", "chapter 3, regularisation, λ = 0.1"),
     epochs=400, mini_batch_size=10, eta=0.5, lmbda=0.1, train_size=1000)

# --- chapter 5: deeper networks ----------------------------------------------------------------------
for depth, acc in ((2, 0.9690), (3, 0.9657), (4, 0.9653)):
    _mlp(f"ch5-deep-{depth}", f"Chapter 5: {depth} hidden layers", 5, [784] + [30] * depth + [10],
         "cross-entropy", "default", BookFigure(acc, "validation", f"chapter 5, {depth} hidden layers of 30"),
         epochs=30, mini_batch_size=10, eta=0.1, lmbda=5.0,
         notes="Deeper is barely better: the early layers learn much more slowly (vanishing gradient).")


#: Every preset by name: the fully connected ones, then chapter 6's.
PRESETS: dict[str, Preset] = {p.name: p for p in (*_MLPS, *presets_cnn.PRESETS)}


def names() -> list[str]:
    return list(PRESETS)


def all_presets() -> list[Preset]:
    return list(PRESETS.values())


def get(name: str) -> Preset:
    try:
        return PRESETS[name]
    except KeyError:
        raise KeyError(f"unknown preset {name!r}: choose one of {', '.join(PRESETS)}") from None


__all__ = ["BookFigure", "Preset", "PRESETS", "get", "names", "all_presets", "mlp_layers"]
