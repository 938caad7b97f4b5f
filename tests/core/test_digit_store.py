"""The store of a person's digits: kept in the user data folder, round trips, export and import, and a
one-line DigitFileError for any bad file, judged before the arrays are read."""
from __future__ import annotations

import io
import json
import os
import zipfile

import numpy as np
import pytest

from core import digit_store
from core.digit_store import DigitFileError, DigitStore, default_store_path, read_digits, write_digits
from core.io import save_network
from core.network import Network


def _digits(mnist, n=5):
    return mnist.test.images[:n].copy(), mnist.test.labels[:n].copy()


def test_default_place_is_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("NNDL_DATA_DIR", str(tmp_path))
    assert default_store_path() == tmp_path / "my-digits.npz"
    assert DigitStore.open().path == tmp_path / "my-digits.npz"


def test_every_change_is_saved_and_reopens_the_same(tmp_path, mnist):
    path = tmp_path / "sub" / "mine.npz"
    store = DigitStore.open(path)
    assert len(store) == 0 and not path.exists()
    images, labels = _digits(mnist)
    for image, label in zip(images, labels):
        store.add(image, int(label))
    store.remove(1)
    again = DigitStore.open(path)
    np.testing.assert_array_equal(again.images, np.delete(images, 1, axis=0))
    np.testing.assert_array_equal(again.labels, np.delete(labels, 1))
    assert again.counts().sum() == 4 and list(again.indices_of(int(labels[0]))) == [0]
    again.clear()
    assert len(DigitStore.open(path)) == 0
    assert [p.name for p in path.parent.iterdir()] == ["mine.npz"]  # no temporary file left behind


def test_export_and_import_merge_without_duplicates(tmp_path, mnist):
    images, labels = _digits(mnist, 6)
    a = DigitStore(tmp_path / "a.npz")
    for image, label in zip(images[:4], labels[:4]):
        a.add(image, int(label))
    exported = a.export(tmp_path / "shared.npz")
    b = DigitStore(tmp_path / "b.npz")
    b.add(images[0], int(labels[0]))
    b.add(images[5], int(labels[5]))
    assert b.import_file(exported) == 3  # images[0] was already there
    assert len(b) == 5 and len(DigitStore.open(tmp_path / "b.npz")) == 5


def test_bad_digits_are_refused(tmp_path):
    store = DigitStore(tmp_path / "x.npz")
    with pytest.raises(ValueError, match="28×28"):
        store.add(np.zeros((20, 20)), 1)
    with pytest.raises(ValueError, match="0-9"):
        store.add(np.zeros((28, 28)), 10)
    with pytest.raises(IndexError, match="no digit at index 0"):
        store.remove(0)


def test_save_never_replaces_a_folder_and_keeps_the_old_file_on_failure(tmp_path, mnist, monkeypatch):
    (tmp_path / "dir.npz").mkdir()
    with pytest.raises(DigitFileError, match="not a regular file"):
        write_digits(tmp_path / "dir.npz", *_digits(mnist))
    target = write_digits(tmp_path / "keep.npz", *_digits(mnist))
    original = target.read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez_compressed", full_disk)
    with pytest.raises(DigitFileError, match="No space left"):
        write_digits(target, *_digits(mnist, 2))
    assert target.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.npz", "keep.npz"]


def _npz(path, **arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    path.write_bytes(buffer.getvalue())
    return path


def _meta(**changes):
    meta = {"format": "nndl-explorer-digits", "version": 1, "count": 1, **changes}
    return np.frombuffer(json.dumps(meta).encode(), np.uint8)


def _huge_images_header(path):
    """A file claiming 10 million images, with a few bytes of them: refused from its header alone."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (10_000_000, 28, 28)})
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("meta.json.npy", _npy(_meta()))
        z.writestr("images.npy", header.getvalue() + b"\0" * 64)
        z.writestr("labels.npy", _npy(np.zeros(1, np.int64)))
    return path


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


ONE = np.zeros((1, 28, 28), np.float32)
LABEL = np.zeros(1, np.int64)


@pytest.mark.parametrize("make,message", [
    (lambda p: p.write_bytes(os.urandom(2048)), "not a digits file"),
    (lambda p: p.write_bytes(b""), "not a digits file"),
    (lambda p: p.write_bytes(write_digits(p, ONE, LABEL).read_bytes()[:200]), "not a digits file|not a valid"),
    (lambda p: save_network(Network.mlp([784, 10, 10]), p), "network file"),
    (lambda p: _npz(p, images=ONE, labels=LABEL), "no metadata"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": ONE, "labels": LABEL, "extra": LABEL}), "unexpected"),
    (lambda p: _npz(p, **{"meta.json": _meta(version=9), "images": ONE, "labels": LABEL}), "newer"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": ONE.astype(np.float64), "labels": LABEL}), "float64"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": np.zeros((1, 20, 20), np.float32), "labels": LABEL}),
     "shape"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": ONE, "labels": np.zeros(2, np.int64)}), "shape"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": ONE + 3, "labels": LABEL}), r"\[0, 1\]"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": ONE, "labels": LABEL + 11}), "0-9"),
    (lambda p: _npz(p, **{"meta.json": _meta(), "images": np.array([None] * 1, object), "labels": LABEL}),
     "object"),
    (_huge_images_header, "shape"),
    (lambda p: p.mkdir(), "folder"),
])
def test_bad_files_are_refused_with_one_line(tmp_path, make, message):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(DigitFileError, match=message) as info:
        read_digits(path)
    assert "\n" not in str(info.value)
    store = DigitStore(tmp_path / "mine.npz")
    with pytest.raises(DigitFileError):
        store.import_file(path)
    assert len(store) == 0 and not store.path.exists()


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = write_digits(tmp_path / "big.npz", ONE, LABEL)
    monkeypatch.setattr(digit_store, "MAX_FILE_BYTES", 100)
    with pytest.raises(DigitFileError, match="too large"):
        read_digits(path)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(DigitFileError, match="no such file"):
        read_digits(tmp_path / "nope.npz")
