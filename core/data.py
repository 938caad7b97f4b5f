"""MNIST: reading and validating IDX files, the book's 50k/10k/10k splits, and expansion.

The book (chapter 1, ``mnist_loader``) keeps the last 10,000 of the 60,000 training images aside as
a validation set; we do the same. Images are float32 in [0, 1] with shape (n, 28, 28); labels are
int64. The bundled copy is checked against its SHA-256 sums and its decoded arrays are cached as
``.npy`` in the user cache folder (keyed by those sums), so that loading it takes well under a second.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.paths import RESOURCES, cache_dir

BUNDLED_DIR = RESOURCES / "mnist"
FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
EXPECTED_COUNTS = {"train": 60_000, "test": 10_000}


class DataError(Exception):
    """A data file is missing, truncated or corrupt; the message names the file and the fault."""


@dataclass(frozen=True)
class Split:
    """One part of the data: ``images`` (n, 28, 28) float32 in [0, 1] and ``labels`` (n,) int64."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, n: int | None) -> "Split":
        """The first ``n`` examples (all of them when ``n`` is None)."""
        if n is None or n >= len(self):
            return self
        return Split(self.images[:n], self.labels[:n])


@dataclass(frozen=True)
class MNIST:
    train: Split
    validation: Split
    test: Split


def load_mnist(path: str | os.PathLike | None = None, validation: int = 10_000) -> MNIST:
    """Load MNIST as the book splits it: training, validation (the last ``validation`` of the
    60,000 training images) and test.

    ``path=None`` reads the bundled copy (checksums verified, decoded arrays cached); otherwise a
    folder holding the four IDX files, raw or ``.gz``. Raises :class:`DataError` for a missing,
    truncated or corrupt file.
    """
    if not 0 <= validation < 60_000:
        raise DataError(f"validation must be between 0 and 59,999 images, not {validation}")
    folder = BUNDLED_DIR if path is None else Path(path)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such folder (it should hold the four MNIST IDX files)")
    arrays = _load_bundled() if path is None else _read_folder(folder)
    train_x, train_y, test_x, test_y = arrays
    cut = 60_000 - validation
    return MNIST(
        train=Split(_to_float(train_x[:cut]), train_y[:cut].astype(np.int64)),
        validation=Split(_to_float(train_x[cut:]), train_y[cut:].astype(np.int64)),
        test=Split(_to_float(test_x), test_y.astype(np.int64)),
    )


def _to_float(images: np.ndarray) -> np.ndarray:
    out = images.astype(np.float32)
    out *= np.float32(1 / 255)
    return out


# --- reading IDX ---------------------------------------------------------------------------------

def _find(folder: Path, stem: str) -> Path:
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    raise DataError(f"{folder / stem}(.gz): file is missing")


def _read_bytes(file: Path) -> bytes:
    try:
        raw = file.read_bytes()
        return gzip.decompress(raw) if file.suffix == ".gz" else raw
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"{file}: cannot be read ({exc})") from exc
    except Exception as exc:  # zlib.error and friends: the compressed stream is damaged
        raise DataError(f"{file}: corrupt compressed data ({exc})") from exc


def parse_idx(data: bytes, name: str, expect_magic: int, expect_count: int | None = None) -> np.ndarray:
    """Decode one IDX file's bytes (big-endian int32 header, then uint8 values).

    Images (magic 0x803) come back as (n, 28, 28) uint8, labels (magic 0x801) as (n,) uint8.
    """
    dims = expect_magic & 0xFF
    header_size = 4 + 4 * dims
    if len(data) < header_size:
        raise DataError(f"{name}: truncated: {len(data)} bytes, shorter than its header")
    header = np.frombuffer(data, dtype=">i4", count=1 + dims)
    magic = int(header[0])
    if magic != expect_magic:
        raise DataError(f"{name}: bad magic number 0x{magic:08x} (expected 0x{expect_magic:08x})")
    shape = tuple(int(d) for d in header[1:])
    if expect_count is not None and shape[0] != expect_count:
        raise DataError(f"{name}: holds {shape[0]:,} items, expected {expect_count:,}")
    if dims == 3 and shape[1:] != (28, 28):
        raise DataError(f"{name}: images are {shape[1]}x{shape[2]}, expected 28x28")
    size = int(np.prod(shape))
    if len(data) - header_size != size:
        fault = "truncated" if len(data) - header_size < size else "has trailing bytes"
        raise DataError(f"{name}: {fault}: {len(data) - header_size:,} data bytes, expected {size:,}")
    values = np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape)
    if dims == 1 and values.size and values.max() > 9:
        raise DataError(f"{name}: label {int(values.max())} is not a digit 0-9")
    return values


