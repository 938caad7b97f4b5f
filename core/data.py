"""MNIST: reading and validating IDX files, the book's 50k/10k/10k splits, and expansion.

The book (chapter 1, ``mnist_loader``) keeps the last 10,000 of the 60,000 training images aside as
a validation set; we do the same. Images are float32 in [0, 1] with shape (n, 28, 28); labels are
int64. The bundled copy is checked against its SHA-256 sums and its decoded arrays are cached as
``.npy`` in the user cache folder (keyed by those sums), with the SHA-256 of their content beside
them, so that loading it takes well under a second; a cache whose content does not match its sum is
decoded afresh. An IDX file is never read or decompressed beyond the size its header declares.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.atomic import WriteError, kind_of, write_atomic
from core.paths import RESOURCES, cache_dir
from core.safe_npz import Archive, ArchiveError, open_regular

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
READ_CHUNK = 1 << 20  # bytes read (and decompressed) at a time
CACHE_VERSION = 2  # in the cache's name: a cache an older version wrote (no checksum beside it) is never read
CACHE_SHAPES = [(60_000, 28, 28), (60_000,), (10_000, 28, 28), (10_000,)]


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
        if candidate.exists():
            raise DataError(f"{candidate}: it is {kind_of(candidate.stat().st_mode)}, not a regular file")
    raise DataError(f"{folder / stem}(.gz): file is missing")


def read_idx(file: Path | str, name: str, expect_magic: int, expect_count: int) -> np.ndarray:
    """Read one IDX file (raw, or ``.gz`` by its suffix, or a ``BytesIO``) no further than its header
    says it reaches: the header first, then exactly the data it declares and one byte more (which
    must not be there). A gz bomb is never decompressed beyond the size of a valid file."""
    header_size = 4 + 4 * (expect_magic & 0xFF)
    try:
        with _open_idx(file, header_size + _idx_data_bytes(expect_magic, expect_count)) as f:
            shape = _idx_shape(f.read(header_size), name, expect_magic, expect_count)
            values = np.empty(math.prod(shape), np.uint8)
            view, found = memoryview(values), 0
            while found < values.size:  # in chunks, straight into the array: no second copy
                n = f.readinto(view[found:found + READ_CHUNK])
                if not n:
                    break
                found += n
            found += len(f.read(1)) if found == values.size else 0
    except DataError:
        raise
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise DataError(f"{name}: cannot be read ({exc})") from exc
    except Exception as exc:  # zlib.error and friends: the compressed stream is damaged
        raise DataError(f"{name}: corrupt compressed data ({exc})") from exc
    _check_length(found, values.size, name)
    return _check_labels(values.reshape(shape), name)


def _open_idx(file, valid_size: int):
    if not isinstance(file, (str, Path)):
        return gzip.GzipFile(fileobj=file)
    file = Path(file)
    if file.suffix == ".gz":
        return gzip.open(file, "rb")
    size = file.stat().st_size
    if size > valid_size:
        raise DataError(f"{file}: has trailing bytes: {size:,} bytes, expected {valid_size:,}")
    return open(file, "rb")


def _idx_data_bytes(magic: int, count: int) -> int:
    return count * (28 * 28 if magic & 0xFF == 3 else 1)


def _idx_shape(header: bytes, name: str, expect_magic: int, expect_count: int | None) -> tuple[int, ...]:
    """The shape an IDX header declares, checked against what the file must hold."""
    dims = expect_magic & 0xFF
    if len(header) < 4 + 4 * dims:
        raise DataError(f"{name}: truncated: {len(header)} bytes, shorter than its header")
    values = np.frombuffer(header, dtype=">i4", count=1 + dims)
    magic = int(values[0])
    if magic != expect_magic:
        raise DataError(f"{name}: bad magic number 0x{magic:08x} (expected 0x{expect_magic:08x})")
    shape = tuple(int(d) for d in values[1:])
    if expect_count is not None and shape[0] != expect_count:
        raise DataError(f"{name}: holds {shape[0]:,} items, expected {expect_count:,}")
    if dims == 3 and shape[1:] != (28, 28):
        raise DataError(f"{name}: images are {shape[1]}x{shape[2]}, expected 28x28")
    return shape


def parse_idx(data: bytes, name: str, expect_magic: int, expect_count: int | None = None) -> np.ndarray:
    """Decode one IDX file's bytes (big-endian int32 header, then uint8 values).

    Images (magic 0x803) come back as (n, 28, 28) uint8, labels (magic 0x801) as (n,) uint8.
    """
    header_size = 4 + 4 * (expect_magic & 0xFF)
    shape = _idx_shape(data[:header_size], name, expect_magic, expect_count)
    _check_length(len(data) - header_size, math.prod(shape), name)
    return _check_labels(np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape), name)


def _check_length(found: int, size: int, name: str) -> None:
    if found < size:
        raise DataError(f"{name}: truncated: {found:,} data bytes, expected {size:,}")
    if found > size:
        raise DataError(f"{name}: has trailing bytes: more data than the {size:,} bytes its header declares")


def _check_labels(values: np.ndarray, name: str) -> np.ndarray:
    if values.ndim == 1 and values.size and values.max() > 9:
        raise DataError(f"{name}: label {int(values.max())} is not a digit 0-9")
    return values


def _read_folder(folder: Path) -> tuple[np.ndarray, ...]:
    out = []
    for key, stem in FILES.items():
        part = key.split("_")[0]
        file = _find(folder, stem)
        magic = IMAGES_MAGIC if key.endswith("images") else LABELS_MAGIC
        out.append(read_idx(file, str(file), magic, EXPECTED_COUNTS[part]))
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
    cache = cache_dir() / f"mnist-v{CACHE_VERSION}-{key}.npz"
    arrays = _read_cache(cache)
    if arrays is None:
        arrays = tuple(
            read_idx(io.BytesIO(blobs[stem]), f"{stem}.gz", IMAGES_MAGIC if "images" in k else LABELS_MAGIC,
                     EXPECTED_COUNTS[k.split("_")[0]])
            for k, stem in FILES.items()
        )
        _write_cache(cache, arrays)
    return arrays


def _content_digest(arrays: tuple[np.ndarray, ...]) -> str:
    digest = hashlib.sha256()
    for a in arrays:
        digest.update(np.ascontiguousarray(a))
    return digest.hexdigest()


def _digest_file(cache: Path) -> Path:
    return cache.with_name(cache.name + ".sha256")


def _read_cache(cache: Path) -> tuple[np.ndarray, ...] | None:
    """The cached arrays, or None when the cache is absent, is not a regular file, is not exactly
    the four arrays of the right shapes, or does not match the checksum of its content written
    beside it (it is then rebuilt from the bundled files)."""
    arrays = tuple(np.empty(shape, np.uint8) for shape in CACHE_SHAPES)
    try:
        with open_regular(_digest_file(cache), 200) as f:
            digest = f.read().decode("ascii").strip()
        with open_regular(cache, sum(a.nbytes for a in arrays) + (1 << 16)) as f:
            archive = Archive(f)
            if archive.names != set(FILES):
                return None
            for key, out in zip(FILES, arrays):
                archive.read_into(key, out, lambda d: d == np.uint8, "bytes")
    except (OSError, ArchiveError, UnicodeDecodeError):
        return None
    return arrays if _content_digest(arrays) == digest else None


def _write_cache(cache: Path, arrays: tuple[np.ndarray, ...]) -> None:
    """Write the decoded arrays and the checksum of their content (each file atomically); a cache
    that cannot be written (say, a folder stands in its place) is simply skipped."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(cache, lambda f: np.savez(f, **dict(zip(FILES, arrays))))
        write_atomic(_digest_file(cache), lambda f: f.write(_content_digest(arrays).encode() + b"\n"))
    except (OSError, WriteError):
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
