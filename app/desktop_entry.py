"""A Linux desktop entry (freedesktop.org): NNDL Explorer in the desktop's application menu, with its
icon. Written only on request (``nndl-explorer --install-desktop-entry``) into the user's own data
folder (``$XDG_DATA_HOME``, by default ``~/.local/share``):

    applications/nndl-explorer.desktop
    icons/hicolor/scalable/apps/nndl-explorer.svg, icons/hicolor/NxN/apps/nndl-explorer.png

Each file is written atomically (a temporary file renamed over the old one), and a path that exists
but is not a regular file (a folder, a link) is left alone. ``--remove-desktop-entry`` takes them away.
"""
from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QIODevice, QSaveFile

from app.icon import ICON_NAME, PNG_SIZES, SVG, png_path

APP_NAME = "NNDL Explorer"  # also QApplication's name, which Qt gives X11 windows as their class
# characters that make an Exec argument need quotes, and those escaped inside them (the spec's rules)
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_ESCAPED_IN_QUOTES = set('"`$\\')


class DesktopEntryError(Exception):
    """The entry cannot be written or removed; the message says which file and why."""


def data_home() -> Path:
    return platformdirs.user_data_path()


def entry_path() -> Path:
    return data_home() / "applications" / f"{ICON_NAME}.desktop"


def icon_targets() -> list[tuple[Path, Path]]:
    """(bundled icon file, where the desktop looks for it) for the SVG and every PNG size."""
    hicolor = data_home() / "icons" / "hicolor"
    return ([(SVG, hicolor / "scalable" / "apps" / f"{ICON_NAME}.svg")]
            + [(png_path(s), hicolor / f"{s}x{s}" / "apps" / f"{ICON_NAME}.png") for s in PNG_SIZES])


def launch_command() -> list[str]:
    """How the desktop starts the app: the command that is running now (the ``nndl-explorer``
    script, or ``python main.py``), made absolute."""
    here = Path(sys.argv[0]).absolute() if sys.argv and sys.argv[0] else None
    if here is not None and here.suffix == ".py" and here.is_file():
        return [sys.executable, str(here)]
    if here is not None and here.is_file() and os.access(here, os.X_OK):
        return [str(here)]
    return [sys.executable, "-m", "nndl_explorer"]


def exec_value(command: list[str]) -> str:
    """``command`` as a desktop entry's Exec value: arguments quoted where they need it, then the
    value escaped as a desktop entry string (``\\`` doubled) with ``%`` written ``%%``."""
    def quoted(arg: str) -> str:
        if arg and not set(arg) & _RESERVED:
            return arg
        return '"' + "".join("\\" + c if c in _ESCAPED_IN_QUOTES else c for c in arg) + '"'

    return " ".join(quoted(a) for a in command).replace("\\", "\\\\").replace("%", "%%")


def entry_text(command: list[str]) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        f"Name={APP_NAME}",
        "GenericName=Neural network explorer",
        "Comment=Neural Networks and Deep Learning, hands-on: draw digits, train the book's networks",
        f"Exec={exec_value(command)}",
        f"Icon={ICON_NAME}",
        "Terminal=false",
        "Categories=Education;ArtificialIntelligence;",
        "Keywords=neural;network;deep learning;MNIST;backpropagation;",
        f"StartupWMClass={APP_NAME}",
        "StartupNotify=true",
        "",
    ])


def _check_replaceable(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DesktopEntryError(f"cannot check {path}: {exc.strerror or exc}") from exc
    if not stat.S_ISREG(mode):
        raise DesktopEntryError(f"{path} exists and is not a regular file; left as it is, nothing written")


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DesktopEntryError(f"cannot create {path.parent}: {exc.strerror or exc}") from exc
    file = QSaveFile(str(path))
    if not (file.open(QIODevice.OpenModeFlag.WriteOnly) and file.write(data) == len(data) and file.commit()):
        reason = file.errorString()
        file.cancelWriting()
        raise DesktopEntryError(f"cannot write {path}: {reason}")


def install(command: list[str] | None = None) -> list[Path]:
    """Write the entry and the icons (every target checked before anything is written); returns the
    files written, the entry first."""
    files = [(entry_path(), entry_text(command or launch_command()).encode())]
    for source, target in icon_targets():
        try:
            files.append((target, source.read_bytes()))
        except OSError as exc:
            raise DesktopEntryError(f"cannot read the bundled icon {source}: {exc.strerror or exc}") from exc
    for target, _ in files:
        _check_replaceable(target)
    for target, data in files:
        _write(target, data)
    return [target for target, _ in files]


def remove() -> list[Path]:
    """Delete the entry and the icons that ``install`` wrote (regular files only); returns those deleted."""
    removed = []
    for target in [entry_path()] + [t for _, t in icon_targets()]:
        _check_replaceable(target)
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise DesktopEntryError(f"cannot remove {target}: {exc.strerror or exc}") from exc
        removed.append(target)
    return removed
