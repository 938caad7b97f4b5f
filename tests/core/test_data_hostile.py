"""MNIST against hostile caches and files (issue 12, sections 6 and 7): the cache is judged by its
content, a folder in its place costs nothing, and a gz bomb is never decompressed past its header."""
from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from core import data
from core.data import BUNDLED_DIR, FILES, DataError, load_mnist
from tests import hostile as h

TEST_LABELS = [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty cache folder, filled by a first load; returns the cache file's path."""
    monkeypatch.setenv("NNDL_CACHE_DIR", str(tmp_path))
    load_mnist()
    (npz,) = tmp_path.glob("mnist-*.npz")
    return npz


def _zeros_cache(path):
    np.savez(path, **{k: np.zeros(s, np.uint8) for k, s in zip(FILES, data.CACHE_SHAPES)})


def test_the_cache_is_versioned_and_has_its_checksum_beside_it(cache):
    assert cache.name.startswith(f"mnist-v{data.CACHE_VERSION}-")
    digest = cache.with_name(cache.name + ".sha256").read_text().strip()
    umask = os.umask(0)
    os.umask(umask)
    assert len(digest) == 64 and os.stat(cache).st_mode & 0o777 == 0o666 & ~umask


def test_a_cache_of_the_right_shapes_but_wrong_content_is_not_used(cache):
    _zeros_cache(cache)
    assert list(load_mnist().test.labels[:10]) == TEST_LABELS
    assert data._read_cache(cache) is not None  # rebuilt: the next load reads it again


def test_a_cache_an_older_version_wrote_is_never_read(cache, tmp_path):
    key = cache.name.split("-")[-1]
    _zeros_cache(tmp_path / f"mnist-{key}")  # the name the version before this one used, without a checksum
    assert list(load_mnist().test.labels[:10]) == TEST_LABELS


def test_a_missing_or_wrong_checksum_file_rebuilds_the_cache(cache):
    digest = cache.with_name(cache.name + ".sha256")
    digest.unlink()
    assert data._read_cache(cache) is None
    assert list(load_mnist().test.labels[:10]) == TEST_LABELS and digest.is_file()
    digest.write_text("0" * 64)
    assert data._read_cache(cache) is None


def test_a_folder_in_the_caches_place_leaves_no_temporary_files(cache, tmp_path):
    digest = cache.with_name(cache.name + ".sha256")
    cache.unlink()
    cache.mkdir()
    for _ in range(2):
        assert list(load_mnist().test.labels[:10]) == TEST_LABELS
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([cache.name, digest.name]) and cache.is_dir()


def test_a_cache_with_extra_arrays_or_a_pickle_is_not_used(cache):
    arrays = {k: np.zeros(s, np.uint8) for k, s in zip(FILES, data.CACHE_SHAPES)}
    np.savez(cache, **arrays, extra=np.zeros(3))
    assert data._read_cache(cache) is None
    np.savez(cache, **{**arrays, "test_labels": np.array([None] * 10_000, dtype=object)})
    assert data._read_cache(cache) is None


BOMB = h.MEMORY + """
import json, sys
from core.data import DataError, load_mnist
load_mnist()  # the bundled copy first: what a normal run has in memory anyway
base = start_peak()
try:
    load_mnist(sys.argv[1])
    message = None
except DataError as exc:
    message = str(exc)
print(json.dumps({"message": message, "peak_mb": peak_since(base)}))
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="reads the resident size from /proc")
def test_a_gz_bomb_is_never_decompressed_past_its_header(tmp_path):
    """train-images decompresses to 300 MB; the code before this fix read all of it (and 3 GB took
    3.1 GB before a misleading message). Now: at most the 47 MB a valid file holds, and one line."""
    folder = h.mnist_folder_with_gz_bomb(tmp_path / "bomb", BUNDLED_DIR, 300 * 10**6)
    result = subprocess.run([sys.executable, "-c", BOMB, str(folder)], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": os.getcwd(), "NNDL_CACHE_DIR": str(tmp_path / "c")})
    report = json.loads(result.stdout)
    assert "has trailing bytes" in report["message"] and len(report["message"].splitlines()) == 1
    assert report["peak_mb"] < 100, report


def test_a_raw_file_longer_than_its_header_says_is_refused_before_reading(tmp_path, monkeypatch):
    for stem in FILES.values():
        (tmp_path / f"{stem}.gz").write_bytes((BUNDLED_DIR / f"{stem}.gz").read_bytes())
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    raw = h.sparse_file(tmp_path / "t10k-labels-idx1-ubyte", 10**9)
    with open(raw, "r+b") as f:
        f.write(gzip.decompress((BUNDLED_DIR / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    with pytest.raises(DataError, match="has trailing bytes: 1,000,000,000 bytes"):
        load_mnist(tmp_path)


def test_a_fifo_in_place_of_a_data_file_is_named(tmp_path):
    for stem in FILES.values():
        (tmp_path / f"{stem}.gz").write_bytes((BUNDLED_DIR / f"{stem}.gz").read_bytes())
    (tmp_path / "t10k-images-idx3-ubyte.gz").unlink()
    h.make_special(tmp_path / "t10k-images-idx3-ubyte.gz", "fifo")
    with pytest.raises(DataError, match="named pipe"):
        load_mnist(tmp_path)
