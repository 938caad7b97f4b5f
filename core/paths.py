"""Where the project's files live: bundled resources, the user's cache folder and data folder."""
from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"


def cache_dir() -> Path:
    """The user cache folder (``NNDL_CACHE_DIR`` overrides it); created on demand by callers."""
    override = os.environ.get("NNDL_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("nndl-explorer"))


def data_dir() -> Path:
    """The user data folder, for what the user makes and keeps, such as their own digits
    (``NNDL_DATA_DIR`` overrides it); created on demand by callers."""
    override = os.environ.get("NNDL_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("nndl-explorer"))
