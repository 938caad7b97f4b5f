"""The app's icon (SVG in the theme's colours, PNGs rendered from it) and the About box."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from app import theme
from app.about import LIBRARIES, about_box, about_html
from app.icon import PNG_SIZES, SVG, app_icon, png_path, render_svg
from app.main_window import MainWindow
from core import __version__

ROOT = Path(__file__).resolve().parents[2]


def _pixels(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGBA8888)
    return np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.width(), 4).astype(float)


def test_the_svg_uses_only_the_theme_colours():
    tokens = {value.lower() for value in vars(theme).values() if isinstance(value, str) and value.startswith("#")}
    colours = set(re.findall(r"#[0-9a-fA-F]{6}\b", SVG.read_text()))
    assert colours and {c.lower() for c in colours} <= tokens


@pytest.mark.parametrize("size", PNG_SIZES)
def test_each_png_is_the_svg_rendered_at_its_size(size, qapp):
    png = QImage(str(png_path(size)))
    assert (png.width(), png.height()) == (size, size)
    difference = np.abs(_pixels(png) - _pixels(render_svg(SVG, size)))
    assert difference.mean() < 2.0, "re-render the PNGs: python scripts/render_icons.py"


def test_the_window_has_the_icon_at_every_size(qtbot, tmp_path):
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        load_initial_network=False, lazy=True)
    qtbot.addWidget(window)
    sizes = {s.width() for s in window.windowIcon().availableSizes()}
    assert sizes == set(PNG_SIZES) == {s.width() for s in app_icon().availableSizes()}


def test_about_names_the_version_the_book_mnists_licence_and_the_libraries():
    text = about_html()
    assert f"NNDL Explorer {__version__}" in text
    assert "Neural Networks and Deep Learning" in text and "Michael Nielsen" in text
    assert "http://neuralnetworksanddeeplearning.com" in text
    assert "MNIST" in text and "CC BY-SA 3.0" in text and "creativecommons.org/licenses/by-sa/3.0" in text
    for name in ["Python", "Qt", *(name for name, _ in LIBRARIES)]:
        assert re.search(rf"{re.escape(name)} \d+\.\d+", text), name


def test_about_lists_every_runtime_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    required = {re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert required == {distribution.lower() for _, distribution in LIBRARIES}


def test_help_about_opens_the_box_with_the_app_icon(qtbot, tmp_path, monkeypatch):
    window = MainWindow(settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        load_initial_network=False, lazy=True)
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr("app.main_window.about_box", lambda parent: shown.append(about_box(parent)) or shown[-1])
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.exec", lambda self: 0)
    help_menu = window.menuBar().actions()[-1].menu()
    next(a for a in help_menu.actions() if "About" in a.text()).trigger()
    assert len(shown) == 1 and shown[0].text() == about_html()
    assert not shown[0].iconPixmap().isNull() and shown[0].windowTitle() == "About NNDL Explorer"
