"""The bundled pretrained networks: present, small, as accurate as their README says, and the default
one robust to digits drawn the way people draw them (bold, soft, thin pens, off-centre)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

from core import stroke_styles
from core.io import load_network
from core.models import MODELS_DIR, bundled_models, default_model_path


@pytest.fixture(scope="module")
def default_net():
    return load_network(default_model_path())


def test_bundled_files_are_small():
    sizes = [m.path.stat().st_size for m in bundled_models()]
    assert sum(sizes) < 10 * 2**20
    assert sum(p.stat().st_size for p in MODELS_DIR.glob("*.npz")) == sum(sizes)


def test_default_network_reaches_99_4_percent(default_net, mnist):
    assert default_net.input_shape == (1, 28, 28)
    assert default_net.accuracy(mnist.test.images, mnist.test.labels) >= 0.994


def test_ch1_network_reaches_95_percent(mnist):
    net = load_network(MODELS_DIR / "ch1-mlp.npz")
    assert net.sizes == [784, 30, 10]
    assert net.accuracy(mnist.test.images, mnist.test.labels) >= 0.95


@pytest.mark.parametrize("style", [s for s in stroke_styles.STYLES if s != "plain"])
def test_default_network_reads_every_pen_style(default_net, mnist, style):
    """Issue 16's targets are 97 % on all 10,000 test images in each style (benchmarks/bench_robustness.py:
    97.1-98.4 %). Here, to stay cheap, every tenth test image (both halves of the test set: its first
    5,000 digits are the tidier writers'), whose standard error is about half a point: at least 96 %
    (the network bundled before these styles were trained for read 81-83 % of the bold and soft ones)."""
    images, labels = mnist.test.images[::10], mnist.test.labels[::10]
    assert default_net.accuracy(stroke_styles.restyle(images, style), labels) >= 0.96


def test_default_network_reads_off_centre_digits(default_net, mnist):
    images, labels = mnist.test.images[::10], mnist.test.labels[::10]
    shifted = np.concatenate([ndimage.shift(images[:500], (0, 3, 2), order=1),
                              ndimage.shift(images[500:], (0, -3, -2), order=1)])
    assert default_net.accuracy(shifted, labels) >= 0.98
