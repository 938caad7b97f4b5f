"""The weights as pictures, changing while the network learns.

For a network whose first layer reads the pixels (an MLP): every hidden neuron's 784 weights as a
28×28 tile of one mosaic, blue for negative, red for positive, with levels fixed when the run starts
so that growing structure shows as growing colour. For a CNN: the chosen conv layer's filters (rows =
filters, columns = input channels) and its feature maps for one fixed validation digit.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from app import theme
from app.theme.palette import font
from app.theme.plots import DIVERGING, SEQUENTIAL
from app.train.live import Frame, LiveProbe
from app.widgets.image_view import ImageView


def _with_colour_bar(view: ImageView, cmap: pg.ColorMap, levels: tuple[float, float]) -> pg.ColorBarItem:
    bar = pg.ColorBarItem(values=levels, colorMap=cmap, interactive=False, width=10)
    bar.getAxis("right").setStyle(tickFont=font(theme.FONT_TINY))
    view.ci.addItem(bar, row=1, col=1)
    return bar


def _set_bar(bar: pg.ColorBarItem, levels: tuple[float, float]) -> None:
    bar.setLevels(levels)


class WeightsPanel(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.pages = QStackedWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.empty = QLabel("Weight images appear when a run starts")
        self.empty.setStyleSheet(theme.text_style(theme.MUTED, theme.FONT_NOTE))  # like the other views' notes
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.pages.addWidget(self.empty)

        self.mosaic = ImageView(DIVERGING, (-1.0, 1.0), title="Weights")
        self.mosaic_bar = _with_colour_bar(self.mosaic, DIVERGING, (-1.0, 1.0))
        self.pages.addWidget(self.mosaic)

        cnn = QWidget()
        cnn_layout = QVBoxLayout(cnn)
        cnn_layout.setContentsMargins(0, 0, 0, 0)
        cnn_layout.setSpacing(2)
        row = QHBoxLayout()
        row.addWidget(QLabel("Conv layer"))
        self.layer_choice = QComboBox()
        self.layer_choice.currentIndexChanged.connect(self._show_conv_layer)
        row.addWidget(self.layer_choice, 1)
        cnn_layout.addLayout(row)
        self.filters = ImageView(DIVERGING, (-1.0, 1.0), title="Filters")
        self.filters_bar = _with_colour_bar(self.filters, DIVERGING, (-1.0, 1.0))
        self.maps = ImageView(SEQUENTIAL, (0.0, 1.0), title="Feature maps")
        self.maps_bar = _with_colour_bar(self.maps, SEQUENTIAL, (0.0, 1.0))
        cnn_layout.addWidget(self.filters, 2)
        cnn_layout.addWidget(self.maps, 3)
        self.pages.addWidget(cnn)
        self.cnn_page = cnn

        self.probe: LiveProbe | None = None
        self.last: Frame | None = None
        self.map_levels: list[tuple[float, float]] = []

    # --- a new run -----------------------------------------------------------------------------------
    def configure(self, probe: LiveProbe) -> None:
        """Set the views up for a run (levels fixed from the initial weights)."""
        self.probe, self.last = probe, None
        if probe.pixel_layer is not None:
            level = probe.mosaic_level
            self.mosaic.levels = (-level, level)
            _set_bar(self.mosaic_bar, self.mosaic.levels)
            shown = probe.mosaic_neurons
            # (short: with its colour bar, the title must fit the narrow column of a 1024-pixel window)
            self.mosaic.set_title("Each neuron's 784 weights" if shown == probe.mosaic_total
                                  else f"{shown} of {probe.mosaic_total} neurons' weights")
            self.mosaic.setToolTip("Each tile is one first-layer neuron's 784 weights drawn as a 28×28 image: "
                                   "red positive, blue negative, black zero. The colour levels are fixed when "
                                   "the run starts, so learning shows as growing structure.")
            self.pages.setCurrentWidget(self.mosaic)
        elif probe.conv:
            self.map_levels = [_map_levels(a) for a in probe.conv_activations]
            self.layer_choice.blockSignals(True)
            self.layer_choice.clear()
            self.layer_choice.addItems(probe.conv_names)
            self.layer_choice.setCurrentIndex(0)
            self.layer_choice.blockSignals(False)
            self._show_conv_layer(0)
            self.pages.setCurrentWidget(self.cnn_page)
        else:
            self.empty.setText("This network's first layer does not read the pixels directly: no weight images.")
            self.pages.setCurrentWidget(self.empty)

    def _show_conv_layer(self, index: int) -> None:
        probe = self.probe
        if probe is None or not 0 <= index < len(probe.conv):
            return
        level = probe.filter_levels[index]
        self.filters.levels = (-level, level)
        _set_bar(self.filters_bar, self.filters.levels)
        self.maps.levels = self.map_levels[index]
        _set_bar(self.maps_bar, self.maps.levels)
        shape = probe.net.layers[probe.conv[index]].params["w"].shape
        how = f"{shape[0]} filters × {shape[1]} maps" if shape[1] > 1 else f"{shape[0]} filters"
        self.filters.set_title(f"{how}, {shape[2]}×{shape[3]}")
        self.filters.setToolTip("Each filter's weights: red positive, blue negative. With several input maps, "
                                "a column per filter and a row per input map.")
        digit = f"a {probe.sample_label}" if probe.sample_label is not None else "a blank image"
        self.maps.set_title(f"Its feature maps for {digit}")
        self.maps.setToolTip("This layer's output for one fixed validation digit: one map per filter.")
        if self.last is not None:
            self._draw_conv(self.last, index)

    # --- every frame ---------------------------------------------------------------------------------
    def show_frame(self, frame: Frame) -> None:
        if not frame.finite:
            return  # keep the last good pictures
        self.last = frame
        if frame.mosaic is not None:
            self.mosaic.set_image(frame.mosaic)
        elif frame.filters:
            self._draw_conv(frame, self.layer_choice.currentIndex())

    def _draw_conv(self, frame: Frame, index: int) -> None:
        if not 0 <= index < len(frame.filters):
            return
        self.filters.set_image(frame.filters[index])
        if index < len(frame.maps):
            maps = frame.maps[index]
            low, high = self.map_levels[index]
            top = float(np.nanmax(maps)) if maps.size and np.isfinite(maps).any() else high
            if top > high:  # unbounded activations (ReLU, linear): the level only ever widens
                high = _round_up(top)
                low = -high if low < 0 else low
                self.map_levels[index] = (low, high)
                _set_bar(self.maps_bar, (low, high))
            self.maps.set_image(maps, levels=(low, high))

    def image(self, which: str = "mosaic") -> np.ndarray | None:
        return {"mosaic": self.mosaic, "filters": self.filters, "maps": self.maps}[which].image()


def _map_levels(activation: str) -> tuple[float, float]:
    return {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}.get(activation, (0.0, 1.0) if activation == "relu" else (-1.0, 1.0))


def _round_up(x: float) -> float:
    k = np.floor(np.log10(x))
    return float(np.ceil(x / 10 ** k * 2) / 2 * 10 ** k)
