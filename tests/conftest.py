"""Test set-up shared by core and app tests: headless Qt, isolated settings and data, MNIST loaded once."""
from __future__ import annotations

import os
import tempfile

# Before anything imports Qt: draw offscreen, keep QSettings away from the user's own.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="nndl-test-config-")
# ...and the user's own digits (core.digit_store) away from theirs.
os.environ["NNDL_DATA_DIR"] = tempfile.mkdtemp(prefix="nndl-test-data-")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def mnist():
    """The bundled MNIST (50,000 / 10,000 / 10,000), loaded once per test session."""
    from core.data import load_mnist

    return load_mnist()
