"""Matrix products cut to the size OpenBLAS multiplies fastest.

At the book's mini-batch of 10 most products are thin: 10 rows against a 2,880×100 weight matrix,
or 20 filters against 25×5,760 patches. OpenBLAS's AVX-512 cores (SkylakeX, Cooperlake,
SapphireRapids, which recent AMD EPYCs use too) have small-matrix kernels that skip the packing of
the operands, but only for products of at most 10⁶ multiply-adds (M·N·K ≤ 10⁶); past that the
packed path runs a thin product at a third of the speed (measured here: x wᵀ for a 10×2,880 x and a
100×2,880 w takes 207 µs in one call and 65 µs in three). :func:`matmul` therefore cuts such a
product into pieces under that size: along a wide output dimension, or along K (partial products
added up) when both output dimensions are narrow. Other cores (Haswell kernels, for example) have
no such path, and there the pieces measured slower, so the product stays whole.

The choice depends only on the shapes and on the BLAS core, never on timings, so training stays
deterministic on a given machine. ``NNDL_SPLIT_GEMM=0`` (or ``1``) forces it off (or on).
"""
from __future__ import annotations

import functools
import math
import os

import numpy as np
from threadpoolctl import threadpool_info

SMALL_KERNEL_CORES = ("skylakex", "cooperlake", "sapphirerapids")
SMALL_PRODUCT = 1_000_000  # multiply-adds: OpenBLAS's limit for its small-matrix kernels
THIN = 32  # products whose narrower output side exceeds this run well on the packed path
MIN_PIECE = 16  # an output slice narrower than this is not worth a call of its own
MAX_TRANSPOSED_COLUMNS = 112  # x wᵀ slows down threefold at 128 columns of a transposed operand


@functools.cache
def splits_products() -> bool:
    """Whether :func:`matmul` cuts thin products: when NumPy's BLAS is OpenBLAS on a core with
    small-matrix kernels (or as ``NNDL_SPLIT_GEMM`` says)."""
    forced = os.environ.get("NNDL_SPLIT_GEMM")
    if forced in ("0", "1"):
        return forced == "1"
    try:
        cores = [info.get("architecture", "") for info in threadpool_info()
                 if info.get("internal_api") == "openblas" and "numpy" in info.get("filepath", "")]
    except Exception:  # noqa: BLE001 (no introspection: keep NumPy's own product)
        return False
    return bool(cores) and cores[0].lower() in SMALL_KERNEL_CORES


def matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``a @ b`` for 2-D float arrays, in pieces when that is faster (see the module's docstring);
    the result is ``out`` when given."""
    m, k = a.shape
    n = b.shape[1]
    work = m * n * k
    if work <= SMALL_PRODUCT or min(m, n) > THIN or not splits_products():
        return np.matmul(a, b, out=out)
    if out is None:
        out = np.empty((m, n), np.result_type(a, b))
    pieces = math.ceil(work / SMALL_PRODUCT)
    if n >= m and n // pieces >= MIN_PIECE:  # slices of b's columns
        if not b.flags.c_contiguous:  # a transposed b: keep each slice under the slow width
            pieces = max(pieces, math.ceil(n / MAX_TRANSPOSED_COLUMNS))
        step = math.ceil(n / pieces)
        for j in range(0, n, step):
            np.matmul(a, b[:, j:j + step], out=out[:, j:j + step])
    elif m // pieces >= MIN_PIECE:  # slices of a's rows
        step = math.ceil(m / pieces)
        for i in range(0, m, step):
            np.matmul(a[i:i + step], b, out=out[i:i + step])
    else:  # both sides narrow: sum partial products over slices of K
        step = math.ceil(k / pieces)
        np.matmul(a[:, :step], b[:step], out=out)
        part = np.empty_like(out)
        for s in range(step, k, step):
            out += np.matmul(a[:, s:s + step], b[s:s + step], out=part)
    return out
