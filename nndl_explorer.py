"""The two commands, ``nndl`` (the command line) and ``nndl-explorer`` (the app).

NNDL Explorer installs its code as the top-level packages ``core`` and ``app``, the names the
project's public contracts use (``core.data.load_mnist``, ``app.main_window.MainWindow``). Those names
are generic: another package, or a folder named ``core`` or ``app`` earlier on Python's path, can
stand in for ours. This module has a name of its own, so it can run before either is imported: it
checks that both are the ones installed beside it and, if not, says so in one line (exit status 2)
instead of failing with a traceback from deep inside. An environment of its own (``pipx install``,
or a virtual environment) keeps the names free.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path

DISTRIBUTION = "nndl-explorer"
PACKAGES = ("core", "app")
HERE = Path(__file__).resolve().parent
REMEDY = "install NNDL Explorer with pipx, or in a virtual environment of its own (see its README)"


class ShadowedPackage(Exception):
    """``core`` or ``app`` is not NNDL Explorer's own; the message says where it comes from."""


def check_packages() -> None:
    """Raise :class:`ShadowedPackage` unless ``core`` and ``app`` are the packages installed beside
    this module (and not, e.g., a folder of the same name in the current directory, or another
    distribution's package installed over ours)."""
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)
        where = Path(spec.origin).resolve().parent if spec is not None and spec.origin else None
        if where is None:
            raise ShadowedPackage(f"Python finds no package {name!r} (NNDL Explorer's should be in {HERE}); "
                                  "reinstall NNDL Explorer")
        if where != HERE / name:
            raise ShadowedPackage(f"the package {name!r} that Python finds ({where}) is not NNDL Explorer's "
                                  f"({HERE / name}): another package or folder of that name comes first on "
                                  f"Python's path (PYTHONPATH, the current folder); {REMEDY}")
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            raise ShadowedPackage(f"the package {name!r} in {where} cannot be imported ({exc})") from exc
        if getattr(module, "DISTRIBUTION", None) != DISTRIBUTION:
            raise ShadowedPackage(f"{where} is not NNDL Explorer's {name!r} package: another installed "
                                  f"package uses the same name; {REMEDY}")


def _checked(command: str) -> bool:
    try:
        check_packages()
    except ShadowedPackage as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return False
    return True


def cli(argv: list[str] | None = None) -> int:
    """``nndl ...``: the command line (``core.cli``)."""
    if not _checked("nndl"):
        return 2
    # imported only once the check has passed: before it, `core` may not be ours
    from core.cli import main

    return main(argv)


def gui(argv: list[str] | None = None) -> int:
    """``nndl-explorer [--version | --install-desktop-entry ...]``: the app (``app.launch``)."""
    if not _checked("nndl-explorer"):
        return 2
    from app.launch import main

    return main(argv)


if __name__ == "__main__":
    sys.exit(gui())
