"""The app's icon: ``resources/icons/nndl-explorer.svg`` (drawn in the theme's colours) and its PNG
renders (``scripts/render_icons.py`` makes them), for the window, the task bar and the desktop entry.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from core.paths import RESOURCES

ICON_NAME = "nndl-explorer"  # also the desktop entry's name and Wayland's app id
ICON_DIR = RESOURCES / "icons"
SVG = ICON_DIR / f"{ICON_NAME}.svg"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int) -> Path:
    return ICON_DIR / f"{ICON_NAME}-{size}.png"


def app_icon() -> QIcon:
    """The icon at every rendered size (Qt picks the nearest for the title bar, task bar, dialogs)."""
    icon = QIcon()
    for size in PNG_SIZES:
        icon.addFile(str(png_path(size)), QSize(size, size))
    return icon


def render_svg(path: Path, size: int) -> QImage:
    """The SVG at ``path`` drawn into a transparent ``size`` × ``size`` image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(path)).render(painter)
    painter.end()
    return image
