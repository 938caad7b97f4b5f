"""A network diagram that shows the actual weights and biases: neurons as circles, connections coloured
by sign (red positive, blue negative) and thickened by size, numbers written on them when there is room.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app import numbers, theme
from app.theme.plots import DIVERGING

BACKGROUND = QColor(theme.BACKGROUND)
NODE_FILL = QColor(theme.RAISED)
NODE_EDGE = QColor(theme.MUTED)
TEXT = QColor(theme.TEXT)
MUTED = QColor(theme.MUTED)
ZERO = QColor(theme.BORDER_STRONG)  # a connection of weight 0
TAG = QColor(*theme.rgba(theme.BACKGROUND, 215))  # the card under a weight's number


@dataclass
class Layer:
    """A column of neurons: a caption, one label per neuron (drawn inside) and optional biases (drawn
    beside each neuron)."""

    caption: str
    labels: list[str]
    biases: list[float] | None = None
    colours: list | None = None  # outline colour per neuron (e.g. the bump it belongs to)


@dataclass
class Connections:
    """Weights from layer l to layer l + 1 as (from, to, weight) triples."""

    edges: list[tuple[int, int, float]] = field(default_factory=list)


def format_number(value: float) -> str:
    """In the app's number format, compact: 1,000, −12.5, 0.6."""
    return numbers.number(value, 3)


class NetworkDiagram(QWidget):
    """Draws ``layers`` joined by ``connections`` (one fewer than layers). Numbers are drawn when a
    layer pair has at most ``max_labelled`` connections; beyond that only colours and widths."""

    def __init__(self, max_labelled: int = 12, parent=None):
        super().__init__(parent)
        self.layers: list[Layer] = []
        self.connections: list[Connections] = []
        self.max_labelled = max_labelled
        self.weight_caption = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)

    def sizeHint(self) -> QSize:
        return QSize(360, 260)

    def set_network(self, layers: list[Layer], connections: list[Connections], caption: str = "") -> None:
        if len(connections) != len(layers) - 1:
            raise ValueError("a diagram needs one set of connections between each pair of layers")
        self.layers, self.connections, self.weight_caption = layers, connections, caption
        self.update()

    # --- geometry ---------------------------------------------------------------------------------
    def node_positions(self, half_widths: list[list[float]] | None = None) -> list[list[QPointF]]:
        """Centres of the neurons, layer by layer: columns spread so that the gaps between the widest
        neurons of neighbouring layers are equal."""
        w, h = self.width(), self.height()
        top, bottom = 26.0, 24.0
        widest = [max(hw, default=0.0) for hw in half_widths] if half_widths else [14.0] * len(self.layers)
        margin = 8.0
        gap = (w - 2 * margin - 2 * sum(widest)) / max(len(self.layers) - 1, 1)
        positions, x = [], margin
        for layer, half in zip(self.layers, widest):
            x += half
            n = len(layer.labels)
            ys = np.linspace(top, h - bottom, n + 2)[1:-1] if n else []
            positions.append([QPointF(float(x), float(y)) for y in ys])
            x += half + gap
        return positions

    def node_radius(self) -> float:
        most = max((len(l.labels) for l in self.layers), default=1)
        return float(np.clip((self.height() - 56) / (2.6 * max(most, 1)), 3.0, 14.0))

    def _node_texts(self, layer: Layer) -> list[str]:
        """What is written in each neuron: its label, and its bias when the layer is small enough."""
        if layer.biases is None or len(layer.labels) > self.max_labelled:
            return list(layer.labels)
        return [f"{lab}  b = {format_number(b)}" if lab else f"b = {format_number(b)}"
                for lab, b in zip(layer.labels, layer.biases)]

    # --- painting ---------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), BACKGROUND)
        if not self.layers:
            return
        radius = self.node_radius()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, min(9.0, radius * 0.75)))
        p.setFont(small)
        metrics = QFontMetricsF(small)
        texts = [self._node_texts(layer) for layer in self.layers]
        # each neuron is a pill wide enough for its text; connections leave from its right end
        half_widths = [[max(radius, (metrics.horizontalAdvance(t) + 12) / 2) if radius >= 8 else radius
                        for t in layer_texts] for layer_texts in texts]
        positions = self.node_positions(half_widths)
        for l, conns in enumerate(self.connections):
            weights = np.array([abs(w) for _, _, w in conns.edges]) if conns.edges else np.zeros(1)
            biggest = max(float(weights.max()), 1e-12)
            labelled = len(conns.edges) <= self.max_labelled
            ends = []
            for i, j, weight in conns.edges:
                a = positions[l][i] + QPointF(half_widths[l][i], 0)
                b = positions[l + 1][j] - QPointF(half_widths[l + 1][j], 0)
                ends.append((a, b, weight))
                colour = DIVERGING.map(0.5 + 0.5 * float(np.clip(weight / biggest, -1, 1)), "qcolor")
                if abs(weight) < 1e-12:
                    colour = QColor(ZERO)
                colour.setAlpha(230)
                p.setPen(QPen(colour, 0.8 + 3.2 * abs(weight) / biggest))
                p.drawLine(a, b)
            if labelled:
                fan_in = len(self.layers[l + 1].labels) < len(self.layers[l].labels)
                for a, b, weight in ends:
                    # put the number where the fan is widest, clear of the neurons
                    t = 0.35 if fan_in else 0.65
                    self._tag(p, metrics, a + (b - a) * t, format_number(weight))
        for l, layer in enumerate(self.layers):
            for k, pos in enumerate(positions[l]):
                hw = half_widths[l][k]
                edge = QColor(layer.colours[k]) if layer.colours is not None else NODE_EDGE
                p.setPen(QPen(edge, 1.6 if layer.colours is not None else 1.2))
                p.setBrush(NODE_FILL)
                p.drawRoundedRect(QRectF(pos.x() - hw, pos.y() - radius, 2 * hw, 2 * radius), radius, radius)
                if texts[l][k] and radius >= 8:
                    p.setPen(TEXT)
                    p.drawText(QRectF(pos.x() - hw, pos.y() - radius, 2 * hw, 2 * radius),
                               Qt.AlignmentFlag.AlignCenter, texts[l][k])
            p.setPen(MUTED)
            if positions[l]:
                p.drawText(self.caption_rect(metrics, positions[l][0].x(), layer.caption), Qt.AlignmentFlag.AlignCenter,
                           layer.caption)
        if self.weight_caption:
            p.setPen(MUTED)
            caption = metrics.elidedText(self.weight_caption, Qt.TextElideMode.ElideRight, self.width() - 12)
            p.drawText(QRectF(6, self.height() - 20, self.width() - 12, 18), Qt.AlignmentFlag.AlignCenter, caption)
        p.end()

    def caption_rect(self, metrics: QFontMetricsF, centre: float, caption: str) -> QRectF:
        """Where a layer's caption is written: over its column, moved in from the edge it would pass
        (the last layer's column is close to the right edge)."""
        width = min(metrics.horizontalAdvance(caption) + 8, float(self.width()))
        left = min(max(centre - width / 2, 0.0), self.width() - width)
        return QRectF(left, 4, width, 18)

    @staticmethod
    def _tag(p: QPainter, metrics: QFontMetricsF, centre: QPointF, text: str) -> None:
        w, h = metrics.horizontalAdvance(text) + 6, metrics.height() + 1
        rect = QRectF(centre.x() - w / 2, centre.y() - h / 2, w, h)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(TAG)
        p.drawRoundedRect(rect, 3, 3)
        p.setPen(TEXT)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


