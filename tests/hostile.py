"""Hostile inputs made by hand: network files, save targets and MNIST folders that a careless or
malicious classmate could hand a learner (issue 12).

Nothing here imports the project, so ``benchmarks/hostile_inputs.py`` can make the same files for
any checkout of it (before and after a fix) and the tests and the benchmark try the same cases.
A network file is written exactly as the format describes it (a zip of ``.npy`` arrays with
``meta.json``), member by member, so a case can hold what ``np.savez`` never writes: a member twice,
a 60,000-byte header, a gigabyte of compressed zeros streamed in without ever being in memory.
"""
from __future__ import annotations

import gzip
import io
import json
import os
import re
import socket
import stat
import struct
import sys
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

FORMAT = "nndl-explorer-network"


def mlp_spec(sizes=(784, 30, 10), activation="sigmoid", cost="quadratic") -> dict:
    layers = [{"type": "dense", "n_in": a, "n_out": b, "activation": activation} for a, b in zip(sizes, sizes[1:])]
    return {"layers": layers, "cost": cost, "input_shape": [sizes[0]], "init": "default", "name": "hostile"}


def cnn_spec() -> dict:
    return {"layers": [{"type": "conv2d", "filters": 4, "size": 5, "activation": "relu"},
                       {"type": "maxpool2d", "size": 2}, {"type": "flatten"},
                       {"type": "dense", "n_in": 576, "n_out": 10, "activation": "softmax"}],
            "cost": "log-likelihood", "input_shape": [1, 28, 28], "init": "default", "name": "hostile-cnn"}


def meta_array(network: dict, **changes) -> np.ndarray:
    meta = {"format": FORMAT, "version": 1, "network": network, "info": {}}
    meta.update(changes)
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


def npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npy_header(shape, descr: str = "<f4", pad_to: int = 0) -> bytes:
    """A version-1 ``.npy`` header for ``shape`` (padded with spaces to ``pad_to`` bytes; more than
    65,535 makes a version-2 header)."""
    text = repr({"descr": descr, "fortran_order": False, "shape": tuple(shape)}).encode("latin1")
    length = max(len(text) + 1, pad_to - 10)
    length += (-(length + 10)) % 64
    text = text.ljust(length - 1) + b"\n"
    if length > 0xFFFF:
        return b"\x93NUMPY\x02\x00" + struct.pack("<I", len(text)) + text
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text


def write_zip(path, members: list[tuple[str, bytes]], compression=zipfile.ZIP_DEFLATED):
    """A zip with these members in this order (duplicate names allowed, as a hand-made zip may have),
    written to ``path`` (a file name, or a ``BytesIO``, which is returned)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about duplicate names: that is the point
        with zipfile.ZipFile(path, "w", compression) as z:
            for name, data in members:
                z.writestr(name, data)
    return path if isinstance(path, io.BytesIO) else Path(path)


def weights_for(spec: dict, seed: int = 0, scale: float = 0.1) -> dict[str, np.ndarray]:
    """Random float32 parameters of the right shapes for ``mlp_spec`` or ``cnn_spec``."""
    rng = np.random.default_rng(seed)
    out, shape = {}, tuple(spec["input_shape"])
    for i, layer in enumerate(spec["layers"]):
        kind = layer["type"]
        if kind == "dense":
            n_in = int(np.prod(shape))
            out[f"layer{i}.w"] = (rng.standard_normal((layer["n_out"], n_in)) * scale).astype(np.float32)
            out[f"layer{i}.b"] = (rng.standard_normal(layer["n_out"]) * scale).astype(np.float32)
            shape = (layer["n_out"],)
        elif kind == "conv2d":
            c, h, w = shape
            f = layer["size"]
            out[f"layer{i}.w"] = (rng.standard_normal((layer["filters"], c, f, f)) * scale).astype(np.float32)
            out[f"layer{i}.b"] = np.zeros(layer["filters"], np.float32)
            shape = (layer["filters"], h - f + 1, w - f + 1)
        elif kind == "maxpool2d":
            c, h, w = shape
            shape = (c, h // layer["size"], w // layer["size"])
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
    return out


def network_members(spec: dict | None = None, seed: int = 0, **meta_changes) -> list[tuple[str, bytes]]:
    spec = spec or mlp_spec()
    members = [("meta.json.npy", npy(meta_array(spec, **meta_changes)))]
    members += [(f"{k}.npy", npy(v)) for k, v in weights_for(spec, seed).items()]
    return members


def valid_file(path: Path, spec: dict | None = None, seed: int = 0) -> Path:
    return write_zip(path, network_members(spec, seed))


# Code for a child process that measures its own peak memory over a baseline (Linux): the kernel's
# high-water mark of resident memory is reset first, so an earlier peak (say, while NumPy was
# imported) does not count; where it cannot be reset, the lifetime peak is used (an overestimate).
MEMORY = """
def _status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) / 1024 for line in f if line.startswith(key + ":"))
def start_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status("VmRSS")
def peak_since(base):
    return _status("VmHWM") - base
