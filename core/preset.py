"""What a preset is: one of the book's networks by name, with its hyper-parameters and the accuracy
the book reports. The presets themselves are in ``core.presets`` (chapters 1, 3 and 5) and
``core.presets_cnn`` (chapter 6); ``core.presets`` is where they are looked up by name.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

from core.layers import Layer
from core.network import Network
from core.training import TrainConfig


@dataclass(frozen=True)
class BookFigure:
    """What the book reports for the network: an accuracy (fraction) on a split, and where."""

    accuracy: float
    split: str  # "test" or "validation"
    where: str

    def __str__(self) -> str:
        return f"{self.accuracy:.2%} {self.split} ({self.where})"


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    chapter: int
    make_layers: Callable[[], list[Layer]]
    cost: str
    init: str
    config: TrainConfig
    book: BookFigure
    input_shape: tuple[int, ...] = (784,)
    notes: str = ""
    tags: tuple[str, ...] = field(default=())

    def build(self, seed: int = 0) -> Network:
        """A fresh network of this preset, initialised from ``seed``."""
        return Network(self.make_layers(), cost=self.cost, input_shape=self.input_shape, init=self.init,
                       seed=seed, name=self.name)

    def with_config(self, **changes) -> TrainConfig:
        """The preset's config with some fields changed (validated)."""
        return replace(self.config, **changes)
