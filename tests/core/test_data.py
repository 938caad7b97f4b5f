"""The MNIST loader against the facts in shared/data/mnist/README.md, and its answers to bad files."""
from __future__ import annotations

import gzip
import shutil

import numpy as np
import pytest

from core.data import BUNDLED_DIR, FILES, DataError, Split, expand_mnist, load_mnist, parse_idx


def test_splits_shapes_and_types(mnist):
    assert (len(mnist.train), len(mnist.validation), len(mnist.test)) == (50_000, 10_000, 10_000)
    for split in (mnist.train, mnist.validation, mnist.test):
        assert split.images.dtype == np.float32 and split.images.shape[1:] == (28, 28)
        assert split.labels.dtype == np.int64
        assert 0.0 <= split.images.min() and split.images.max() <= 1.0


def test_known_facts(mnist):
    assert list(mnist.train.labels[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(mnist.test.labels[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    train_labels = np.concatenate([mnist.train.labels, mnist.validation.labels])
    assert list(np.bincount(train_labels)) == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert list(np.bincount(mnist.test.labels)) == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    all_train = np.concatenate([mnist.train.images, mnist.validation.images])
    assert all_train.mean(dtype=np.float64) * 255 == pytest.approx(33.318, abs=0.001)


def test_validation_is_the_end_of_the_training_file(tmp_path):
    data = load_mnist(validation=5_000)
    assert (len(data.train), len(data.validation)) == (55_000, 5_000)


def _copy_raw(tmp_path):
    """An ungzipped copy of the bundled files (a user's folder of raw IDX files)."""
    for stem in FILES.values():
        with gzip.open(BUNDLED_DIR / f"{stem}.gz") as src, open(tmp_path / stem, "wb") as dst:
            shutil.copyfileobj(src, dst)
    return tmp_path


def test_folder_of_raw_idx_files_loads(tmp_path, mnist):
    data = load_mnist(_copy_raw(tmp_path))
    np.testing.assert_array_equal(data.test.labels, mnist.test.labels)
    np.testing.assert_array_equal(data.train.images[:5], mnist.train.images[:5])


@pytest.mark.parametrize("damage,message", [
    (lambda p: p.unlink(), "missing"),
    (lambda p: p.write_bytes(p.read_bytes()[:1000]), "truncated"),
    (lambda p: p.write_bytes(b"\x00\x00\x08\x04" + p.read_bytes()[4:]), "bad magic number"),
    (lambda p: p.write_bytes(b"\x00\x00"), "shorter than its header"),
    (lambda p: p.write_bytes(p.read_bytes() + b"xx"), "trailing bytes"),
])
def test_damaged_raw_file_names_file_and_fault(tmp_path, damage, message):
    folder = _copy_raw(tmp_path)
    victim = folder / "t10k-images-idx3-ubyte"
    damage(victim)
    with pytest.raises(DataError, match=message) as info:
        load_mnist(folder)
    assert "t10k-images-idx3-ubyte" in str(info.value)


def test_corrupt_gzip_is_a_data_error(tmp_path):
    for stem in FILES.values():
        shutil.copy(BUNDLED_DIR / f"{stem}.gz", tmp_path)
    blob = bytearray((tmp_path / "train-labels-idx1-ubyte.gz").read_bytes())
    blob[len(blob) // 2:len(blob) // 2 + 64] = bytes(64)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(bytes(blob))
    with pytest.raises(DataError, match="train-labels-idx1-ubyte.gz"):
        load_mnist(tmp_path)


def test_missing_folder_and_bad_label():
    with pytest.raises(DataError, match="no such folder"):
        load_mnist("/nonexistent/mnist")
    header = np.array([0x801, 3], ">i4").tobytes()
    with pytest.raises(DataError, match="not a digit"):
        parse_idx(header + bytes([1, 2, 12]), "labels", 0x801)


def test_bundled_checksum_is_verified(tmp_path, monkeypatch):
    import core.data as data

    for name in list(FILES.values()):
        shutil.copy(BUNDLED_DIR / f"{name}.gz", tmp_path)
    shutil.copy(BUNDLED_DIR / "SHA256SUMS", tmp_path)
    victim = tmp_path / "t10k-labels-idx1-ubyte.gz"
    blob = bytearray(victim.read_bytes())
    blob[100] ^= 0xFF  # one flipped byte
    victim.write_bytes(bytes(blob))
    monkeypatch.setattr(data, "BUNDLED_DIR", tmp_path)
    with pytest.raises(DataError, match="checksum mismatch"):
        data.load_mnist()


def test_expand_mnist_shifts_by_one_pixel():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 10, 12] = 1.0
    expanded = expand_mnist(Split(image, np.array([3])))
    assert expanded.images.shape == (5, 28, 28) and list(expanded.labels) == [3] * 5
    spots = {tuple(np.argwhere(im)[0]) for im in expanded.images}
    assert spots == {(10, 12), (9, 12), (11, 12), (10, 11), (10, 13)}


def test_expand_mnist_blanks_what_wraps_round():
    image = np.zeros((1, 28, 28), np.float32)
    image[0, 0, :] = 1.0  # top row: shifting up must not bring it in at the bottom
    up = expand_mnist(Split(image, np.array([0]))).images[1]
    assert up.sum() == 0
