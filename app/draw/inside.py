"""Inside the network, for the digit on the canvas.

- MLP: each hidden layer's activations as a grid of cells, and the first layer's weights as 28×28
  images laid out in the same grid, the neurons that push hardest towards the network's answer
  outlined in both (their activation × ∂score/∂activation, from ``core.probes.explain``).
- CNN: every convolutional layer's feature maps as one mosaic per layer, then the fully connected
  hidden layers' activations.

Each mosaic is laid out in as many columns as make its tiles largest in the space it has.

The views are built once per network (``set_network``) and then only receive new data (``show``).
"""
from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.theme.plots import DIVERGING
from app.widgets.mosaic_view import MosaicView
from core import probes
from core.layers import Dense
from core.network import Network

CARD_BACKGROUND = "#161b21"
#: activations: dark (0) to the accent cyan to white (1), so that the amber outlines stand out; weak
#: responses already lift off the background, so a feature map's shape shows, not only its peaks
ACTIVATION = pg.ColorMap([0.0, 0.12, 0.55, 1.0], [(14, 18, 24), (22, 60, 86), (40, 150, 190), (235, 250, 255)])
N_HIGHLIGHTS = 5
TITLE_HEIGHT = 22  # a mosaic's title row (``ImageView``)


def _levels_for(layer, values: np.ndarray) -> tuple[float, float]:
    """Fixed levels for bounded activations; for unbounded ones (ReLU), the current range up to its
    99.5th percentile, so that a few very strong units do not leave every other tile black."""
    name = getattr(getattr(layer, "activation", None), "name", "")
    if name in ("sigmoid", "softmax"):
        return 0.0, 1.0
    if name == "tanh":
        return -1.0, 1.0
    top = float(np.nanpercentile(values, 99.5)) if values.size else 1.0
    return min(0.0, float(np.nanmin(values))), max(top, 1e-6)


def best_columns(n: int, tile_shape: tuple[int, int], pad: int, width: float, height: float) -> int:
    """How many columns make ``n`` tiles of ``tile_shape`` (rows, cols), ``pad`` apart, largest in a
    ``width`` × ``height`` area (the grid keeps the tiles' aspect ratio)."""
    h, w = tile_shape
    best, best_scale = max(1, math.ceil(math.sqrt(n))), 0.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        scale = min(width / (cols * (w + pad) - pad), height / (rows * (h + pad) - pad))
        if scale > best_scale * 1.001:  # (ties: fewer columns, a squarer grid)
            best, best_scale = cols, scale
    return best


class _LayerPanel:
    """One mosaic view bound to one layer of the network."""

    def __init__(self, index: int, kind: str, view: MosaicView, weight_view: MosaicView | None = None):
        self.index, self.kind, self.view, self.weight_view = index, kind, view, weight_view