"""


# --- the cases of issue 12, section 2 and 3 --------------------------------------------------------

def huge_declared(path: Path, n_out: int = 300_000) -> Path:
    """A few hundred bytes whose metadata declares a dense layer of ``n_out`` neurons and no arrays."""
    return write_zip(path, [("meta.json.npy", npy(meta_array(mlp_spec((784, n_out, 10)))))])


def zeros_member(z: zipfile.ZipFile, name: str, n_bytes: int) -> None:
    """Stream a member of ``n_bytes`` zero bytes (after its .npy header) into an open zip, 1 MB at a time."""
    block = bytes(1 << 20)
    with z.open(name, "w", force_zip64=True) as member:
        member.write(npy_header((n_bytes // 4,)))
        for start in range(0, n_bytes, len(block)):
            member.write(block[:min(len(block), n_bytes - start)])


def extra_zeros_member(path: Path, n_bytes: int) -> Path:
    """A valid network file with one more member, ``extra.npy``, of ``n_bytes`` zeros (compressed ~1000:1)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in network_members():
            z.writestr(name, data)
        zeros_member(z, "extra.npy", n_bytes)
    return Path(path)


def bomb_weight(path: Path, n_bytes: int) -> Path:
    """Metadata for a small network, but its first weight array is ``n_bytes`` of compressed zeros."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        members = network_members()
        z.writestr(*members[0])
        zeros_member(z, "layer0.w.npy", n_bytes)
        for name, data in members[2:]:
            z.writestr(name, data)
    return Path(path)


def huge_weights(path: Path, value: float = 3e38) -> Path:
    """Finite float32 weights so large that every output of the network is NaN."""
    spec = mlp_spec(activation="sigmoid")
    members = [("meta.json.npy", npy(meta_array(spec)))]
    for k, v in weights_for(spec).items():
        members.append((f"{k}.npy", npy((np.where(v < 0, -1, 1) * value).astype(np.float32))))
    return write_zip(path, members)


def conv_without_activation(path: Path) -> Path:
    spec = cnn_spec()
    weights = weights_for(spec)
    del spec["layers"][0]["activation"]
    members = [("meta.json.npy", npy(meta_array(spec)))] + [(f"{k}.npy", npy(v)) for k, v in weights.items()]
    return write_zip(path, members)


def duplicate_member(path: Path) -> Path:
    """layer0.w twice: the real weights, then a zero-filled copy (which NumPy's loader keeps)."""
    members = network_members()
    w = next(data for name, data in members if name == "layer0.w.npy")
    zeros = npy(np.zeros_like(np.load(io.BytesIO(w))))
    return write_zip(path, members + [("layer0.w.npy", zeros)])


def long_header(path: Path, header_bytes: int = 60_000) -> Path:
    members = network_members()
    for i, (name, data) in enumerate(members):
        if name == "layer1.b.npy":
            values = np.load(io.BytesIO(data))
            members[i] = (name, npy_header(values.shape, pad_to=header_bytes) + values.tobytes())
    return write_zip(path, members)


def many_members(path: Path, n: int) -> Path:
    """A valid network file followed by ``n`` empty members: a zip directory of several megabytes
    (written directly: zipfile would take seconds)."""
    body, directory = bytearray(), bytearray()
    members = network_members() + [(f"x{i}.npy", b"") for i in range(n)]
    for name, data in members:
        raw = name.encode()
        crc = zlib.crc32(data)
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, crc, len(data), len(data),
                                 len(raw), 0, 0, 0, 0, 0, len(body)) + raw
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0x21, crc, len(data), len(data), len(raw), 0)
        body += raw + data
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, min(len(members), 0xFFFF), min(len(members), 0xFFFF),
                      len(directory), len(body), 0)
    Path(path).write_bytes(bytes(body + directory + end))
    return Path(path)