def _read_folder(folder: Path) -> tuple[np.ndarray, ...]:
    out = []
    for key, stem in FILES.items():
        part = key.split("_")[0]
        file = _find(folder, stem)
        magic = IMAGES_MAGIC if key.endswith("images") else LABELS_MAGIC
        out.append(parse_idx(_read_bytes(file), str(file), magic, EXPECTED_COUNTS[part]))
    return tuple(out)


# --- the bundled copy: checksums and cache -------------------------------------------------------

def bundled_checksums() -> dict[str, str]:
    """The SHA-256 of each bundled ``.gz`` file, from ``SHA256SUMS``."""
    sums = {}
    for line in (BUNDLED_DIR / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split()
            sums[name] = digest
    return sums


def _load_bundled() -> tuple[np.ndarray, ...]:
    expected = bundled_checksums()
    blobs = {}
    for stem in FILES.values():
        file = _find(BUNDLED_DIR, stem)
        try:
            blob = file.read_bytes()
        except OSError as exc:
            raise DataError(f"{file}: cannot be read ({exc})") from exc
        if hashlib.sha256(blob).hexdigest() != expected.get(file.name):
            raise DataError(f"{file}: checksum mismatch (the bundled file is corrupt or was changed)")
        blobs[stem] = blob
    key = hashlib.sha256("".join(expected[f"{s}.gz"] for s in FILES.values()).encode()).hexdigest()[:16]
    cache = cache_dir() / f"mnist-{key}.npz"
    arrays = _read_cache(cache)
    if arrays is None:
        arrays = tuple(
            parse_idx(_gunzip(blobs[stem], stem), stem, IMAGES_MAGIC if "images" in k else LABELS_MAGIC,
                      EXPECTED_COUNTS[k.split("_")[0]])
            for k, stem in FILES.items()
        )
        _write_cache(cache, arrays)
    return arrays


def _gunzip(blob: bytes, name: str) -> bytes:
    try:
        return gzip.decompress(blob)
    except Exception as exc:
        raise DataError(f"{name}.gz: corrupt compressed data ({exc})") from exc


def _read_cache(cache: Path) -> tuple[np.ndarray, ...] | None:
    """The cached arrays, or None when the cache is absent or unreadable (it is then rebuilt)."""
    try:
        with np.load(cache, allow_pickle=False) as z:
            arrays = tuple(z[k] for k in FILES)
    except Exception:
        return None
    shapes = [(60_000, 28, 28), (60_000,), (10_000, 28, 28), (10_000,)]
    if [a.shape for a in arrays] != shapes or any(a.dtype != np.uint8 for a in arrays):
        return None
    return arrays


def _write_cache(cache: Path, arrays: tuple[np.ndarray, ...]) -> None:
    """Write the decoded arrays atomically; a cache that cannot be written is simply skipped."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **dict(zip(FILES, arrays)))
        os.replace(tmp, cache)
    except OSError:
        pass


# --- expansion (chapter 6) -----------------------------------------------------------------------

def expand_mnist(split: Split) -> Split:
    """The book's ``expand_mnist``: each image plus its four 1-pixel shifts (up, down, left, right),
    zero-filled; 50,000 images become 250,000. Returned in blocks: originals, then each shift."""
    x = split.images
    shifted = [x]
    for axis, step in ((1, -1), (1, 1), (2, -1), (2, 1)):
        s = np.roll(x, step, axis=axis)
        edge = [slice(None)] * 3
        edge[axis] = -1 if step == -1 else 0  # the row/column that wrapped round is blanked
        s[tuple(edge)] = 0
        shifted.append(s)
    return Split(np.concatenate(shifted), np.tile(split.labels, 5))
