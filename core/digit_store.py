"""The digits a person has drawn to teach a network their handwriting, kept between sessions.

A :class:`DigitStore` holds (n, 28, 28) float32 images (already through ``canvas_to_mnist``) and their
labels. It lives in one file in the user data folder (``platformdirs``; ``NNDL_DATA_DIR`` overrides
it), written atomically after every change; the same file format exports and imports a collection.

The file is an ``.npz`` archive of three members: ``meta.json`` (format name and version),
``images`` (float32, (n, 28, 28), values in [0, 1]) and ``labels`` (int64, (n,), 0-9). Reading never
trusts the bytes: the file's size, the members' uncompressed sizes and the arrays' headers (dtype and
shape) are judged before anything is allocated, pickles are refused, and every fault raises
:class:`DigitFileError` with a one-line reason.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Callable, BinaryIO

import numpy as np

from core.atomic import WriteError, write_atomic
from core.paths import data_dir

FORMAT = "nndl-explorer-digits"
VERSION = 1
FILENAME = "my-digits.npz"
#: at most this many digits in a collection (about 31 MB of images), and files at most this large
MAX_DIGITS = 10_000
MAX_FILE_BYTES = 64 * 2**20
_MEMBERS = {"meta.json.npy", "images.npy", "labels.npy"}


class DigitFileError(Exception):
    """A digits file cannot be read or written; the message (one line) says why."""


def default_store_path() -> Path:
    """Where the person's digits are kept: ``my-digits.npz`` in the user data folder."""
    return data_dir() / FILENAME


class DigitStore:
    """A person's labelled digits, saved to ``path`` after every change when ``autosave`` is on."""

    def __init__(self, path: str | os.PathLike | None = None, autosave: bool = True):
        self.path = Path(path) if path is not None else default_store_path()
        self.autosave = autosave
        self.images = np.zeros((0, 28, 28), np.float32)
        self.labels = np.zeros(0, np.int64)

    @classmethod
    def open(cls, path: str | os.PathLike | None = None, autosave: bool = True) -> "DigitStore":
        """The store at ``path`` (default: the user data folder), empty if there is no file yet;
        :class:`DigitFileError` if there is a file and it is not a digits file."""
        store = cls(path, autosave)
        if store.path.exists():
            store.images, store.labels = read_digits(store.path)
        return store

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> np.ndarray:
        """How many digits of each class, (10,) int64."""
        return np.bincount(self.labels, minlength=10)

    def indices_of(self, digit: int) -> np.ndarray:
        """The indices of the stored examples of ``digit``, oldest first."""
        return np.flatnonzero(self.labels == digit)

    def add(self, image: np.ndarray, label: int) -> int:
        """Keep ``image`` (28, 28) in [0, 1] as an example of ``label``; returns its index."""
        image = np.asarray(image, dtype=np.float32)
        if image.shape != (28, 28) or not np.isfinite(image).all() or image.min() < 0 or image.max() > 1:
            raise ValueError("a digit must be a 28×28 image with values in [0, 1]")
        if not isinstance(label, (int, np.integer)) or isinstance(label, bool) or not 0 <= label <= 9:
            raise ValueError(f"a digit's label must be 0-9, not {label!r}")
        if len(self) >= MAX_DIGITS:
            raise ValueError(f"the collection is full ({MAX_DIGITS:,} digits): delete some first")
        self.images = np.concatenate([self.images, image[None]])
        self.labels = np.append(self.labels, np.int64(label))
        self._changed()
        return len(self) - 1

    def remove(self, index: int) -> None:
        """Delete the digit at ``index``."""
        if not 0 <= index < len(self):
            raise IndexError(f"no digit at index {index} (the collection has {len(self)})")
        self.images = np.delete(self.images, index, axis=0)
        self.labels = np.delete(self.labels, index)
        self._changed()

    def clear(self) -> None:
        self.images, self.labels = self.images[:0], self.labels[:0]
        self._changed()

    def export(self, path: str | os.PathLike) -> Path:
        """Write the whole collection to ``path`` (one file another copy of the app can import)."""
        return write_digits(path, self.images, self.labels)

    def import_file(self, path: str | os.PathLike) -> int:
        """Add the digits of a digits file to this collection, skipping any already here; returns how
        many were added. A bad file raises :class:`DigitFileError` and changes nothing."""
        images, labels = read_digits(path)
        have = {(int(l), im.tobytes()) for im, l in zip(self.images, self.labels)}
        new = [i for i, (im, l) in enumerate(zip(images, labels)) if (int(l), im.tobytes()) not in have]
        new = list(dict.fromkeys(new))
        if len(self) + len(new) > MAX_DIGITS:
            raise DigitFileError(f"{Path(path).name}: importing {len(new):,} digits would make more than "
                                 f"{MAX_DIGITS:,}; delete some first")
        if new:
            self.images = np.concatenate([self.images, images[new]])
            self.labels = np.concatenate([self.labels, labels[new]])
            self._changed()
        return len(new)

    def save(self) -> Path:
        return write_digits(self.path, self.images, self.labels)

    def _changed(self) -> None:
        if self.autosave:
            self.save()


