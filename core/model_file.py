"""Judging a network file before trusting it, then reading it into a :class:`Network`.

A network file is something a learner downloads from a classmate, so the loader believes nothing
it has not checked, and checks in an order that costs nothing up front:

1. the file: a regular file of at most :data:`MAX_FILE_BYTES` (``core.safe_npz``);
2. the zip directory and the metadata (``meta.json``, at most :data:`MAX_META_BYTES`): the format
   and version, and the network's description, every field the format writes required and of the
   right type (each layer's description must be exactly what that layer would write back);
3. from the description alone (``Layer.param_shapes``, nothing allocated): the shape of every
   parameter, at most :data:`MAX_PARAMETERS` of them and at most :data:`MAX_VALUES` numbers per
   example in any layer; then the archive's members against them (none missing, none unknown, none
   twice) and each member's ``.npy`` header (shape, a float dtype, the declared size exactly right);
4. only then the weights: the network is built with zero weights (``np.zeros`` maps memory lazily,
   so only what is read is ever touched), each array streamed into place and refused on the first
   NaN or infinity;
5. finally the network must give finite outputs on a few probe inputs (weights of 3e38 are finite,
   but every output they make is NaN).

Every fault raises :class:`ModelFileError` with a one-line reason.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from core import initializers
from core.layer_types import from_spec
from core.network import Network
from core.safe_npz import Archive, ArchiveError, open_regular

FORMAT = "nndl-explorer-network"
VERSION = 1
MAX_PARAMETERS = 20_000_000  # weights and biases (80 MB as float32): far beyond the book's networks
MAX_VALUES = 4_000_000  # numbers per example in any layer's input, output or convolution patches
MAX_LAYERS = 256
MAX_META_BYTES = 1 << 20
MAX_FILE_BYTES = 8 * MAX_PARAMETERS + (16 << 20)  # the largest network stored as float64, and room to spare
NETWORK_FIELDS = ("layers", "cost", "input_shape", "init", "name")
META = "meta.json"


class ModelFileError(Exception):
    """A network file cannot be read or written; the message says why."""


def read_network(path: str | os.PathLike) -> Network:
    """Check the file at ``path`` as the module docstring says, then return its network (with
    ``net.info``). Raises :class:`ModelFileError` whose message starts with ``path``."""
    path = Path(path)
    try:
        with _open(path) as file:
            archive = _archive(file)
            meta = _read_meta(archive)
            spec = meta["network"]
            shapes = parameter_shapes(spec)
            _check_members(archive, shapes)
            net = _blank_network(spec)
            for i, layer in enumerate(net.layers):
                for key, target in layer.params.items():
                    archive.read_into(f"layer{i}.{key}", target, _is_float, "floats", finite=True)
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except (ArchiveError, ModelFileError) as exc:
        raise ModelFileError(f"{path}: {exc}") from None
    except MemoryError:
        raise ModelFileError(f"{path}: not enough memory to load this network") from None
    _probe(net, path)
    info = meta.get("info", {})
    net.info = info
    return net


def _open(path: Path):
    try:
        return open_regular(path, MAX_FILE_BYTES)
    except ArchiveError as exc:
        raise ModelFileError(f"not a network file ({exc})") from None


def _archive(file) -> Archive:
    try:
        return Archive(file)
    except ArchiveError as exc:
        raise ModelFileError(f"not a network file ({exc})") from None


def parameter_shapes(spec: dict) -> list[dict[str, tuple[int, ...]]]:
    """Each layer's parameter shapes for a network description, checked as far as it can be
    without building anything; raises :class:`ModelFileError`."""
    if not isinstance(spec, dict):
        raise ModelFileError("bad network description (not an object)")
    missing = [k for k in NETWORK_FIELDS if k not in spec]
    unknown = sorted(set(spec) - set(NETWORK_FIELDS))
    if missing or unknown:
        raise ModelFileError(f"bad network description ({'lacks ' + ', '.join(missing) if missing else ''}"
                             f"{'; ' if missing and unknown else ''}"
                             f"{'unknown field ' + ', '.join(map(repr, unknown[:3])) if unknown else ''})")
    layers, shape = spec["layers"], spec["input_shape"]
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise ModelFileError(f"bad network description (layers must be a list of 1 to {MAX_LAYERS} layers)")
    if not (isinstance(shape, list) and len(shape) in (1, 3) and all(_is_count(d) for d in shape)):
        raise ModelFileError(f"bad network description (input shape {str(shape)[:60]} is not 1 or 3 positive sizes)")
    if not all(isinstance(spec[k], str) for k in ("cost", "init", "name")):
        raise ModelFileError("bad network description (cost, init and name must be text)")
    shape = tuple(shape)
    _check_values(shape, "the input")
    shapes, total = [], 0
    for i, layer_spec in enumerate(layers):
        where = f"layer {i}"
        layer = _layer(layer_spec, where)
        try:
            params, out = layer.param_shapes(shape)
        except (ValueError, TypeError, OverflowError) as exc:
            raise ModelFileError(f"{where} ({layer.kind}): {exc}") from None
        _check_values(out, f"{where}'s output")
        if "w" in params and len(params["w"]) == 4 and len(shape) == 3:  # a convolution: its patches, its maps
            k, c, f, _ = params["w"]
            positions = (shape[1] - f + 1) * (shape[2] - f + 1)
            _check_values((c * f * f, positions), f"{where}'s patch matrix")
            _check_values((k, positions), f"{where}'s feature maps")
        total += sum(math.prod(s) for s in params.values())
        if total > MAX_PARAMETERS:
            raise ModelFileError(f"the network has more than {MAX_PARAMETERS:,} weights and biases, more than "
                                 "this program loads")
        shapes.append(params)
        shape = out
    return shapes


def _layer(layer_spec, where: str):
    """The (unbuilt) layer a description makes, which must describe itself exactly as the file does:
    no field missing (a conv layer without its activation), none extra, none of another type."""
    if not isinstance(layer_spec, dict) or not isinstance(layer_spec.get("type"), str):
        raise ModelFileError(f"{where}: not a layer description")
    kind = layer_spec["type"]
    try:
        layer = from_spec(layer_spec)
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise ModelFileError(f"{where} ({kind[:40]}): {exc}") from None
    written = layer.spec()
    lacking = [k for k in written if k not in layer_spec and not (k == "n_in" and written[k] is None)]
    if lacking:
        raise ModelFileError(f"{where} ({kind}) lacks its {', '.join(lacking)}")
    for key, value in layer_spec.items():
        if key not in written or not _same(written[key], value):
            raise ModelFileError(f"{where} ({kind}): {key} = {str(value)[:40]} is not valid")
    return layer


def _same(a, b) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool) and isinstance(a, str) == isinstance(b, str)


def _is_count(d) -> bool:
    return isinstance(d, int) and not isinstance(d, bool) and d >= 1


def _check_values(shape: tuple[int, ...], what: str) -> None:
    n = math.prod(shape)
    if n > MAX_VALUES:
        raise ModelFileError(f"{what} has {n:,} numbers per example, more than this program handles ({MAX_VALUES:,})")


def _read_meta(archive: Archive) -> dict:
    if META not in archive.names:
        raise ModelFileError(f"no metadata ({META}): not saved by NNDL Explorer")
    if archive.declared_size(META) > MAX_META_BYTES:
        raise ModelFileError(f"its metadata is {archive.declared_size(META):,} bytes, far more than a network needs")
    header = archive.header(META)
    if header.dtype != np.uint8 or len(header.shape) != 1:
        raise ModelFileError(f"unreadable metadata ({META} holds {header.dtype} values of shape {header.shape})")
    raw = np.empty(header.shape, np.uint8)
    archive.read_into(META, raw, lambda d: d == np.uint8, "bytes")
    try:
        meta = json.loads(raw.tobytes().decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ModelFileError(f"unreadable metadata ({str(exc)[:80]})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ModelFileError("not an NNDL Explorer network file")
    version = meta.get("version")
    if not _is_count(version):
        raise ModelFileError(f"bad file format version {str(version)[:20]}")
    if version > VERSION:
        raise ModelFileError(f"file format version {version} is newer than this program reads ({VERSION}); "
                             "please update NNDL Explorer")
    if "network" not in meta:
        raise ModelFileError("no network description in its metadata")
    if not isinstance(meta.get("info", {}), dict):
        raise ModelFileError("bad metadata (info is not an object)")
    return meta


def _check_members(archive: Archive, shapes: list[dict[str, tuple[int, ...]]]) -> None:
    """The archive holds exactly the arrays the description needs, each with the right header."""
    expected = {f"layer{i}.{k}": s for i, params in enumerate(shapes) for k, s in params.items()}
    missing = [k for k in expected if k not in archive.names]
    if missing:
        raise ModelFileError(f"missing weights: {', '.join(missing[:3])}")
    unknown = sorted(archive.names - set(expected) - {META})
    if unknown:
        raise ModelFileError(f"unexpected array {unknown[0][:60]!r}: not part of this network")
    for key, shape in expected.items():
        header = archive.header(key)
        if header.shape != shape:
            raise ModelFileError(f"{key} has shape {header.shape}, expected {shape}")
        if not _is_float(header.dtype):
            raise ModelFileError(f"{key} holds {header.dtype} values, expected floats")


def _is_float(dtype: np.dtype) -> bool:
    return dtype.kind == "f" and dtype.itemsize in (4, 8)


def _blank_network(spec: dict) -> Network:
    """The described network with every parameter zero: built with the "zero" initialiser (lazy
    ``np.zeros``, so memory is touched only as the weights are read in), then given back the
    initialisers its description names."""
    try:
        init = initializers.check(spec["init"])
        layers = [from_spec({k: v for k, v in s.items() if k != "init"}) for s in spec["layers"]]
        net = Network(layers, cost=spec["cost"], input_shape=spec["input_shape"], init="zero", name=spec["name"])
        for layer, layer_spec in zip(layers, spec["layers"]):
            if "init" in layer_spec:
                layer.init = initializers.check(layer_spec["init"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"bad network description ({exc})") from None
    net.init = init
    return net


def _probe(net: Network, path: Path) -> None:
    """Refuse a network whose outputs are not finite for inputs like the ones it will see."""
    n = math.prod(net.input_shape)
    probes = np.stack([np.zeros(n), np.ones(n), np.random.default_rng(0).random(n)]).astype(net.dtype)
    with np.errstate(all="ignore"):
        out = net.feedforward(probes.reshape((3,) + net.input_shape))
    if not np.isfinite(out).all():
        raise ModelFileError(f"{path}: its outputs are NaN or infinite even for a blank or plain image: "
                             "its weights are too large to compute with")
