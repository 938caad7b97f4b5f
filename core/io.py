"""Saving and loading networks: a versioned ``.npz`` with JSON metadata, written atomically.

The file holds one array per parameter (``layer3.w``) and ``meta.json``: the format name and
version, the network's spec (layers, cost, input shape) and ``net.info`` (the training config, the
final metrics, anything else JSON-able). Saving goes through :func:`core.atomic.write_atomic`
(never over a device, a FIFO or a folder; a temporary file renamed into place). Loading never
trusts the bytes: ``core.model_file`` judges the file from its metadata, zip directory and array
headers before reading any weights, pickles are refused, and any fault raises
:class:`ModelFileError` with a one-line reason.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from core.atomic import WriteError, write_atomic
from core.model_file import FORMAT, MAX_PARAMETERS, VERSION, ModelFileError, read_network
from core.network import Network

__all__ = ["FORMAT", "VERSION", "ModelFileError", "save_network", "load_network"]


def save_network(net: Network, path: str | os.PathLike, info: dict | None = None) -> Path:
    """Write ``net`` (with ``net.info`` updated by ``info``) to ``path`` atomically: a temporary file
    in the same folder, flushed to disk, then renamed over the target (which must be a regular file
    or absent). Returns the path written."""
    path = Path(path)
    if info:
        net.info.update(info)
    if net.n_params > MAX_PARAMETERS:
        raise ModelFileError(f"cannot save {path}: the network has {net.n_params:,} weights and biases, more than "
                             f"a network file may hold ({MAX_PARAMETERS:,})")
    meta = {"format": FORMAT, "version": VERSION, "network": net.spec(), "info": net.info}
    try:
        meta_bytes = json.dumps(meta, allow_nan=True, default=_jsonable).encode()
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"cannot save {path.name}: its metadata is not JSON-able ({exc})") from exc
    arrays = {"meta.json": np.frombuffer(meta_bytes, dtype=np.uint8)}
    for i, layer in enumerate(net.layers):
        for name, p in layer.params.items():
            arrays[f"layer{i}.{name}"] = p
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, lambda f: np.savez_compressed(f, **arrays))
    except OSError as exc:
        raise ModelFileError(f"cannot save {path}: {exc.strerror or exc}") from None
    except WriteError as exc:
        raise ModelFileError(str(exc).replace("cannot write", "cannot save", 1)) from None
    return path


def load_network(path: str | os.PathLike) -> Network:
    """Read a network saved by :func:`save_network`; raises :class:`ModelFileError` for any bad file."""
    try:
        return read_network(path)
    except ModelFileError:
        raise
    except Exception as exc:  # whatever the bytes, a readable message and never a traceback
        raise ModelFileError(f"{path}: not a valid network file ({type(exc).__name__}: "
                             f"{str(exc).splitlines()[0] if str(exc) else ''})") from None


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-able")
