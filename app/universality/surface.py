"""A shaded 3-D surface of z(x, y) on [0, 1]², drawn with QPainter (no OpenGL needed).

The grid is projected orthographically after a turn about the vertical axis (azimuth) and a tilt
(elevation); quads are painted far to near (painter's algorithm), coloured by height and shaded by a
fixed light. Drag to turn it.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme
from app.theme.palette import font
from app.theme.plots import SEQUENTIAL

BACKGROUND = QColor(theme.BACKGROUND)
MAX_CELLS = 48
LIGHT = np.array([-0.4, -0.5, 0.77])


class SurfaceView(QWidget):
    def __init__(self, title: str = "", cmap: pg.ColorMap = SEQUENTIAL, parent=None):
        super().__init__(parent)
        self.title = title
        self.cmap = cmap
        self.azimuth, self.elevation = -35.0, 32.0
        self.z: np.ndarray | None = None
        self.levels = (0.0, 1.0)
        self._press: QPointF | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 180)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("drag to turn the surface")

    def sizeHint(self) -> QSize:
        return QSize(420, 340)

    def set_data(self, z: np.ndarray, levels: tuple[float, float] | None = None) -> None:
        """``z`` is (rows along y, columns along x) on [0, 1]²; it is thinned to at most 48×48 cells."""
        z = np.asarray(z, dtype=np.float64)
        step = max(1, int(np.ceil((max(z.shape) - 1) / MAX_CELLS)))
        self.z = z[::step, ::step]
        self.levels = levels if levels is not None else (float(z.min()), float(z.max()))
        self.update()

    # --- projection --------------------------------------------------------------------------------
    def _project(self):
        """Screen points (rows, cols, 2), depth per quad and shading per quad."""
        z = self.z
        rows, cols = z.shape
        lo, hi = self.levels
        span = hi - lo if hi > lo else 1.0
        X, Y = np.meshgrid(np.linspace(-0.5, 0.5, cols), np.linspace(-0.5, 0.5, rows))
        H = (np.clip(z, lo, hi) - lo) / span * 0.55  # height of the surface in box units
        a, e = np.radians(self.azimuth), np.radians(self.elevation)
        xr = X * np.cos(a) - Y * np.sin(a)
        yr = X * np.sin(a) + Y * np.cos(a)
        sx = xr  # yr grows away from the viewer
        sy = -(H - 0.275) * np.cos(e) - yr * np.sin(e)  # screen y points down
        depth = -yr * np.cos(e) + (H - 0.275) * np.sin(e)  # larger = nearer the viewer
        w, h = self.width(), self.height() - 28
        # the turned unit square spans at most √2 across, and 0.55·cos e + √2·sin e down: fit that,
        # so the size does not change while the surface turns about the vertical
        scale = min((w - 16) / 1.45, (h - 12) / (0.55 * np.cos(e) + 1.42 * np.sin(e) + 0.05))
        points = np.stack([w / 2 + scale * sx, 26 + h / 2 + scale * sy], axis=-1)
        quad_depth = (depth[:-1, :-1] + depth[1:, 1:] + depth[:-1, 1:] + depth[1:, :-1]) / 4
        # normals from the height gradient (in box units), for Lambert shading
        dzdx = (H[:-1, 1:] - H[:-1, :-1] + H[1:, 1:] - H[1:, :-1]) / 2 * (cols - 1)
        dzdy = (H[1:, :-1] - H[:-1, :-1] + H[1:, 1:] - H[:-1, 1:]) / 2 * (rows - 1)
        normals = np.stack([-dzdx, -dzdy, np.ones_like(dzdx)], axis=-1)
        normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
        light = LIGHT / np.linalg.norm(LIGHT)
        shade = 0.45 + 0.55 * np.clip(normals @ light, 0, 1)
        value = (z[:-1, :-1] + z[1:, 1:] + z[:-1, 1:] + z[1:, :-1]) / 4
        return points, quad_depth, shade, (np.clip(value, lo, hi) - lo) / span, scale

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), BACKGROUND)
        p.setPen(QColor(theme.TEXT))
        p.setFont(font(theme.FONT_BODY))
        p.drawText(QRectF(0, 4, self.width(), 20), Qt.AlignmentFlag.AlignCenter, self.title)
        if self.z is None or min(self.z.shape) < 2:
            p.end()
            return
        points, depth, shade, value, _ = self._project()
        colours = self.cmap.map(value.ravel(), "byte")  # (n, 4) uint8
        shade = shade.ravel()
        order = np.argsort(depth.ravel())  # far first
        cols = self.z.shape[1] - 1
        edge = QPen(QColor(*theme.rgba(theme.SHADOW, 60)), 0.5)
        p.setPen(edge)
        for k in order:
            i, j = divmod(int(k), cols)
            r, g, b = (colours[k, :3] * shade[k]).astype(int)
            p.setBrush(QColor(int(r), int(g), int(b)))
            quad = points[i:i + 2, j:j + 2].reshape(4, 2)[[0, 1, 3, 2]]
            p.drawPolygon(QPolygonF([QPointF(float(x), float(y)) for x, y in quad]))
        self._axis_labels(p, points)
        p.end()

    def _axis_labels(self, p: QPainter, points: np.ndarray) -> None:
        """"x" and "y" beside the two front edges of the base."""
        p.setPen(QColor(theme.MUTED))
        rows, cols = points.shape[:2]
        x_mid = points[0, cols // 2]
        y_mid = points[rows // 2, 0]
        p.drawText(QPointF(float(x_mid[0]), float(x_mid[1]) + 16), "x")
        p.drawText(QPointF(float(y_mid[0]) - 16, float(y_mid[1]) + 4), "y")

    # --- turning with the mouse --------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        self._press = event.position()
        self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:
        if self._press is None:
            return
        d = event.position() - self._press
        self._press = event.position()
        self.azimuth = (self.azimuth - 0.5 * d.x()) % 360
        self.elevation = float(np.clip(self.elevation + 0.4 * d.y(), 5, 89))
        self.update()

    def mouseReleaseEvent(self, event) -> None:
        self._press = None
        self.setCursor(Qt.CursorShape.OpenHandCursor)
