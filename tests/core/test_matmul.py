"""core.matmul: a product cut into pieces is the same product."""
from __future__ import annotations

import numpy as np
import pytest

from core import matmul as mm


@pytest.fixture
def splitting(monkeypatch):
    monkeypatch.setattr(mm, "splits_products", lambda: True)


@pytest.mark.parametrize("shape, transposed_b, way", [
    ((10, 2880, 100), True, "columns of a transposed b"),  # x wᵀ of ch6-conv1's FC layer
    ((10, 100, 2880), False, "columns"),  # δ w going back
    ((200, 2880, 10), False, "rows"),
    ((20, 5760, 25), True, "K"),  # a conv layer's Σ δ · patch
])
def test_pieces_give_the_whole_product(splitting, shape, transposed_b, way):
    m, k, n = shape
    rng = np.random.default_rng(0)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((n, k)).astype(np.float32).T if transposed_b else \
        rng.standard_normal((k, n)).astype(np.float32)
    want = a.astype(np.float64) @ b.astype(np.float64)
    got = mm.matmul(a, b)
    assert got.shape == (m, n) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3 * np.sqrt(k))
    out = np.full((m, n), np.nan, np.float32)
    assert mm.matmul(a, b, out=out) is out
    np.testing.assert_array_equal(out, got)


def test_small_or_square_products_stay_whole(splitting, monkeypatch):
    calls = []
    real = np.matmul
    monkeypatch.setattr(mm.np, "matmul", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    a, b = np.ones((10, 784), np.float32), np.ones((784, 30), np.float32)
    mm.matmul(a, b)  # 235,200 multiply-adds: one call
    mm.matmul(np.ones((64, 800), np.float32), np.ones((800, 512), np.float32))  # not thin: one call
    assert len(calls) == 2


@pytest.mark.parametrize("value, expected", [("0", False), ("1", True)])
def test_the_environment_can_force_the_choice(monkeypatch, value, expected):
    monkeypatch.setenv("NNDL_SPLIT_GEMM", value)
    mm.splits_products.cache_clear()
    try:
        assert mm.splits_products() is expected
    finally:
        mm.splits_products.cache_clear()
