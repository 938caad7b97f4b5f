"""The bundled pretrained networks (``resources/models/``): where they are and what each is.

How each was trained, with the accuracy it reached, is recorded in ``resources/models/README.md``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.paths import RESOURCES

MODELS_DIR = RESOURCES / "models"


@dataclass(frozen=True)
class BundledModel:
    key: str
    filename: str
    title: str
    description: str

    @property
    def path(self) -> Path:
        return MODELS_DIR / self.filename


BUNDLED = {
    "default": BundledModel("default", "default-cnn.npz", "Default CNN",
                            "The most accurate single network we trained: two conv-pool layers, ReLU, dropout, "
                            "trained on distorted digits so that it also reads digits drawn with a mouse, "
                            "bold, soft or thin."),
    "ch1": BundledModel("ch1", "ch1-mlp.npz", "Chapter 1 MLP",
                        "The book's first network, 784-30-10 sigmoid with the quadratic cost."),
}


def default_model_path() -> Path:
    """The bundled pretrained network the Draw tab opens with."""
    return BUNDLED["default"].path


def bundled_models() -> list[BundledModel]:
    return list(BUNDLED.values())
