"""What every screenshot script shares: its command line (``--out``, ``--size``), the offscreen
application with the app's palette, the main window or a tab at a given size, waiting for the event
loop, and saving a widget as a PNG.

A script imports it first (``import shot``): that puts Qt offscreen and the repository on the path.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: the main window's size in the README's pictures
WINDOW = (1280, 820)
#: the menu, tab and status bars: what a tab's area lacks of the window's height
CHROME = 80


def window_size(text: str) -> tuple[int, int]:
    """``--size`` as (width, height): ``1024x640``."""
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not WIDTHxHEIGHT, e.g. 1280x800") from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"{text} is too small for the window")
    return width, height


def parser(doc: str, name: str | None = None) -> argparse.ArgumentParser:
    """A script's arguments: ``--size`` (the window's) and, given a ``name``, ``--out`` (default
    docs/screenshots/NAME.png)."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    if name is not None:
        p.add_argument("--out", default=str(ROOT / "docs" / "screenshots" / f"{name}.png"))
    p.add_argument("--size", type=window_size, default=WINDOW, metavar="WxH",
                   help=f"the main window's size (default {WINDOW[0]}x{WINDOW[1]})")
    return p


def application():
    """The QApplication, with the app's palette (as every main window has it)."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from app.theme.palette import apply_palette

    apply_palette(app)
    return app


def main_window(size: tuple[int, int], tab: str | None = None):
    """The whole app with settings of its own (a user's are not touched), shown at ``size``, with the
    tab titled ``tab`` (any case) in front."""
    from PySide6.QtCore import QSettings

    from app.main_window import MainWindow

    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, load_initial_network=False)
    window.resize(*size)
    window.show()
    if tab is not None:
        titles = [window.tabs.tabText(i).lower() for i in range(window.tabs.count())]
        window.tabs.setCurrentIndex(titles.index(tab.lower()))
    return window


def tab_size(size: tuple[int, int]) -> tuple[int, int]:
    """A tab's area in a main window of ``size``."""
    return size[0], size[1] - CHROME


def settle(app, rounds: int = 5, pause: float = 0.02) -> None:
    """Let queued reports and repaints through."""
    for _ in range(rounds):
        app.processEvents()
        time.sleep(pause)


def wait(app, condition, timeout: float = 300.0, what: str = "the tab") -> None:
    """Run the event loop until ``condition()`` holds (TimeoutError after ``timeout`` seconds)."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError(f"{what} did not get there in time")
        app.processEvents()
        time.sleep(0.005)


def save(widget, path) -> bool:
    """``widget`` as a PNG at ``path`` (its folder made if need be); says what it did."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ok = widget.grab().save(str(path), "PNG")
    print(f"wrote {path}" if ok else f"could not write {path}", file=sys.stdout if ok else sys.stderr)
    return ok
