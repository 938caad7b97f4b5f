"""Page 5: a function of two inputs approximated by an n×n grid of towers.

The network: 2 inputs → n + 1 x-steps and n + 1 y-steps → n² tower neurons (weights ±h, bias −3h/2)
→ output σ(Σ cᵢⱼ Tᵢⱼ), each tower's output weight cᵢⱼ the median of σ⁻¹∘f over its cell (the 2-D
version of Auto-fit). Evaluating n² towers on 100×100 points takes up to a few tenths of a second,
so it runs off the GUI thread; only the latest request is computed.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QGridLayout, QGroupBox, QHBoxLayout, QSpinBox, QVBoxLayout,
                               QWidget)

from app import jobs, theme
from app.theme.plots import SEQUENTIAL
from app.universality.controls import ScoreBadge, SidePanel, header, note_label
from app.universality.heatmap import HeatMap
from app.universality.surface import SurfaceView
from app.universality.target_box import TargetBox
from core import universality as u

RESOLUTION = 100
MAX_GRID = 30


def compute(target, n: int, h: float) -> dict:
    """Everything the page shows for an n×n grid of towers of steepness h (runs on a worker thread)."""
    X, Y = u.grid_coords(RESOLUTION)
    values = u.target_values(target, X, Y)
    heights = u.fit_tower_heights(n, target, RESOLUTION)
    z = u.tower_grid_z(heights, X[0], Y[:, 0], h)
    return {"n": n, "h": h, "f": np.clip(values, 0, 1), "outside": u.out_of_range(values),
            "output": u.sigmoid(z), "z": z, "score": u.grid_deviation(z, target, RESOLUTION), "heights": heights}


class GridPage(QWidget):
    """``updated(dict)`` fires when a computation lands (the dict from :func:`compute`)."""

    updated = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.target = u.formula_target_2d(next(iter(u.PRESETS_2D.values())))
        self.result: dict | None = None
        self._worker = None
        self._pending = False

        self.target_view = HeatMap("Target f(x, y)", SEQUENTIAL, (0, 1))
        self.output_view = HeatMap("Network output σ(Σ cᵢⱼ Tᵢⱼ)", SEQUENTIAL, (0, 1))
        self.error_view = HeatMap("Error |f − output|", pg.colormap.get("inferno"), (0, 0.2))
        self.surface = SurfaceView("Network output as a surface")

        self.target_box = TargetBox(u.PRESETS_2D, ("x", "y"))
        self.target_box.formula.setPlaceholderText("f(x, y) = …   e.g. 0.5 + 0.4*sin(6*x)*cos(6*y)")
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, MAX_GRID)
        self.n_spin.setValue(10)
        self.n_spin.setPrefix("n = ")
        self.n_spin.setSuffix(" per side")
        self.n_spin.setToolTip("towers per side: an n × n grid of towers")
        self.n_spin.setKeyboardTracking(False)
        self.h_spin = QDoubleSpinBox()
        self.h_spin.setRange(1, 200)
        self.h_spin.setValue(20)
        self.h_spin.setPrefix("h = ")
        self.h_spin.setToolTip("the bumps' output weights ±h (the tower neurons' bias is −3h/2): larger h, "
                               "sharper towers with less leaking along the arms")
        self.h_spin.setKeyboardTracking(False)
        self.surface_choice = QComboBox()
        self.surface_choice.addItems(["surface: network output", "surface: target f"])
        self.description = note_label()
        self.description.setStyleSheet("color: #d0d6dc; font-size: 9pt;")
        self.badge = ScoreBadge("Average deviation |σ⁻¹(f) − z|")
        self.badge.setToolTip("the book's score in two dimensions: the mean of |σ⁻¹(f(x, y)) − z(x, y)| over "
                              "the centres of a 100 × 100 grid of points")
        self.status = note_label()

        grid_box = QGroupBox("Towers")
        gl = QGridLayout(grid_box)
        gl.addWidget(self.n_spin, 0, 0)
        gl.addWidget(self.h_spin, 0, 1)
        gl.addWidget(self.surface_choice, 1, 0, 1, 2)
        gl.addWidget(self.description, 2, 0, 1, 2)
        side = QVBoxLayout()
        side.addWidget(self.target_box)
        side.addWidget(grid_box)
        side.addWidget(self.badge)
        side.addWidget(self.status)
        side.addWidget(note_label(
            "Each tower's output weight cᵢⱼ is the median of σ⁻¹(f) over its cell: the heights with the best "
            "score, as Auto-fit gives in one dimension. Towers leak a little along their arms (σ(−h/2) each), "
            "so a larger h helps when there are many towers."))
        side.addStretch(1)
        side_widget = SidePanel(side, max_width=360)
        views = QGridLayout()
        views.addWidget(self.target_view, 0, 0)
        views.addWidget(self.output_view, 0, 1)
        views.addWidget(self.error_view, 1, 0)
        views.addWidget(self.surface, 1, 1)
        body = QHBoxLayout()
        body.addLayout(views, 2)  # the views take 2/3 of the width, the controls 1/3 (at most 360 px)
        body.addWidget(side_widget, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(header(
            "Many towers: any function of two inputs",
            "A grid of towers, one per cell, each weighted by the height it should have, adds up to any "
            "function of (x, y); with the book's trick the weighted sum z follows σ⁻¹∘f and the output σ(z) "
            "follows f. Pick or type a target and change the grid."))
        layout.addLayout(body, 1)

        self.target_box.target_changed.connect(self.set_target)
        self.n_spin.valueChanged.connect(lambda _: self.request())
        self.h_spin.valueChanged.connect(lambda _: self.request())
        self.surface_choice.currentIndexChanged.connect(lambda _: self._show_surface())
        self.request()

    # --- computing off the GUI thread ---------------------------------------------------------------
    def set_target(self, target, name: str = "") -> None:
        self.target = target
        self.request()

    def request(self) -> None:
        """Recompute for the current target, n and h (after the running computation, if any)."""
        if self._worker is not None:
            self._pending = True
            return
        n, h = self.n_spin.value(), self.h_spin.value()
        self.status.setText(f"computing {n * n} towers…")
        self._worker = jobs.call(compute, self.target, n, h, done=self._landed, ended=self._finished, owner=self,
                                 failed=lambda exc: self.status.setText(f"<span style='color:{theme.ERROR}'>{exc}</span>"))

    def _finished(self) -> None:
        self._worker = None
        if self._pending:
            self._pending = False
            self.request()

    def _landed(self, result: dict) -> None:
        self.result = result
        n, h = result["n"], result["h"]
        self.target_view.set_data(result["f"])
        self.output_view.set_data(result["output"])
        error = np.abs(result["f"] - result["output"])
        self.error_view.set_data(error, (0.0, max(0.05, float(np.percentile(error, 99)))))
        self._show_surface()
        self.badge.set_score(result["score"])
        self.target_box.note_clipping(result["outside"], "square")
        self.description.setText(
            f"2 inputs → {2 * (n + 1)} step neurons ({n + 1} on x, {n + 1} on y) → {n * n} tower neurons, each "
            f"joined to 4 steps by ±h with bias −3h/2 = −{1.5 * h:.4g} → 1 output neuron σ(z)")
        self.status.setText("")
        self.updated.emit(result)

    def _show_surface(self) -> None:
        if self.result is not None:
            key = "output" if self.surface_choice.currentIndex() == 0 else "f"
            self.surface.title = "Network output as a surface" if key == "output" else "Target f as a surface"
            self.surface.set_data(self.result[key], (0.0, 1.0))

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def shutdown(self, timeout: float = 3.0) -> None:
        """Let a running computation finish (it takes well under a second) before the app goes."""
        self._pending = False
        if self._worker is not None:
            self._worker.wait(int(timeout * 1000))
