"""The bundled pretrained networks: present, small, as accurate as their README says, and the default
one robust to digits drawn the way people draw them (bolder strokes, off-centre)."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage

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


def test_default_network_reads_bold_and_off_centre_digits(default_net, mnist):
    images, labels = mnist.test.images[:2000], mnist.test.labels[:2000]
    bold = ndimage.grey_dilation(images, footprint=np.ones((1, 2, 2), bool))
    shifted = np.concatenate([ndimage.shift(images[:1000], (0, 3, 2), order=1),
                              ndimage.shift(images[1000:], (0, -3, -2), order=1)])
    assert default_net.accuracy(bold, labels) >= 0.98
    assert default_net.accuracy(shifted, labels) >= 0.98
