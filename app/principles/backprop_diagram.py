"""The backprop page's network diagram: a card per neuron with its z, a and δ, and the weights as
edges coloured and sized by ∂C/∂w once the gradients are known.

Click an edge to select its weight, or a neuron's card to select its bias; drag up or down to change
it (the page recomputes everything). Saturated neurons (σ′(z) small) get an amber outline and a note.
A selection is (layer, j, k) with layer 1 the first hidden layer, and k = BIAS for neuron j's bias.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import theme
from app.numbers import number, superscript
from app.principles.common import opaque, subscript
from core.backprop_trace import LayerTrace

CARD_W = 92
LINE_MOST = 16  # pixels: a card's line when its column has room (down to the font's own line spacing)
CARD_PAD = 6  # pixels of a card above and below its lines
CARD_GAP = 3  # pixels at least between two cards of a column
NOTE_HEIGHT = 14  # the "σ′ small" under a saturated neuron's card, where there is room for it
NAMES_HEIGHT = 18  # the row of layer names at the top
LABEL_TOP, LABEL_HEIGHT = 22, 16  # the row under it, for the selected weight's label (no edge passes there)
CARDS_TOP = LABEL_TOP + LABEL_HEIGHT + 8  # where the columns of cards begin
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
        self.setMinimumSize(360, 220)  # (taller for a network whose columns need it: set_trace)
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
        least = int(np.ceil(CARDS_TOP + 10 + self._rows() * (3 * self._font_line() + CARD_PAD + CARD_GAP)))
        if least != self.minimumHeight():  # every card whole at the font's line spacing, none overlapping
            self.setMinimumHeight(max(least, 220))
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

    def _rows(self) -> int:
        """Cards in the tallest column of neurons (an input's card has one line, not three)."""
        return max((len(r.b) for r in self.records), default=1)

    def _font_line(self) -> float:
        return QFontMetricsF(self._small_font()).lineSpacing()

    def line_height(self) -> float:
        """A neuron card's line: LINE_MOST when its column has room, else as little as the font's line
        spacing, so that the cards of a column never overlap (the widget is at least that tall)."""
        pitch = (self.height() - CARDS_TOP - 10) / self._rows()
        return float(np.clip((pitch - CARD_PAD - CARD_GAP) / 3, self._font_line(), LINE_MOST))

    def room_for_notes(self) -> bool:
        """Whether a note fits under a card before the next one (else the amber outline says it alone)."""
        pitch = (self.height() - CARDS_TOP - 10) / self._rows()
        return pitch >= 3 * self.line_height() + CARD_PAD + NOTE_HEIGHT + CARD_GAP

    def centre(self, layer: int, j: int) -> QPointF:
        sizes = self.sizes()
        margin_x = CARD_W / 2 + 8
        span = max(self.width() - 2 * margin_x, 1)
        x = margin_x + span * layer / max(len(sizes) - 1, 1)
        rows = sizes[layer]
        top, height = CARDS_TOP, max(self.height() - CARDS_TOP - 10, 1)
        y = top + height * (j + 0.5) / rows
        return QPointF(x, y)

    def edge(self, l: int, j: int, k: int) -> tuple[QPointF, QPointF]:
        a, b = self.centre(l - 1, k), self.centre(l, j)
        return QPointF(a.x() + CARD_W / 2, a.y()), QPointF(b.x() - CARD_W / 2, b.y())

    def card(self, layer: int, j: int) -> QRectF:
        """Neuron j's card in ``layer`` (0: the inputs, a line each; else three: z, a and δ)."""
        c = self.centre(layer, j)
        height = self.line_height() * (1 if layer == 0 else 3) + CARD_PAD
        return QRectF(c.x() - CARD_W / 2, c.y() - height / 2, CARD_W, height)

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
        painter.setFont(self._small_font())
        for k, value in enumerate(self.x):
            self._card(painter, self.card(0, k), [f"x{subscript(k + 1)} {number(value, 2)}"], theme.BORDER_STRONG)
        flagged = set(self.saturated)
        notes = self.room_for_notes()
        for l, r in enumerate(self.records, 1):
            for j in range(len(r.b)):
                lines = [f"z {number(r.z[j])}" if l <= self.forward else "z ?",
                         f"a {number(r.a[j])}" if l <= self.forward else "a ?",
                         f"δ {number(r.delta[j], 4)}" if l in self.deltas else "δ ?"]
                saturated = (l, j) in flagged
                self._card(painter, self.card(l, j), lines, theme.WARNING if saturated else theme.BORDER_STRONG,
                           activation=r.a[j] if l <= self.forward else None,
                           note="σ′ small" if saturated and notes else "")
        self._paint_selected_label(painter)
        painter.setPen(QColor(theme.MUTED))
        for layer in range(len(self.records) + 1):
            label = "input x" if layer == 0 else ("output" if layer == len(self.records) else f"layer {layer}")
            c = self.centre(layer, 0)
            painter.drawText(QRectF(c.x() - 60, 4, 120, NAMES_HEIGHT), Qt.AlignmentFlag.AlignCenter, label)
        painter.end()

    def _paint_bands(self, painter: QPainter) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(opaque(theme.ACCENT, 28))
        for layer in self.active:
            c = self.centre(layer, 0)
            band_top = CARDS_TOP - 6
            painter.drawRoundedRect(QRectF(c.x() - CARD_W / 2 - 8, band_top, CARD_W + 16, self.height() - band_top - 4),
                                    8, 8)

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

    def selected_label(self) -> tuple[str, QRectF] | None:
        """The selected weight's (or bias's) value and gradient, and where they are written: in the row
        under the layer names, above the gap its edge crosses (above its neuron's column for a bias),
        where no edge or card is."""
        if self.selected is None or not self.records:
            return None
        l, j, k = self.selected
        r = self.records[l - 1]
        if k == BIAS:
            text = f"b{superscript(l)}{subscript(j + 1)} = {number(r.b[j])}"
            if self.gradients:
                text += f"   ∂C/∂b = {number(r.nabla_b[j])}"
            middle = self.centre(l, j).x()
        else:
            text = f"w{superscript(l)}{subscript(j + 1)}{subscript(k + 1)} = {number(r.w[j, k])}"
            if self.gradients:
                text += f"   ∂C/∂w = {number(r.nabla_w[j, k])}"
            middle = (self.centre(l - 1, k).x() + self.centre(l, j).x()) / 2
        width = QFontMetricsF(self._small_font()).horizontalAdvance(text) + 10
        left = min(max(middle - width / 2, 0.0), max(self.width() - width, 0.0))
        return text, QRectF(left, LABEL_TOP, width, LABEL_HEIGHT)

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(theme.FONT_SMALL)
        return font

    def _paint_selected_label(self, painter: QPainter) -> None:
        label = self.selected_label()
        if label is None:
            return
        text, box = label
        l, j, k = self.selected
        if k == BIAS:  # its neuron outlined
            painter.setPen(QPen(QColor(theme.ACCENT), 2.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self.card(l, j).adjusted(-3, -3, 3, 3), 8, 8)
        painter.setFont(self._small_font())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(opaque(theme.BACKGROUND, 230))
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(QColor(theme.ACCENT))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _card(self, painter: QPainter, box: QRectF, lines: list[str], border: str,
              activation: float | None = None, note: str = "") -> None:
        line = (box.height() - CARD_PAD) / len(lines)
        fill = QColor(theme.SURFACE)
        painter.setPen(QPen(QColor(border), 2 if note else 1))
        painter.setBrush(fill)
        painter.drawRoundedRect(box, 6, 6)
        if activation is not None:  # a bar along the left edge: how on the neuron is
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(opaque(theme.ACCENT, 200))
            bar = (box.height() - CARD_PAD) * float(activation)
            painter.drawRect(QRectF(box.left() + 3, box.bottom() - CARD_PAD / 2 - bar, 4, bar))
        painter.setPen(QColor(theme.TEXT))
        for i, text in enumerate(lines):
            painter.drawText(QRectF(box.left() + 12, box.top() + CARD_PAD / 2 + line * i, CARD_W - 14, line),
                             Qt.AlignmentFlag.AlignVCenter, text)
        if note:
            painter.setPen(QColor(theme.WARNING))
            painter.drawText(QRectF(box.left(), box.bottom() + 1, CARD_W, NOTE_HEIGHT), Qt.AlignmentFlag.AlignCenter,
                             note)


def _distance(point: QPointF, p: QPointF, q: QPointF) -> float:
    """Distance from ``point`` to the segment p-q, in pixels."""
    d = np.array([q.x() - p.x(), q.y() - p.y()])
    v = np.array([point.x() - p.x(), point.y() - p.y()])
    t = float(np.clip(v @ d / max(d @ d, 1e-12), 0.0, 1.0))
    return float(np.hypot(*(v - t * d)))
