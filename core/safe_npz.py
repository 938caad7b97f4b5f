"""Reading an ``.npz`` archive (a zip of ``.npy`` arrays) without trusting it.

Everything about the archive is judged before its data is: the file (a regular file, not larger
than the caller allows), the zip's central directory (its size, read from the end record before
:mod:`zipfile` parses it; no member twice, no encryption, only stored or deflated members, nothing
but ``.npy`` members), and each array's ``.npy`` header (at most 10,000 bytes, its shape and dtype
against what the caller expects, and the member's declared uncompressed size against exactly what
that header needs). Only then is data read, decompressed no further than that size, in chunks
straight into an array the caller allocated, and the zip's CRC checked at the end. Pickled
(object) arrays are never read. Any fault raises :class:`ArchiveError` with a one-line reason.
"""
from __future__ import annotations

import io
import math
import os
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Callable

import numpy as np

from core.atomic import kind_of

MAX_HEADER = 10_000  # bytes of .npy header (NumPy's own limit for untrusted files)
MAX_DIRECTORY = 1 << 20  # bytes of zip central directory: thousands of members
CHUNK = 1 << 20  # bytes decompressed and converted at a time
_END_RECORD = struct.Struct("<4s4H2LH")  # the zip's end-of-central-directory record
_ZIP64_LOCATOR = b"PK\x06\x07"


class ArchiveError(Exception):
    """The archive is not what it should be; the message (one line) says why."""


def open_regular(path: str | os.PathLike, max_bytes: int) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file of at most ``max_bytes`` bytes (a
    device, a FIFO or a folder is refused without reading a byte; opening a FIFO does not block)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ArchiveError(f"it is {kind_of(st.st_mode)}, not a regular file")
        if st.st_size > max_bytes:
            raise ArchiveError(f"it is {st.st_size / 1e6:,.0f} MB, larger than any file this program reads "
                               f"({max_bytes / 1e6:,.0f} MB)")
        if st.st_size == 0:
            raise ArchiveError("it is empty")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


@dataclass(frozen=True)
class ArrayHeader:
    shape: tuple[int, ...]
    dtype: np.dtype
    fortran_order: bool
    size: int  # bytes of magic, length and header before the data

    @property
    def data_bytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize


