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
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from app import numbers, theme
from app.theme.palette import font
from app.theme.plots import ACTIVATION, DIVERGING
from app.widgets.mosaic_view import MosaicView
from core import probes
from core.layers import Dense
from core.network import Network

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
        self._layout.addStretch(0)  # what views that hug their image leave (see set_network)

    # --- building ----------------------------------------------------------------------------------
    def set_network(self, net: Network | None) -> None:
        """Build the views this network's architecture needs."""
        for panel in self.panels:
            for view in (panel.view, panel.weight_view):
                if view is not None:
                    self._layout.removeWidget(view)
                    view.hide()  # (at once: it is deleted on the next turn of the event loop)
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
            view = self._view([f"conv layer {n + 1}: {c} maps of {h}×{w}", f"conv {n + 1}: {c} maps, {h}×{w}",
                               f"conv {n + 1}: {c} maps"], ACTIVATION)
            view.setToolTip(layer.describe())
            view.describe = lambda k, i=i: self._describe_map(i, k)
            self.panels.append(_LayerPanel(i, "maps", view))
        for n, i in enumerate(hidden_dense):
            layer = net.layers[i]
            what = f"{layer.n_out} {layer.activation.name}"
            titles = [f"hidden layer {n + 1}: {what} neurons", f"hidden layer {n + 1}: {what}", f"layer {n + 1}: {what}"]
            cols = None
            if i == 0 and weights is not None:
                titles.insert(0, f"hidden layer 1 activations: {what} neurons")
            view = self._view(titles, ACTIVATION, highlights=N_HIGHLIGHTS)
            view.describe = lambda k, i=i: self._describe_neuron(i, k)
            weight_view = None
            if i == 0 and weights is not None:
                cols = view.layout_cols(layer.n_out)
                weight_view = self._view(["their weights (red +, blue −)", "weights (red +, blue −)", "weights"],
                                         DIVERGING, highlights=N_HIGHLIGHTS, cols=cols)
                limit = float(np.percentile(np.abs(weights), 99.5)) or 1.0
                weight_view.set_tiles(weights, (-limit, limit))
                weight_view.describe = lambda k, i=i: self._describe_neuron(i, k)
            self.panels.append(_LayerPanel(i, "dense", view, weight_view))
        for panel in self.panels:
            self._add(panel.view, 3 if panel.kind == "maps" else 2)
            if panel.weight_view is not None:  # its grid is the weights': both as tall as their tiles need
                self._add(panel.weight_view, 5)
                for view in (panel.view, panel.weight_view):
                    view.hug_image()
        self.caption.setText(self._caption_text(None))
        self.clear()

    def _add(self, view: MosaicView, stretch: int) -> None:
        """Add ``view`` under the others (above the spare room at the bottom)."""
        self._layout.insertWidget(self._layout.count() - 1, view, stretch)

    def update_weights(self, net: Network) -> None:
        """Same architecture, new weights (e.g. the next snapshot of a network being trained)."""
        self.net = net
        weights = probes.first_layer_weight_images(net)
        for panel in self.panels:
            if panel.weight_view is not None and weights is not None:
                limit = float(np.percentile(np.abs(weights), 99.5)) or 1.0
                panel.weight_view.set_tiles(weights, (-limit, limit))

    def _view(self, titles: list[str], cmap, highlights: int = 0, cols: int | None = None) -> MosaicView:
        """A mosaic titled by the longest of ``titles`` that fits its width."""
        view = MosaicView(cmap=cmap, title=titles[0], cols=cols, max_highlights=highlights)
        view.titles = titles
        view.installEventFilter(self)  # (to fit its layout and its title to its size)
        view.setBackground(theme.SURFACE)
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
            if hasattr(obj, "titles"):
                self._fit_titles()
            for panel in self.panels:
                if panel.view is obj and panel.weight_view is None:
                    self._fit(panel)
        return False

    def _fit_titles(self) -> None:
        """Title each view with the longest of its titles (longest first) that fits its width, in the
        same form for every view of a kind ("conv layer 1: …" and "conv layer 2: …", not one of them
        shortened to "conv 2: …"): as many forms short of the shortest as the tightest view allows."""
        metrics = QFontMetrics(font(theme.FONT_NOTE))
        groups: dict[tuple[str, bool], list[MosaicView]] = {}
        for panel in self.panels:
            groups.setdefault((panel.kind, False), []).append(panel.view)
            if panel.weight_view is not None:
                groups.setdefault((panel.kind, True), []).append(panel.weight_view)

        def shorter_forms_left(view: MosaicView) -> int:
            room = view.width() - 24  # (the title row's margins: its layout no wider than the view)
            fits = next((i for i, t in enumerate(view.titles) if metrics.horizontalAdvance(t) <= room),
                        len(view.titles) - 1)
            return len(view.titles) - 1 - fits

        for views in groups.values():
            left = min(shorter_forms_left(view) for view in views)
            for view in views:
                view.set_title(view.titles[len(view.titles) - 1 - min(left, len(view.titles) - 1)])

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
        return f"neuron {k}: activation {numbers.number(a)}, pushes “{answer}” by {'+' if c > 0 else ''}{numbers.number(c)}"

    def _describe_map(self, layer_index: int, k: int) -> str:
        if self._last is None:
            return f"feature map {k}"
        m = self._last["activations"][layer_index][0][k]
        return f"feature map {k}: mean {numbers.number(m.mean())}, max {numbers.number(m.max())}"
