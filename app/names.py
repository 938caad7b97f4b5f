"""How the app names a network file: a bundled network by its title, any other by its file name.

Qt-free and light (paths only), so the main window can use it before the heavy modules load.
"""
from __future__ import annotations

from pathlib import Path

from core.models import bundled_models


def bundled_label(path: str | Path | None) -> str | None:
    """The title of the bundled network stored at ``path``, if it is one."""
    if not path:
        return None
    for model in bundled_models():
        try:
            if Path(path).resolve() == model.path.resolve():
                return model.title
        except OSError:
            continue
    return None


def network_label(path: str | Path) -> str:
    """How the status bar names the network in ``path``: a bundled network's title, else the file's
    name (the name the user gave it)."""
    return bundled_label(path) or Path(path).stem