# --- the diagrams the pages show ---------------------------------------------------------------------

def one_neuron(w: float, b: float) -> tuple[list[Layer], list[Connections]]:
    return [Layer("input", ["x"]), Layer("neuron σ(wx + b)", ["σ"], [b])], [Connections([(0, 0, w)])]


def bumps(w: np.ndarray, b: np.ndarray, v: np.ndarray, b_out: float | None = None,
          colours: list | None = None) -> tuple[list[Layer], list[Connections]]:
    """x → hidden sigmoid neurons (weights w, biases b) → output with weights v (and bias b_out, if
    the output is a neuron σ rather than the plain weighted sum Σ)."""
    n = len(w)
    output = Layer("output", ["Σ"]) if b_out is None else Layer("output", ["σ"], [b_out])
    return ([Layer("input", ["x"]), Layer("hidden neurons σ", [""] * n, list(b), colours), output],
            [Connections([(0, j, float(w[j])) for j in range(n)]),
             Connections([(j, 0, float(v[j])) for j in range(n)])])


def tower(wx: float, x_steps, y_steps, h: float, b: float) -> tuple[list[Layer], list[Connections]]:
    """2 inputs → x-steps s₁, s₂ and y-steps t₁, t₂ (bias −w·s) → the tower neuron (±h, bias b)."""
    biases = [-wx * x_steps[0], -wx * x_steps[1], -wx * y_steps[0], -wx * y_steps[1]]
    first = [(0, 0, wx), (0, 1, wx), (1, 2, wx), (1, 3, wx)]
    second = [(0, 0, h), (1, 0, -h), (2, 0, h), (3, 0, -h)]
    return ([Layer("inputs", ["x", "y"]), Layer("step neurons σ", [""] * 4, biases),
             Layer("tower neuron", ["σ"], [b])],
            [Connections(first), Connections(second)])