# --- the file --------------------------------------------------------------------------------------

def write_digits(path: str | os.PathLike, images: np.ndarray, labels: np.ndarray) -> Path:
    """Write a digits file atomically (a temporary file beside ``path``, renamed over it); refuses to
    replace anything that is not a regular file. Raises :class:`DigitFileError`."""
    path = Path(path)
    meta = json.dumps({"format": FORMAT, "version": VERSION, "count": int(len(labels))}).encode()
    arrays = {"meta.json": np.frombuffer(meta, np.uint8), "images": np.asarray(images, np.float32),
              "labels": np.asarray(labels, np.int64)}
    _write_atomically(path, lambda f: np.savez_compressed(f, **arrays))
    return path


def _write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """``core.atomic.write_atomic`` into the store's folder (made if missing), its error as ours."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, write)
    except OSError as exc:
        raise DigitFileError(f"cannot save {path}: {exc.strerror or exc}") from None
    except WriteError as exc:
        raise DigitFileError(str(exc)) from None


def read_digits(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) from a digits file; :class:`DigitFileError` (naming the file) for any bad one."""
    path = Path(path)
    try:
        if not path.is_file():
            raise DigitFileError(f"{path}: " + ("is a folder, not a digits file" if path.is_dir()
                                                  else "no such file" if not path.exists() else "not a regular file"))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DigitFileError(f"{path.name}: {size / 2**20:.0f} MB is too large for a digits file "
                                 f"(at most {MAX_FILE_BYTES // 2**20} MB)")
        blob = path.read_bytes()
    except OSError as exc:
        raise DigitFileError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        return _decode(blob)
    except DigitFileError as exc:
        raise DigitFileError(f"{path.name}: {exc}") from None
    except Exception as exc:  # whatever the bytes: one readable line, never a traceback
        raise DigitFileError(f"{path.name}: not a valid digits file ({type(exc).__name__}: {exc})") from None


def _decode(blob: bytes) -> tuple[np.ndarray, np.ndarray]:
    if not zipfile.is_zipfile(io.BytesIO(blob)):
        raise DigitFileError("not a digits file (expected an .npz archive saved by NNDL Explorer)")
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        names = set(archive.namelist())
        if "meta.json.npy" not in names:
            raise DigitFileError("no metadata (meta.json): not a digits file saved by NNDL Explorer")
        meta = _read_member(archive, "meta.json.npy", np.uint8, lambda shape: len(shape) == 1 and shape[0] <= 4096)
        try:
            meta = json.loads(meta.tobytes().decode())
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DigitFileError(f"unreadable metadata ({exc})") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise DigitFileError("not a digits file (a network file? File → Open network… opens those)"
                                 if isinstance(meta, dict) and meta.get("format") == "nndl-explorer-network"
                                 else "not an NNDL Explorer digits file")
        if not isinstance(meta.get("version"), int) or meta["version"] > VERSION:
            raise DigitFileError(f"file format version {meta.get('version')} is newer than this program reads "
                                 f"({VERSION}); please update NNDL Explorer")
        if names != _MEMBERS:
            raise DigitFileError(f"unexpected contents ({', '.join(sorted(names))})")
        images = _read_member(archive, "images.npy", np.float32,
                              lambda shape: len(shape) == 3 and shape[1:] == (28, 28) and shape[0] <= MAX_DIGITS)
        labels = _read_member(archive, "labels.npy", np.int64, lambda shape: shape == (len(images),))
    if not np.isfinite(images).all() or (len(images) and (images.min() < 0 or images.max() > 1)):
        raise DigitFileError("images hold values outside [0, 1]")
    if len(labels) and (labels.min() < 0 or labels.max() > 9):
        raise DigitFileError("labels must be the digits 0-9")
    return images, labels


def _read_member(archive: zipfile.ZipFile, name: str, dtype, shape_ok) -> np.ndarray:
    """One array of the archive, its header (dtype, shape) and size judged before it is read."""
    info = archive.getinfo(name)
    with archive.open(info) as f:
        what = name[:-4]
        version = np.lib.format.read_magic(f)
        read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                       (2, 0): np.lib.format.read_array_header_2_0}.get(version)
        if read_header is None:
            raise DigitFileError(f"{what}: unsupported array format {version}")
        shape, fortran, found = read_header(f)
        if found != np.dtype(dtype):
            raise DigitFileError(f"{what} holds {found} values, expected {np.dtype(dtype)}")
        if not shape_ok(shape):
            raise DigitFileError(f"{what} has shape {shape}, which a digits file cannot have "
                                 f"(at most {MAX_DIGITS:,} images of 28×28, one label each)")
        expected = int(np.prod(shape)) * found.itemsize
        if info.file_size > expected + 4096:
            raise DigitFileError(f"{what}: {info.file_size:,} bytes inside, expected about {expected:,}")
        data = f.read(expected + 1)
    if len(data) != expected:
        raise DigitFileError(f"{what} is truncated")
    array = np.frombuffer(data, dtype=found)
    return array.reshape(shape[::-1]).T.copy() if fortran else array.reshape(shape).copy()