class Archive:
    """An ``.npz`` opened for checking. ``names`` are its arrays' names (without ``.npy``)."""

    def __init__(self, file: BinaryIO):
        _check_directory_size(file)
        try:
            self.zip = zipfile.ZipFile(file)
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, struct.error) as exc:
            raise ArchiveError(f"damaged or not an archive ({_line(exc)})") from None
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename
            if not name.endswith(".npy") or len(name) > 200:
                raise ArchiveError(f"unexpected member {name[:80]!r} in the archive")
            if name[:-4] in self.members:
                raise ArchiveError(f"the archive holds {name} twice")
            if info.flag_bits & 0x1:
                raise ArchiveError(f"{name} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ArchiveError(f"{name} uses an unsupported compression (method {info.compress_type})")
            self.members[name[:-4]] = info

    @property
    def names(self) -> set[str]:
        return set(self.members)

    def declared_size(self, name: str) -> int:
        """The uncompressed size the zip directory declares for array ``name``."""
        return self.members[name].file_size

    def header(self, name: str) -> ArrayHeader:
        """Array ``name``'s ``.npy`` header (its first bytes only are decompressed); checks that the
        member's declared size is exactly header + data."""
        with self._open(name) as f:
            return self._header(f, name)

    def read_into(self, name: str, out: np.ndarray, accept: Callable[[np.dtype], bool], what: str,
                  finite: bool = False) -> None:
        """Read array ``name`` into ``out`` (C-contiguous, allocated by the caller with the shape
        the array must have), converting to ``out.dtype`` chunk by chunk. ``accept`` says which
        stored dtypes are fine (``what`` names them in the message); ``finite`` refuses NaN and
        infinities (after conversion: a float64 too large for float32 is refused too)."""
        with self._open(name) as f:
            header = self._header(f, name)
            if header.shape != out.shape:
                raise ArchiveError(f"{name} has shape {header.shape}, expected {out.shape}")
            if not accept(header.dtype):
                raise ArchiveError(f"{name} holds {header.dtype} values, expected {what}")
            dest = np.empty(out.shape[::-1], out.dtype) if header.fortran_order and out.ndim > 1 else out
            flat = dest.reshape(-1)
            step = max(1, CHUNK // max(1, header.dtype.itemsize))
            with np.errstate(over="ignore", invalid="ignore"):
                for start in range(0, flat.size, step):
                    count = min(step, flat.size - start)
                    raw = self._read_exact(f, count * header.dtype.itemsize, name)
                    part = flat[start:start + count]
                    part[...] = np.frombuffer(raw, header.dtype)
                    if finite and not np.isfinite(part).all():
                        raise ArchiveError(f"{name} contains NaN or infinite values")
            self._read_exact(f, 0, name, at_end=True)
            if dest is not out:
                out[...] = dest.T

    def _open(self, name: str):
        try:
            return self.zip.open(self.members[name])
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            raise ArchiveError(f"{name}.npy is damaged ({_line(exc)})") from None

    def _header(self, f, name: str) -> ArrayHeader:
        magic = self._read_exact(f, 8, name)
        if magic[:6] != b"\x93NUMPY":
            raise ArchiveError(f"{name}.npy is not a NumPy array")
        if magic[6] not in (1, 2):
            raise ArchiveError(f"{name}.npy has an unknown header version {magic[6]}.{magic[7]}")
        length_bytes = self._read_exact(f, 2 if magic[6] == 1 else 4, name)
        length = int.from_bytes(length_bytes, "little")
        if length > MAX_HEADER:
            raise ArchiveError(f"the header of {name}.npy is {length:,} bytes (at most {MAX_HEADER:,})")
        text = self._read_exact(f, length, name)
        reader = np.lib.format.read_array_header_1_0 if magic[6] == 1 else np.lib.format.read_array_header_2_0
        try:
            shape, fortran_order, dtype = reader(io.BytesIO(length_bytes + text), max_header_size=MAX_HEADER)
        except Exception as exc:  # NumPy's messages about a bad header: any of them, kept to one line
            raise ArchiveError(f"{name}.npy has a bad header ({_line(exc)})") from None
        if dtype.hasobject:
            raise ArchiveError(f"{name}.npy holds Python objects (a pickle), which are never read")
        if any(int(d) < 0 for d in shape):
            raise ArchiveError(f"{name}.npy has a negative shape {shape}")
        header = ArrayHeader(tuple(int(d) for d in shape), dtype, bool(fortran_order), 8 + len(length_bytes) + length)
        declared = self.members[name].file_size
        if declared != header.size + header.data_bytes:
            raise ArchiveError(f"{name}.npy is {declared:,} bytes in the archive's directory, but its header "
                               f"says {header.size + header.data_bytes:,}")
        return header

    @staticmethod
    def _read_exact(f, n: int, name: str, at_end: bool = False) -> bytes:
        try:
            data = f.read(n) if n else b""
            extra = f.read(1) if at_end else b""  # reading to the end makes zipfile check the CRC
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
            raise ArchiveError(f"{name}.npy is damaged ({_line(exc)})") from None
        if len(data) != n:
            raise ArchiveError(f"{name}.npy is truncated")
        if extra:
            raise ArchiveError(f"{name}.npy has data after its array")
        return data


def _check_directory_size(file: BinaryIO) -> None:
    """Refuse a central directory larger than :data:`MAX_DIRECTORY` before :mod:`zipfile` reads it
    (it keeps an object per member): the end record is found exactly as zipfile finds it."""
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(max(0, size - _END_RECORD.size - 0xFFFF))
    tail = file.read()
    file.seek(0)
    at = len(tail) - _END_RECORD.size
    if not (at >= 0 and tail[at:at + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        at = tail.rfind(b"PK\x05\x06")
    record = tail[at:at + _END_RECORD.size] if at >= 0 else b""
    if len(record) != _END_RECORD.size:
        raise ArchiveError("not an archive (no zip directory)")
    entries, directory_bytes = _END_RECORD.unpack(record)[4:6]
    if at >= 20 and tail[at - 20:at - 16] == _ZIP64_LOCATOR:
        raise ArchiveError("the archive is a ZIP64 archive, which a network file never needs")
    if directory_bytes > MAX_DIRECTORY or entries > MAX_DIRECTORY // 46:  # 46 bytes: the smallest entry
        raise ArchiveError(f"the archive's directory is {directory_bytes:,} bytes for {entries:,} members, "
                           "far more than a network file has")


def _line(exc: BaseException) -> str:
    """The first line of an exception's message (NumPy's and zipfile's can run to several)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
