"""Where the project's files live: bundled resources, the user's cache folder and data folder.

The bundled resources (MNIST with its licence note, the pretrained networks, the app's icon) are the
repository's ``resources/`` folder. An installed wheel carries them as the package data
``core/resources/`` (``setup.py`` puts them there) and they are found through ``importlib.resources``;
only a source checkout (``python main.py``, ``pip install -e .``), which has no such package data,
reads the checkout's own ``resources/`` folder beside ``core/``.
"""
from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs


def _resources() -> Path:
    packaged = files(__package__) / "resources"
    if isinstance(packaged, Path) and packaged.is_dir():  # an installed wheel (unpacked, as pip does)
        return packaged
    return Path(__file__).resolve().parent.parent / "resources"  # a source checkout


RESOURCES = _resources()


def cache_dir() -> Path:
    """The user cache folder (``NNDL_CACHE_DIR`` overrides it); created on demand by callers."""
    override = os.environ.get("NNDL_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("nndl-explorer"))


def data_dir() -> Path:
    """The user data folder, for what the user makes and keeps, such as their own digits
    (``NNDL_DATA_DIR`` overrides it); created on demand by callers."""
    override = os.environ.get("NNDL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("nndl-explorer"))
