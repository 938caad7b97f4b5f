"""The drawing canvas: white ink on black, like MNIST, with smooth anti-aliased strokes.

The drawing lives in a square greyscale image of ``size`` pixels (10× MNIST's 28 by default) and is
shown scaled to fit the widget. Strokes are drawn as quadratic curves through the midpoints of
successive pointer positions, so fast mouse moves still give round, smooth lines; a tablet's pen
pressure scales the width. Every stroke, clear or loaded image can be undone and redone.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen, QTabletEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme
from app.theme.palette import font

INK = QColor(255, 255, 255)  # the data's colours, not the theme's: MNIST is white ink (255) on black (0)
PAPER = QColor(0, 0, 0)
FRAME = QColor(theme.BORDER_STRONG)
BRUSH_OUTLINE = QColor(*theme.rgba(theme.ACCENT, 160))
ERASER_OUTLINE = QColor(*theme.rgba(theme.ERROR, 200))


class DrawingCanvas(QWidget):
    """A square canvas. ``array()`` gives the drawing as (size, size) uint8, ink high.

    Signals: ``changed`` after every change (each pointer move while drawing, clear, undo, ...),
    ``stroke_finished`` when the pen or mouse button is released, ``history_changed`` when undo or
    redo become (un)available. ``edits`` counts the strokes, clears and loaded images in effect:
    each adds one, undo takes one back and redo gives it again.
    """

    changed = Signal()
    stroke_finished = Signal()
    history_changed = Signal()

    MAX_HISTORY = 100

    def __init__(self, size: int = 280, brush_width: float = 22.0, parent=None):
        super().__init__(parent)
        self.size_px = int(size)
        self.brush_width = float(brush_width)
        self.eraser = False
        # RGB32 (grey: r = g = b) rather than Grayscale8: the screen's own format, drawn without conversion
        self._image = QImage(self.size_px, self.size_px, QImage.Format.Format_RGB32)
        self._image.fill(PAPER)
        self._undo: list[QImage] = []
        self._redo: list[QImage] = []
        self.edits = 0
        self._points: list[tuple[QPointF, float]] = []  # the current stroke: (canvas point, pressure)
        self._hover: QPointF | None = None
        self._blank = True
        self.margin_colour: QColor | None = None  # around the square (default: the window colour)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setToolTip("Draw a digit: white ink on black, like MNIST.\n"
                        "Esc clears, Ctrl+Z undoes, Ctrl+Shift+Z redoes, E toggles the eraser, "
                        "[ and ] change the width.")

    # --- the drawing as data -----------------------------------------------------------------------
    def array(self) -> np.ndarray:
        """The drawing as a (size, size) uint8 array, 0 black to 255 white ink (a copy)."""
        bpl = self._image.bytesPerLine()
        data = np.frombuffer(self._image.constBits(), np.uint8).reshape(self.size_px, bpl)
        return data[:, 0:4 * self.size_px:4].copy()  # one of the three equal colour bytes of each pixel

    def set_array(self, image: np.ndarray) -> None:
        """Replace the drawing (undoably) by a (size, size) image: uint8 0-255 or float 0-1."""
        a = np.asarray(image)
        if a.shape != (self.size_px, self.size_px):
            raise ValueError(f"the canvas is {self.size_px}×{self.size_px}, not {a.shape}")
        if a.dtype != np.uint8:
            a = np.clip(np.rint(np.asarray(a, np.float32) * 255), 0, 255).astype(np.uint8)
        self._push_undo()
        rgb32 = np.ascontiguousarray(np.dstack([a, a, a, np.full_like(a, 255)]))  # (h, w, 4): B, G, R, 0xff
        self._image = QImage(rgb32.data, self.size_px, self.size_px, 4 * self.size_px,
                             QImage.Format.Format_RGB32).copy()
        self._after_change()

    def is_blank(self) -> bool:
        """True when there is no ink at all."""
        return self._blank

    # --- editing -----------------------------------------------------------------------------------
    def clear(self) -> None:
        """Erase everything (undoable); nothing happens on an already blank canvas."""
        if self.is_blank():
            return
        self._push_undo()
        self._image.fill(PAPER)
        self._after_change()

    def undo(self) -> bool:
        if not self._undo:
            return False
        self._redo.append(self._image.copy())
        self._image = self._undo.pop()
        self.edits -= 1
        self._after_change()
        return True

    def redo(self) -> bool:
        if not self._redo:
            return False
        self._undo.append(self._image.copy())
        self._image = self._redo.pop()
        self.edits += 1
        self._after_change()
        return True

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def set_brush_width(self, width: float) -> None:
        self.brush_width = float(np.clip(width, 2, 60))
        self.update()

    def set_eraser(self, on: bool) -> None:
        self.eraser = bool(on)
        self.update()

    def _push_undo(self) -> None:
        self.edits += 1
        self._undo.append(self._image.copy())
        del self._undo[:-self.MAX_HISTORY]
        self._redo.clear()

    def _after_change(self) -> None:
        self._blank = not self.array().any()
        self.update()
        self.changed.emit()
        self.history_changed.emit()

    # --- strokes (canvas coordinates) --------------------------------------------------------------
    def begin_stroke(self, point: QPointF, pressure: float = 1.0) -> None:
        self._push_undo()
        self.history_changed.emit()
        self._points = [(QPointF(point), pressure)]
        if self._blank:
            self.update()  # the "Draw a digit here" prompt goes
        self._blank = self._blank and self.eraser
        with self._painter() as painter:  # a dot, so that a click leaves a mark
            width = self._width(pressure)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self._colour())
            painter.drawEllipse(point, width / 2, width / 2)
        self._changed_region(point, point)

    def extend_stroke(self, point: QPointF, pressure: float = 1.0) -> None:
        """Continue the stroke to ``point``: a quadratic curve from the midpoint of the previous
        segment to the midpoint of this one, bending through the previous point."""
        if not self._points:
            return
        self._points.append((QPointF(point), pressure))
        pts = self._points
        (p1, w1), (p2, w2) = pts[-2], pts[-1]
        start = p1 if len(pts) == 2 else (pts[-3][0] + p1) / 2
        end = (p1 + p2) / 2
        path = QPainterPath(start)
        path.quadTo(p1, end)
        self._stroke_path(path, (w1 + w2) / 2)
        self._changed_region(start, end, p1)

    def end_stroke(self) -> None:
        if not self._points:
            return
        if len(self._points) >= 2:  # the last half segment, from the last midpoint to the last point
            (p1, w1), (p2, w2) = self._points[-2], self._points[-1]
            path = QPainterPath((p1 + p2) / 2)
            path.lineTo(p2)
            self._stroke_path(path, w2)
            self._changed_region(p1, p2)
        self._points = []
        if self.eraser:
            self._blank = not self.array().any()
        self.stroke_finished.emit()

    @property
    def drawing(self) -> bool:
        return bool(self._points)

    def _width(self, pressure: float) -> float:
        return self.brush_width * (0.25 + 0.75 * float(np.clip(pressure, 0.0, 1.0)))

    def _colour(self) -> QColor:
        return PAPER if self.eraser else INK

    def _painter(self):
        canvas = self

        class _Ctx:
            def __enter__(self):
                self.p = QPainter(canvas._image)
                self.p.setRenderHint(QPainter.RenderHint.Antialiasing)
                return self.p

            def __exit__(self, *exc):
                self.p.end()

        return _Ctx()

    def _stroke_path(self, path: QPainterPath, pressure: float) -> None:
        with self._painter() as painter:
            pen = QPen(self._colour(), self._width(pressure), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawPath(path)

    def _changed_region(self, *points: QPointF) -> None:
        margin = self.brush_width + 2
        xs = [p.x() for p in points]
        ys = [p.y() for p in points]
        rect = QRectF(min(xs) - margin, min(ys) - margin, max(xs) - min(xs) + 2 * margin,
                      max(ys) - min(ys) + 2 * margin)
        self.update(self._to_widget_rect(rect).toAlignedRect())
        self.changed.emit()

    # --- geometry ----------------------------------------------------------------------------------
    def target_rect(self) -> QRectF:
        """Where the canvas image is drawn: the largest centred square in the widget."""
        side = min(self.width(), self.height())
        return QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)

    def to_canvas(self, pos: QPointF) -> QPointF:
        r = self.target_rect()
        scale = self.size_px / r.width()
        return QPointF((pos.x() - r.x()) * scale, (pos.y() - r.y()) * scale)

    def to_widget(self, point: QPointF) -> QPointF:
        r = self.target_rect()
        scale = r.width() / self.size_px
        return QPointF(r.x() + point.x() * scale, r.y() + point.y() * scale)

    def _to_widget_rect(self, rect: QRectF) -> QRectF:
        tl, br = self.to_widget(rect.topLeft()), self.to_widget(rect.bottomRight())
        return QRectF(tl, br).adjusted(-2, -2, 2, 2)

    def sizeHint(self) -> QSize:
        return QSize(440, 440)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    # --- painting ----------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        r = self.target_rect()
        painter.fillRect(self.rect(), self.margin_colour or self.palette().window().color())
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        # Only the part that changed: the source pixels under the dirty rectangle, with a margin so
        # that the smooth scaling's edge samples fall outside the clip.
        src = QRectF(self.to_canvas(QPointF(event.rect().topLeft())),
                     self.to_canvas(QPointF(event.rect().bottomRight()) + QPointF(1, 1)))
        src = src.adjusted(-2, -2, 2, 2).toAlignedRect().intersected(self._image.rect())
        if not src.isEmpty():
            painter.drawImage(QRectF(self.to_widget(QPointF(src.topLeft())),
                                     self.to_widget(QPointF(src.topLeft()) + QPointF(src.width(), src.height()))),
                              self._image, QRectF(src))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(FRAME, 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(r.adjusted(0.5, 0.5, -0.5, -0.5))
        if self._hover is not None and not self._points:  # the brush outline under the pointer
            radius = self.brush_width / 2 * r.width() / self.size_px
            colour = ERASER_OUTLINE if self.eraser else BRUSH_OUTLINE
            painter.setPen(QPen(colour, 1.2, Qt.PenStyle.DashLine if self.eraser else Qt.PenStyle.SolidLine))
            painter.drawEllipse(self._hover, radius, radius)
        if self.is_blank() and not self._points:
            painter.setPen(QColor(theme.MUTED))
            line = theme.FONT_NOTE  # the hint's lines, in pixels
            painter.setFont(font(theme.FONT_TITLE))
            painter.drawText(r.adjusted(0, 0, 0, -line * 1.65), Qt.AlignmentFlag.AlignCenter, "Draw a digit here")
            painter.setFont(font(line))
            painter.setPen(QColor(theme.FAINT))
            painter.drawText(r.adjusted(0, line * 2.4, 0, 0), Qt.AlignmentFlag.AlignCenter,
                             "with the mouse or a pen · right button erases\n"
                             "Esc clears · Ctrl+Z undoes · Ctrl+Shift+Z redoes")
        painter.end()

    # --- mouse and tablet --------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(self.to_canvas(event.position()))
            event.accept()
        elif event.button() == Qt.MouseButton.RightButton:  # right button: erase while held
            self._saved_eraser = self.eraser
            self.eraser = True
            self.begin_stroke(self.to_canvas(event.position()))
            event.accept()

    def mouseMoveEvent(self, event) -> None:
        self._move_hover(event.position())
        if self._points and event.buttons() & (Qt.MouseButton.LeftButton | Qt.MouseButton.RightButton):
            self.extend_stroke(self.to_canvas(event.position()))
            event.accept()

    def mouseReleaseEvent(self, event) -> None:
        if self._points and event.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            self.end_stroke()
            if event.button() == Qt.MouseButton.RightButton:
                self.eraser = getattr(self, "_saved_eraser", False)
            event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:
        point, pressure = self.to_canvas(event.position()), event.pressure()
        kind = event.type()
        if kind == QTabletEvent.Type.TabletPress:
            self.begin_stroke(point, pressure)
        elif kind == QTabletEvent.Type.TabletMove:
            self._move_hover(event.position())
            if self._points:
                self.extend_stroke(point, pressure)
        elif kind == QTabletEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()  # no synthesised mouse events: the pen's pressure is already used

    def _move_hover(self, pos: QPointF) -> None:
        old = self._hover
        self._hover = QPointF(pos)
        radius = self.brush_width * self.target_rect().width() / self.size_px / 2 + 3
        for p in (old, self._hover):
            if p is not None:
                self.update(QRectF(p.x() - radius, p.y() - radius, 2 * radius, 2 * radius).toAlignedRect())

    def leaveEvent(self, event) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)
