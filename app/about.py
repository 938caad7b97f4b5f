"""Help → About: the version, the book, MNIST's licence and the libraries the app stands on."""
from __future__ import annotations

import platform
from html import escape
from importlib.metadata import PackageNotFoundError, version

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QMessageBox, QWidget

from app import theme
from core import __version__

BOOK = "http://neuralnetworksanddeeplearning.com"
MNIST_LICENCE = "https://creativecommons.org/licenses/by-sa/3.0/"
#: (name shown, distribution) of every runtime dependency in pyproject.toml
LIBRARIES = [("NumPy", "numpy"), ("SciPy", "scipy"), ("Pillow", "pillow"), ("PySide6", "PySide6-Essentials"),
             ("pyqtgraph", "pyqtgraph"), ("tqdm", "tqdm"),
             ("platformdirs", "platformdirs"), ("threadpoolctl", "threadpoolctl")]


def library_versions() -> list[tuple[str, str]]:
    """(name, version) of Python, Qt and each library, as installed here."""
    found = [("Python", platform.python_version()), ("Qt", qVersion())]
    for name, distribution in LIBRARIES:
        try:
            found.append((name, version(distribution)))
        except PackageNotFoundError:  # e.g. the full PySide6 instead of PySide6-Essentials
            found.append((name, pyside_version if name == "PySide6" else "not installed"))
    return found


def about_html() -> str:
    libraries = ", ".join(f"{escape(name)} {escape(v)}" for name, v in library_versions())
    return (f"<h3>NNDL Explorer {__version__}</h3>"
            "<p>Michael Nielsen's <i>Neural Networks and Deep Learning</i> (2015), hands-on: "
            f"<a href='{BOOK}'>{BOOK}</a></p>"
            "<p>MNIST, the handwritten digits, by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, "
            f"under the <a href='{MNIST_LICENCE}'>CC BY-SA 3.0</a> licence.</p>"
            f"<p>Built with {libraries}.</p>"
            f"<p style='color: {theme.MUTED}'>NNDL Explorer is free software under the MIT licence.</p>")


def about_box(parent: QWidget) -> QMessageBox:
    """The About box (not yet shown); its icon is the application's."""
    box = QMessageBox(parent)
    box.setWindowTitle("About NNDL Explorer")
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(about_html())
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)  # links open the browser
    box.setIconPixmap(parent.windowIcon().pixmap(96, 96))
    return box