def sparse_file(path: Path, n_bytes: int) -> Path:
    """A file of ``n_bytes`` zeros that takes no disk space (read, it costs its whole size)."""
    with open(path, "wb") as f:
        f.truncate(n_bytes)
    return Path(path)


# --- things that are not regular files -------------------------------------------------------------

def make_special(path: Path, kind: str) -> Path:
    """Put a ``kind`` ("device", "full-device", "fifo", "socket", "folder") at ``path``. Devices need root."""
    if kind in ("device", "full-device"):
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3 if kind == "device" else 7))  # like /dev/null, /dev/full
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(path))
        s.close()
    elif kind == "folder":
        os.mkdir(path)
    return Path(path)


def same_kind(path: Path, kind: str) -> bool:
    mode = os.lstat(path).st_mode
    return {"device": stat.S_ISCHR, "full-device": stat.S_ISCHR, "fifo": stat.S_ISFIFO, "socket": stat.S_ISSOCK,
            "folder": stat.S_ISDIR}[kind](mode)


def fill(folder: Path) -> Path:
    """Fill the file system of ``folder`` (a small tmpfs, say) with a file ``filler`` until it is full."""
    with open(Path(folder) / "filler", "wb", buffering=0) as f:
        try:
            while True:
                f.write(bytes(4096))
        except OSError:
            pass
    return Path(folder) / "filler"


def python_with_default_signals() -> list[str]:
    """The start of a command line that runs Python with Ctrl-C and SIGTERM at their defaults, even
    when this process ignores them (as everything started in the background by a non-interactive
    shell does, and its children inherit): the arguments that follow go to that Python."""
    reset = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
             "signal.signal(signal.SIGTERM, signal.SIG_DFL); os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")
    return [sys.executable, "-c", reset]


def before_our_code(stderr: str) -> bool:
    """Whether a traceback on ``stderr`` comes from a signal that reached Python while it was still
    starting (its ``site`` module, or ``python -m``'s own machinery): no code of the project had run."""
    frames = re.findall(r'File "([^"]+)"', stderr)
    return "init_import_site" in stderr or bool(frames) and all(f.startswith("<frozen") for f in frames)


# --- MNIST --------------------------------------------------------------------------------------------

IDX = {"train-images-idx3-ubyte": (0x803, 60_000), "train-labels-idx1-ubyte": (0x801, 60_000),
       "t10k-images-idx3-ubyte": (0x803, 10_000), "t10k-labels-idx1-ubyte": (0x801, 10_000)}


def mnist_folder_with_gz_bomb(folder: Path, bundled: Path, bomb_bytes: int) -> Path:
    """The four bundled ``.gz`` files, except that train-images decompresses to a valid header
    followed by ``bomb_bytes`` zeros (60,000 images need 47 MB)."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem in IDX:
        if stem != "train-images-idx3-ubyte":
            (folder / f"{stem}.gz").write_bytes((bundled / f"{stem}.gz").read_bytes())
    header = struct.pack(">4i", 0x803, 60_000, 28, 28)
    block = bytes(1 << 20)
    with gzip.open(folder / "train-images-idx3-ubyte.gz", "wb", compresslevel=1) as f:
        f.write(header)
        for start in range(0, bomb_bytes, len(block)):
            f.write(block[:min(len(block), bomb_bytes - start)])
    return folder
