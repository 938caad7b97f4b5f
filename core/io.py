"""Saving and loading networks: a versioned ``.npz`` with JSON metadata, written atomically.

The file holds one array per parameter (``layer3.w``) and ``meta.json``: the format name and
version, the network's spec (layers, cost, input shape) and ``net.info`` (the training config, the
final metrics, anything else JSON-able). Loading never trusts the bytes: pickles are refused and any
fault (not a zip, missing or misshapen arrays, unknown layers, NaN weights) raises
:class:`ModelFileError` with a one-line reason.
"""
from __future__ import annotations

import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from core.network import Network

FORMAT = "nndl-explorer-network"
VERSION = 1


class ModelFileError(Exception):
    """A network file cannot be read or written; the message says why."""


def save_network(net: Network, path: str | os.PathLike, info: dict | None = None) -> Path:
    """Write ``net`` (with ``net.info`` updated by ``info``) to ``path`` atomically: a temporary file
    in the same folder, flushed to disk, then renamed over the target."""
    path = Path(path)
    if info:
        net.info.update(info)
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
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                np.savez_compressed(f, **arrays)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; a saved network is an ordinary file
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ModelFileError(f"cannot save {path}: {exc.strerror or exc}") from exc
    return path


def load_network(path: str | os.PathLike) -> Network:
    """Read a network saved by :func:`save_network`; raises :class:`ModelFileError` for any bad file."""
    path = Path(path)
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: is a folder, not a network file") from None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return _decode(blob)
    except ModelFileError as exc:
        raise ModelFileError(f"{path.name}: {exc}") from None
    except Exception as exc:  # whatever the bytes, a readable message and never a traceback
        raise ModelFileError(f"{path.name}: not a valid network file ({type(exc).__name__}: {exc})") from None


def _decode(blob: bytes) -> Network:
    if not zipfile.is_zipfile(io.BytesIO(blob)):
        raise ModelFileError("not a network file (expected an .npz archive saved by NNDL Explorer)")
    try:
        archive = np.load(io.BytesIO(blob), allow_pickle=False)
        arrays = {k: archive[k] for k in archive.files}
    except (zipfile.BadZipFile, EOFError, ValueError, OSError) as exc:
        raise ModelFileError(f"damaged or truncated archive ({exc})") from None
    if "meta.json" not in arrays:
        raise ModelFileError("no metadata (meta.json): not saved by NNDL Explorer")
    try:
        meta = json.loads(arrays.pop("meta.json").tobytes().decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"unreadable metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError("not an NNDL Explorer network file")
    if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
        raise ModelFileError(f"file format version {meta.get('version')} is newer than this program reads "
                             f"({VERSION}); please update NNDL Explorer")
    try:
        net = Network.from_spec(meta["network"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"bad network description ({exc})") from None
    expected = {f"layer{i}.{k}": p for i, l in enumerate(net.layers) for k, p in l.params.items()}
    missing = sorted(set(expected) - set(arrays))
    if missing:
        raise ModelFileError(f"missing weights: {', '.join(missing[:3])}")
    for key, target in expected.items():
        value = arrays[key]
        if value.shape != target.shape:
            raise ModelFileError(f"{key} has shape {value.shape}, expected {target.shape}")
        if not np.issubdtype(value.dtype, np.floating):
            raise ModelFileError(f"{key} holds {value.dtype} values, expected floats")
        if not np.isfinite(value).all():
            raise ModelFileError(f"{key} contains NaN or infinite values")
        target[...] = value
    net.info = meta.get("info") if isinstance(meta.get("info"), dict) else {}
    return net


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _jsonable(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON-able")
