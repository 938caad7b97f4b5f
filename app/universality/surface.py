"""A shaded 3-D surface of z(x, y) on [0, 1]², with its axes, drawn with QPainter (no OpenGL needed).

The grid is projected orthographically after a turn about the vertical axis (azimuth) and a tilt
(elevation); quads are painted far to near (painter's algorithm), coloured by height and shaded by a
fixed light. The base is outlined and labelled along x and y (0, 0.5, 1), and a z axis stands at the
base's far corner (behind the surface) with the colour scale's values. Drag to turn it. The cells are painted without
antialiasing (their 1-pixel mesh lines hide the steps): a turn or a new value repaints ~2,000 cells
in ~10 ms rather than ~50.

A grid need not be even: a caller whose function jumps (a tower's walls) passes the x and y of its
columns and rows with two of them just either side of each jump, and the walls come out vertical
(on an even grid they would slope across a whole cell).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import numbers, theme
from app.theme.palette import font
from app.theme.plots import SEQUENTIAL

BACKGROUND = QColor(theme.BACKGROUND)
LABEL_CARD = QColor(*theme.rgba(theme.BACKGROUND, 210))  # under the z axis's numbers, which the surface may cross
MAX_CELLS = 48
LIGHT = np.array([-0.4, -0.5, 0.77])
HEIGHT = 0.55  # the top of the colour scale, in box units (the base is 1 × 1)
TITLE = 26  # px above the box for the title
LABEL_ROOM = 30  # px kept on either side of the box, and below it, for the ticks' numbers and the axes' names
TICK = 5  # px


def even_coordinates(n: int) -> np.ndarray:
    return np.linspace(0.0, 1.0, n)


def coordinates_with_jumps(jumps, n: int = 41, gap: float = 5e-3) -> np.ndarray:
    """An even grid of ``n`` points on [0, 1] plus a point ``gap`` either side of each jump (and none
    closer to it): sampled there, a function that jumps gets vertical walls of one cell each."""
    jumps = np.asarray(list(jumps), np.float64)
    even = even_coordinates(n)
    if jumps.size:
        even = even[np.min(np.abs(even[:, None] - jumps[None, :]), axis=1) > 2 * gap]
    points = [even, jumps - gap, jumps + gap]
    return np.unique(np.clip(np.concatenate(points), 0.0, 1.0))


class SurfaceView(QWidget):
    def __init__(self, title: str = "", cmap: pg.ColorMap = SEQUENTIAL, z_label: str = "z", parent=None):
        super().__init__(parent)
        self.title = title
        self.z_label = z_label
        self.cmap = cmap
        self.azimuth, self.elevation = -35.0, 32.0
        self.z: np.ndarray | None = None
        self.xs = self.ys = None
        self.levels = (0.0, 1.0)
        self._press: QPointF | None = None
        self.labels: list[tuple[str, QRectF]] = []  # the axes' words and numbers as last painted, and where
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 180)
        self.setCursor(Qt.CursorShape.OpenHandCursor)
        self.setToolTip("drag to turn the surface")

    def sizeHint(self) -> QSize:
        return QSize(420, 340)

    def set_data(self, z: np.ndarray, levels: tuple[float, float] | None = None, xs=None, ys=None) -> None:
        """``z`` is (rows along y, columns along x) on [0, 1]², at the given column ``xs`` and row ``ys``
        coordinates (by default evenly spaced, the grid then thinned to at most 48×48 cells)."""
        z = np.asarray(z, dtype=np.float64)
        if xs is None and ys is None:
            step = max(1, int(np.ceil((max(z.shape) - 1) / MAX_CELLS)))
            z = z[::step, ::step]
        self.z = z
        self.xs = even_coordinates(z.shape[1]) if xs is None else np.asarray(xs, np.float64)
        self.ys = even_coordinates(z.shape[0]) if ys is None else np.asarray(ys, np.float64)
        if (len(self.ys), len(self.xs)) != z.shape:
            raise ValueError(f"z is {z.shape}, the coordinates {len(self.ys)} × {len(self.xs)}")
        self.levels = levels if levels is not None else (float(z.min()), float(z.max()))
        self.update()

    # --- projection --------------------------------------------------------------------------------
    def _transform(self):
        """A function from box coordinates (X, Y in [−½, ½], H in [0, HEIGHT]) to screen points and
        depth (larger: nearer the viewer), for the widget's size and the current angles."""
        a, e = np.radians(self.azimuth), np.radians(self.elevation)
        w, h = self.width() - 2 * LABEL_ROOM, self.height() - TITLE - 18 - LABEL_ROOM
        # the turned unit square spans at most √2 across, and HEIGHT·cos e + √2·sin e down: fit that,
        # so the size does not change while the surface turns about the vertical
        scale = max(1.0, min(w / 1.42, h / (HEIGHT * np.cos(e) + 1.42 * np.sin(e))))
        centre_x, centre_y = LABEL_ROOM + w / 2, TITLE + 18 + h / 2  # (18: the z axis's name above the box)

        def project(X, Y, H):
            xr = X * np.cos(a) - Y * np.sin(a)
            yr = X * np.sin(a) + Y * np.cos(a)  # grows away from the viewer
            sx = centre_x + scale * xr
            sy = centre_y + scale * (-(H - HEIGHT / 2) * np.cos(e) - yr * np.sin(e))  # screen y points down
            depth = -yr * np.cos(e) + (H - HEIGHT / 2) * np.sin(e)
            return sx, sy, depth

        return project

    def _quads(self, project):
        """Every cell as a screen quad (n, 4, 2), its depth and its colour (n, 3), far to near."""
        z = self.z
        lo, hi = self.levels
        span = hi - lo if hi > lo else 1.0
        X, Y = np.meshgrid(self.xs - 0.5, self.ys - 0.5)
        H = (np.clip(z, lo, hi) - lo) / span * HEIGHT
        sx, sy, depth = project(X, Y, H)
        points = np.stack([sx, sy], axis=-1)
        quads = np.stack([points[:-1, :-1], points[:-1, 1:], points[1:, 1:], points[1:, :-1]], axis=2).reshape(-1, 4, 2)
        quad_depth = ((depth[:-1, :-1] + depth[1:, 1:] + depth[:-1, 1:] + depth[1:, :-1]) / 4).ravel()
        # normals from the height's slope (in box units, on the cells' own widths), for Lambert shading
        dx, dy = np.diff(self.xs)[None, :], np.diff(self.ys)[:, None]
        dzdx = (H[:-1, 1:] - H[:-1, :-1] + H[1:, 1:] - H[1:, :-1]) / 2 / np.maximum(dx, 1e-9)
        dzdy = (H[1:, :-1] - H[:-1, :-1] + H[1:, 1:] - H[:-1, 1:]) / 2 / np.maximum(dy, 1e-9)
        normals = np.stack([-dzdx, -dzdy, np.ones_like(dzdx)], axis=-1)
        normals /= np.linalg.norm(normals, axis=-1, keepdims=True)
        shade = 0.45 + 0.55 * np.clip(normals @ (LIGHT / np.linalg.norm(LIGHT)), 0, 1)
        value = np.maximum(np.maximum(z[:-1, :-1], z[1:, 1:]), np.maximum(z[:-1, 1:], z[1:, :-1]))
        # (a cell is coloured by its highest corner: a wall takes its top's colour, as a tower's side would)
        colours = self.cmap.map(((np.clip(value, lo, hi) - lo) / span).ravel(), "byte")[:, :3]
        colours = (colours * shade.ravel()[:, None]).astype(np.uint8)
        order = np.argsort(quad_depth, kind="stable")
        return quads[order], colours[order]

    def paintEvent(self, event) -> None:
        # (into an image first: QPainter fills these small polygons several times faster there than on
        # the window's backing store)
        ratio = self.devicePixelRatioF()
        image = QImage(int(self.width() * ratio), int(self.height() * ratio), QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(ratio)
        self._paint(QPainter(image))
        painter = QPainter(self)
        painter.drawImage(0, 0, image)
        painter.end()

    def _paint(self, p: QPainter) -> None:
        self.labels = []
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), BACKGROUND)
        p.setPen(QColor(theme.TEXT))
        p.setFont(font(theme.FONT_BODY))
        p.drawText(QRectF(0, 4, self.width(), 20), Qt.AlignmentFlag.AlignCenter, self.title)
        if self.z is None or min(self.z.shape) < 2:
            p.end()
            return
        project = self._transform()
        self._base(p, project)
        self._z_axis(p, project, labels=False)  # (behind the surface, which hides what it stands in front of)
        quads, colours = self._quads(project)
        polygon = fn.create_qpolygonf(4)
        corners = fn.ndarray_from_qpolygonf(polygon)  # (4, 2) view of the polygon's points: filled in place
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(QPen(QColor(*theme.rgba(theme.SHADOW, 70)), 0))
        for quad, (r, g, b) in zip(quads, colours.tolist()):
            corners[:] = quad
            p.setBrush(QColor(r, g, b))
            p.drawPolygon(polygon)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._z_axis(p, project, labels=True)  # (its numbers stay readable)
        p.end()

    # --- axes --------------------------------------------------------------------------------------
    def _base(self, p: QPainter, project) -> None:
        """The base square's outline, with x and y ticks at 0, ½ and 1 on its two front edges."""
        corners = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)])
        sx, sy, depth = project(corners[:, 0], corners[:, 1], np.zeros(4))
        p.setPen(QPen(QColor(theme.BORDER_STRONG), 1))
        p.setBrush(Qt.BrushStyle.NoBrush)
        for i in range(4):
            j = (i + 1) % 4
            p.drawLine(QPointF(sx[i], sy[i]), QPointF(sx[j], sy[j]))
        p.setFont(font(theme.FONT_SMALL))
        centre = np.array([sx.mean(), sy.mean()])
        # the front edge along x (y fixed) and the front edge along y (x fixed): nearer the viewer
        x_edge_y = -0.5 if project(0.0, -0.5, 0.0)[2] > project(0.0, 0.5, 0.0)[2] else 0.5
        y_edge_x = -0.5 if project(-0.5, 0.0, 0.0)[2] > project(0.5, 0.0, 0.0)[2] else 0.5
        for axis in ("x", "y"):
            middle = np.array(project(*((0.0, x_edge_y) if axis == "x" else (y_edge_x, 0.0)), 0.0)[:2])
            out = middle - centre  # away from the base, square to the edge: the two edges' labels part
            out /= max(np.linalg.norm(out), 1e-9)
            for t in (0.0, 0.5, 1.0):
                X, Y = (t - 0.5, x_edge_y) if axis == "x" else (y_edge_x, t - 0.5)
                point = np.array(project(X, Y, 0.0)[:2])
                tip = point + out * TICK
                p.setPen(QPen(QColor(theme.MUTED), 1))
                p.drawLine(QPointF(*point), QPointF(*tip))
                self._label(p, tip + out * 9, numbers.number(t))
            p.setPen(QColor(theme.TEXT))
            self._label(p, middle + out * 30, axis)

    def _z_axis(self, p: QPainter, project, labels: bool) -> None:
        """A vertical axis at the base's far corner, ticked at the colour scale's ends and middle: its
        line and ticks, or (``labels``) its numbers and name."""
        corners = [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
        X, Y = min(corners, key=lambda c: project(c[0], c[1], 0.0)[2])
        x0, y0, _ = project(X, Y, 0.0)
        _, y1, _ = project(X, Y, HEIGHT)
        p.setPen(QPen(QColor(theme.MUTED), 1))
        if not labels:
            p.drawLine(QPointF(x0, y0), QPointF(x0, y1))
        p.setFont(font(theme.FONT_SMALL))
        lo, hi = self.levels
        for fraction in (0.0, 0.5, 1.0):
            y = y0 + (y1 - y0) * fraction
            if labels:
                self._text(p, QRectF(x0 - TICK - 3 - 60, y - 8, 60, 16),
                           Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                           numbers.number(lo + fraction * (hi - lo)), backed=True)
            else:
                p.drawLine(QPointF(x0 - TICK, y), QPointF(x0, y))
        if labels:
            p.setPen(QColor(theme.TEXT))
            self._text(p, QRectF(x0 - 60, y1 - 24, 120, 16), Qt.AlignmentFlag.AlignCenter, self.z_label)

    def _label(self, p: QPainter, centre: np.ndarray, text: str) -> None:
        self._text(p, QRectF(float(centre[0]) - 20, float(centre[1]) - 8, 40, 16), Qt.AlignmentFlag.AlignCenter, text)

    def _text(self, p: QPainter, rect: QRectF, align, text: str, backed: bool = False) -> None:
        """Draw ``text`` in ``rect``, and keep where (``labels``); ``backed``: on a card of the
        background's colour, for a number drawn over the surface (the z axis's, at its far corner)."""
        bounds = p.boundingRect(rect, align, text)
        if backed:
            pen = p.pen()
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(LABEL_CARD)
            p.drawRoundedRect(bounds.adjusted(-2, 0, 2, 0), 3, 3)
            p.setPen(pen)
        p.drawText(rect, align, text)
        self.labels.append((text, bounds))

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
