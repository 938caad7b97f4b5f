"""The backprop page's network diagram: a card per neuron with its z, a and δ, and the weights as
edges coloured and sized by ∂C/∂w once the gradients are known.

Click an edge to select its weight, or a neuron's card to select its bias; drag up or down to change
it (the page recomputes everything). Saturated neurons (σ′(z) small) get an amber outline and a note.
A selection is (layer, j, k) with layer 1 the first hidden layer, and k = BIAS for neuron j's bias.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme
from app.principles.common import number, opaque, subscript, superscript
from core.backprop_trace import LayerTrace

CARD_W, CARD_H = 92, 56
PICK = 7.0  # pixels: how near an edge a click must be to select it
DRAG_RATE = 0.01  # weight change per pixel dragged
#: σ'(z) below this is flagged as saturated (|z| > 2.9: the neuron barely learns)
SATURATED = 0.05
BIAS = -1  # the k of a selected bias


class BackpropDiagram(QWidget):
    weight_selected = Signal(int, int, int)  # layer (1 = first hidden), j, k (BIAS: neuron j's bias)
    weight_dragged = Signal(int, int, int, float)  # ... and the new value

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumSize(360, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.records: list[LayerTrace] = []
        self.x = np.zeros(0)
        self.forward = 0  # layers whose z and a are shown
        self.deltas: set[int] = set()  # layers whose δ is shown
        self.gradients = False  # edges coloured by ∂C/∂w
        self.active: set[int] = set()  # layers of the current step (highlighted)
        self.selected: tuple[int, int, int] | None = (1, 0, 0)
        self._drag: tuple[float, float] | None = None  # (start y, start weight)

    def set_trace(self, x, records: list[LayerTrace], forward: int, deltas: set[int], gradients: bool,
                  active: set[int]) -> None:
        self.x, self.records = np.asarray(x, dtype=np.float64), records
        self.forward, self.deltas, self.gradients, self.active = forward, deltas, gradients, active
        if self.selected is not None:
            l, j, k = self.selected
            if l > len(records) or j >= records[l - 1].w.shape[0] or k >= records[l - 1].w.shape[1]:
                self.selected = (1, 0, 0)
        self.update()

    def value(self, selected: tuple[int, int, int]) -> float:
        """The selected weight's or bias's value."""
        l, j, k = selected
        r = self.records[l - 1]
        return float(r.b[j] if k == BIAS else r.w[j, k])

    @property
    def saturated(self) -> list[tuple[int, int]]:
        """(layer, j) of every shown neuron whose σ′(z) is below SATURATED (flagged in amber)."""
        return [(l, j) for l, r in enumerate(self.records, 1) if l <= self.forward
                for j in range(len(r.b)) if r.sigma_prime[j] < SATURATED]

    # --- geometry ----------------------------------------------------------------------------------------
    def sizes(self) -> list[int]:
        return [len(self.x)] + [len(r.b) for r in self.records]

    def centre(self, layer: int, j: int) -> QPointF:
        sizes = self.sizes()
        margin_x = CARD_W / 2 + 8
        span = max(self.width() - 2 * margin_x, 1)
        x = margin_x + span * layer / max(len(sizes) - 1, 1)
        rows = sizes[layer]
        top, height = 30, max(self.height() - 40, 1)
        y = top + height * (j + 0.5) / rows
        return QPointF(x, y)

    def edge(self, l: int, j: int, k: int) -> tuple[QPointF, QPointF]:
        a, b = self.centre(l - 1, k), self.centre(l, j)
        return QPointF(a.x() + CARD_W / 2, a.y()), QPointF(b.x() - CARD_W / 2, b.y())

    def card(self, layer: int, j: int) -> QRectF:
        """Neuron j's card in ``layer`` (0: the inputs)."""
        c = self.centre(layer, j)
        return QRectF(c.x() - CARD_W / 2, c.y() - CARD_H / 2, CARD_W, CARD_H)

    def card_at(self, point: QPointF) -> tuple[int, int] | None:
        """(layer, j) of the neuron card (not an input's) under ``point``."""
        for l, r in enumerate(self.records, 1):
            for j in range(len(r.b)):
                if self.card(l, j).contains(point):
                    return l, j
        return None

    def edge_at(self, point: QPointF) -> tuple[int, int, int] | None:
        best, found = PICK, None
        for l, r in enumerate(self.records, 1):
            for j in range(r.w.shape[0]):
                for k in range(r.w.shape[1]):
                    p, q = self.edge(l, j, k)
                    d = _distance(point, p, q)
                    if d < best:
                        best, found = d, (l, j, k)
        return found

    # --- mouse -------------------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        neuron = self.card_at(event.position())
        found = (*neuron, BIAS) if neuron is not None else self.edge_at(event.position())
        if found is None:
            return
        self.selected = found
        self._drag = (event.position().y(), self.value(found))
        self.weight_selected.emit(*found)
        self.update()

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None or self.selected is None:
            point = event.position()
            hovering = self.card_at(point) is not None or self.edge_at(point) is not None
            self.setCursor(Qt.CursorShape.SizeVerCursor if hovering else Qt.CursorShape.ArrowCursor)
            return
        start_y, start_w = self._drag
        value = round(start_w + (start_y - event.position().y()) * DRAG_RATE, 3)
        self.weight_dragged.emit(*self.selected, value)

    def mouseReleaseEvent(self, event) -> None:
        self._drag = None

    # --- painting ----------------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        if not self.records:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._paint_bands(painter)
        self._paint_edges(painter)
        font = QFont(self.font())
        font.setPixelSize(theme.FONT_SMALL)
        painter.setFont(font)
        for k, value in enumerate(self.x):
            self._card(painter, self.centre(0, k), [f"x{subscript(k + 1)} {number(value, 2)}"], theme.BORDER_STRONG)
        flagged = set(self.saturated)
        for l, r in enumerate(self.records, 1):
            for j in range(len(r.b)):
                lines = [f"z {number(r.z[j])}" if l <= self.forward else "z ?",
                         f"a {number(r.a[j])}" if l <= self.forward else "a ?",
                         f"δ {number(r.delta[j], 4)}" if l in self.deltas else "δ ?"]
                saturated = (l, j) in flagged
                self._card(painter, self.centre(l, j), lines, theme.WARNING if saturated else theme.BORDER_STRONG,
                           activation=r.a[j] if l <= self.forward else None, note="σ′ small" if saturated else "")
        self._paint_selected_label(painter)
        painter.setPen(QColor(theme.MUTED))
        for layer in range(len(self.records) + 1):
            label = "input x" if layer == 0 else ("output" if layer == len(self.records) else f"layer {layer}")
            c = self.centre(layer, 0)
            painter.drawText(QRectF(c.x() - 60, 4, 120, 18), Qt.AlignmentFlag.AlignCenter, label)
        painter.end()

    def _paint_bands(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(opaque(theme.ACCENT, 28))
        for layer in self.active:
            c = self.centre(layer, 0)
            painter.drawRoundedRect(QRectF(c.x() - CARD_W / 2 - 8, 22, CARD_W + 16, self.height() - 26), 8, 8)

    def _paint_edges(self, painter: QPainter) -> None:
        top = max((float(np.abs(r.nabla_w).max()) for r in self.records), default=0.0) or 1.0
        for l, r in enumerate(self.records, 1):
            for j in range(r.w.shape[0]):
                for k in range(r.w.shape[1]):
                    p, q = self.edge(l, j, k)
                    if self.gradients:
                        g = r.nabla_w[j, k]
                        share = abs(g) / top
                        colour = opaque(theme.POSITIVE if g > 0 else theme.NEGATIVE, int(70 + 185 * share))
                        width = 1.0 + 7.0 * share
                    else:
                        colour, width = opaque(theme.TEXT, 60), 1.0 + min(abs(r.w[j, k]), 3.0)
                    painter.setPen(QPen(colour, width))
                    painter.drawLine(p, q)
        if self.selected is None or self.selected[2] == BIAS:
            return
        p, q = self.edge(*self.selected)
        painter.setPen(QPen(QColor(theme.ACCENT), 2.5, Qt.PenStyle.DashLine))
        painter.drawLine(p, q)

    def _paint_selected_label(self, painter: QPainter) -> None:
        """The selected weight's (or bias's) value and gradient on a card at its edge's middle (above its
        neuron), over everything."""
        if self.selected is None:
            return
        l, j, k = self.selected
        r = self.records[l - 1]
        if k == BIAS:
            box = self.card(l, j)
            painter.setPen(QPen(QColor(theme.ACCENT), 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(-3, -3, 3, 3), 8, 8)
            text = f"b{superscript(l)}{subscript(j + 1)} = {number(r.b[j], 3)}"
            if self.gradients:
                text += f"   ∂C/∂b = {number(r.nabla_b[j], 4)}"
            mid = QPointF(box.center().x(), box.top() - 4)
        else:
            p, q = self.edge(l, j, k)
            text = f"w{superscript(l)}{subscript(j + 1)}{subscript(k + 1)} = {number(r.w[j, k], 3)}"
            if self.gradients:
                text += f"   ∂C/∂w = {number(r.nabla_w[j, k], 4)}"
            mid = (p + q) / 2
        font = QFont(self.font())
        font.setPixelSize(theme.FONT_SMALL)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 10
        box = QRectF(mid.x() - width / 2, mid.y() - 20, width, 16)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(opaque(theme.BACKGROUND, 230))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor(theme.ACCENT))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _card(self, painter: QPainter, centre: QPointF, lines: list[str], border: str,
              activation: float | None = None, note: str = "") -> None:
        height = 16 * len(lines) + 8
        box = QRectF(centre.x() - CARD_W / 2, centre.y() - height / 2, CARD_W, height)
        fill = QColor(theme.SURFACE)
        painter.setPen(QPen(QColor(border), 2 if note else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 6, 6)
        if activation is not None:  # a bar along the left edge: how on the neuron is
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(opaque(theme.ACCENT, 200))
            bar = (box.height() - 8) * float(activation)
            painter.drawRect(QRectF(box.left() + 3, box.bottom() - 4 - bar, 4, bar))
        painter.setPen(QColor(theme.TEXT))
        for i, text in enumerate(lines):
            painter.drawText(QRectF(box.left() + 12, box.top() + 4 + 16 * i, CARD_W - 14, 16),
                             Qt.AlignmentFlag.AlignVCenter, text)
        if note:
            painter.setPen(QColor(theme.WARNING))
            painter.drawText(QRectF(box.left(), box.bottom() + 1, CARD_W, 14), Qt.AlignmentFlag.AlignCenter, note)


def _distance(point: QPointF, p: QPointF, q: QPointF) -> float:
    """Distance from ``point`` to the segment p-q, in pixels."""
    d = np.array([q.x() - p.x(), q.y() - p.y()])
    v = np.array([point.x() - p.x(), point.y() - p.y()])
    t = float(np.clip(v @ d / max(d @ d, 1e-12), 0.0, 1.0))
    return float(np.hypot(*(v - t * d)))
