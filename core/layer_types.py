"""Every layer type, by the ``kind`` its spec is saved under: the one registry from which networks are
rebuilt (``Network.from_spec``, so also ``core.io.load_network``).

A new layer type is a class with a ``kind`` (``core.layers`` shows the interface), listed here.
"""
from __future__ import annotations

from core.conv import Conv2D, ConvPool2D, MaxPool2D
from core.layers import Dense, Dropout, Flatten, Layer
from core.normalization import BatchNormDense, ResidualBatchNormDense, ResidualDense

LAYER_TYPES: dict[str, type[Layer]] = {cls.kind: cls for cls in (
    Dense, Dropout, Flatten,  # chapters 1-3
    Conv2D, MaxPool2D, ConvPool2D,  # chapter 6
    BatchNormDense, ResidualDense, ResidualBatchNormDense,  # fixes for chapter 5's unstable gradients
)}


def from_spec(spec: dict) -> Layer:
    """Rebuild a layer (unbuilt, without weights) from :meth:`Layer.spec`."""
    spec = dict(spec)
    kind = spec.pop("type", None)
    if kind not in LAYER_TYPES:
        raise ValueError(f"unknown layer type {kind!r}")
    return LAYER_TYPES[kind](**spec)