class InsideView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.net: Network | None = None
        self.panels: list[_LayerPanel] = []
        self._last: dict | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.caption = QLabel("Open a network to look inside it.")
        self.caption.setObjectName("caption")
        self.caption.setWordWrap(True)
        self._layout.addWidget(self.caption)

    # --- building ----------------------------------------------------------------------------------
    def set_network(self, net: Network | None) -> None:
        """Build the views this network's architecture needs."""
        for panel in self.panels:
            for view in (panel.view, panel.weight_view):
                if view is not None:
                    self._layout.removeWidget(view)
                    view.deleteLater()
        self.panels = []
        self._last = None
        self.net = net
        if net is None:
            self.caption.setText("Open a network to look inside it.")
            return
        hidden_dense = [i for i, l in enumerate(net.layers[:-1]) if isinstance(l, Dense)]
        maps = [i for i, l in enumerate(net.layers) if l.params and len(l.output_shape) == 3]
        weights = probes.first_layer_weight_images(net)
        for n, i in enumerate(maps):
            layer = net.layers[i]
            c, h, w = layer.output_shape
            view = self._view(f"conv layer {n + 1}: {c} maps of {h}×{w}", ACTIVATION)
            view.setToolTip(layer.describe())
            view.describe = lambda k, i=i: self._describe_map(i, k)
            self.panels.append(_LayerPanel(i, "maps", view))
        for n, i in enumerate(hidden_dense):
            layer = net.layers[i]
            title = f"hidden layer {n + 1}: {layer.n_out} {layer.activation.name} neurons"
            cols = None
            if i == 0 and weights is not None:
                title = f"hidden layer 1 activations: {layer.n_out} {layer.activation.name} neurons"
            view = self._view(title, ACTIVATION, highlights=N_HIGHLIGHTS)
            view.describe = lambda k, i=i: self._describe_neuron(i, k)
            weight_view = None
            if i == 0 and weights is not None:
                cols = view.layout_cols(layer.n_out)
                weight_view = self._view("their weights (red +, blue −)", DIVERGING,
                                         highlights=N_HIGHLIGHTS, cols=cols)
                limit = float(np.percentile(np.abs(weights), 99.5)) or 1.0
                weight_view.set_tiles(weights, (-limit, limit))
                weight_view.describe = lambda k, i=i: self._describe_neuron(i, k)
            self.panels.append(_LayerPanel(i, "dense", view, weight_view))
        for panel in self.panels:
            self._layout.addWidget(panel.view, 3 if panel.kind == "maps" else 2)
            if panel.weight_view is not None:
                self._layout.addWidget(panel.weight_view, 5)
        self.caption.setText(self._caption_text(None))
        self.clear()

    def update_weights(self, net: Network) -> None:
        """Same architecture, new weights (e.g. the next snapshot of a network being trained)."""
        self.net = net
        weights = probes.first_layer_weight_images(net)
        for panel in self.panels:
            if panel.weight_view is not None and weights is not None:
                limit = float(np.percentile(np.abs(weights), 99.5)) or 1.0
                panel.weight_view.set_tiles(weights, (-limit, limit))

    def _view(self, title: str, cmap, highlights: int = 0, cols: int | None = None) -> MosaicView:
        view = MosaicView(cmap=cmap, title=title, cols=cols, max_highlights=highlights)
        view.installEventFilter(self)  # (to fit its layout to its size)
        view.setBackground(CARD_BACKGROUND)
        view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return view

    # --- updating ----------------------------------------------------------------------------------
    def clear(self) -> None:
        """Blank views (nothing drawn)."""
        self._last = None
        for panel in self.panels:
            self._draw(panel)
        self.caption.setText(self._caption_text(None))

    def show_explanation(self, explanation: dict) -> None:
        """Draw ``core.probes.explain(net, image[None])``'s result for one image."""
        self._last = explanation
        for panel in self.panels:
            self._draw(panel)
        self.caption.setText(self._caption_text(int(np.argmax(explanation["output"][0]))))

    def _draw(self, panel: _LayerPanel) -> None:
        """One panel, for the last explanation (dark tiles in the layer's shape before any digit)."""
        layer = self.net.layers[panel.index]
        if self._last is None:
            a, top = np.zeros(layer.output_shape, np.float32), []
            levels = (0.0, 1.0)
        else:
            a = self._last["activations"][panel.index][0]
            levels = _levels_for(layer, a)
            c = self._last["contributions"][panel.index][0]
            top = [int(k) for k in np.argsort(-c)[:N_HIGHLIGHTS] if c[k] > 0] if panel.kind == "dense" else []
        if panel.kind == "maps":
            panel.view.set_tiles(a, levels)
        else:
            panel.view.set_values(a, levels)
        for view in (panel.view, panel.weight_view):
            if view is not None:
                view.set_highlights(top)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            for panel in self.panels:
                if panel.view is obj and panel.weight_view is None:
                    self._fit(panel)
        return False

    def _fit(self, panel: _LayerPanel) -> None:
        """Lay the panel's tiles out in as many columns as make them largest in its view (not for the
        first layer of an MLP, whose grid matches its weight images')."""
        layer = self.net.layers[panel.index]
        n, shape, pad = (layer.output_shape[0], layer.output_shape[1:], 1) if panel.kind == "maps" \
            else (layer.n_out, (1, 1), 0)
        view = panel.view
        cols = best_columns(n, shape, pad, max(view.width() - 8, 1), max(view.height() - TITLE_HEIGHT - 8, 1))
        if cols != view.layout_cols(n):
            view.cols = cols
            self._draw(panel)

    def strongest(self, layer_position: int = 0) -> list[int]:
        """The outlined neurons of the ``layer_position``-th hidden dense layer (for tests)."""
        dense = [p for p in self.panels if p.kind == "dense"]
        return dense[layer_position].view.highlighted() if layer_position < len(dense) else []

    # --- words -------------------------------------------------------------------------------------
    def _caption_text(self, answer: int | None) -> str:
        has_weights = any(p.weight_view is not None for p in self.panels)
        has_maps = any(p.kind == "maps" for p in self.panels)
        if answer is None:
            return "Draw a digit to see the layers respond." if self.panels else \
                "This network has no hidden layers: the input goes straight to the output."
        parts = []
        if has_maps:
            parts.append("Each small image is one filter's response to your digit (bright: strong).")
        if has_weights:
            parts.append(f"Outlined: the hidden neurons that push hardest towards “{answer}” "
                         "(activation × weight into that output). Hover a tile for its numbers.")
        elif any(p.kind == "dense" for p in self.panels):
            parts.append(f"Outlined: the neurons that push hardest towards “{answer}”.")
        return " ".join(parts)

    def _describe_neuron(self, layer_index: int, k: int) -> str:
        if self._last is None:
            return f"neuron {k}"
        a = float(self._last["activations"][layer_index][0].ravel()[k])
        c = float(self._last["contributions"][layer_index][0].ravel()[k])
        answer = int(np.argmax(self._last["output"][0]))
        return f"neuron {k}: activation {a:.3f}, pushes “{answer}” by {c:+.3f}"

    def _describe_map(self, layer_index: int, k: int) -> str:
        if self._last is None:
            return f"feature map {k}"
        m = self._last["activations"][layer_index][0][k]
        return f"feature map {k}: mean {float(m.mean()):.3f}, max {float(m.max()):.3f}"
