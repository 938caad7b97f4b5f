"""Page 4: two inputs. An x-bump plus a y-bump, fed to one more neuron with bias ≈ −3h/2, make a tower."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QGridLayout

from app import numbers, theme
from app.theme.plots import SEQUENTIAL, set_axis_label, set_title
from app.universality import diagram
from app.universality.heatmap import HeatMap
from app.universality.page import SectionPage, group
from app.universality.plotting import LEARNED, NETWORK
from app.universality.surface import SurfaceView, coordinates_with_jumps
from app.widgets.gesture_plot import GestureViewBox, make_plot, pixels_per_unit
from app.widgets.page_parts import note_label
from app.widgets.value_slider import ValueSlider
from core import universality as u

RESOLUTION = 101
EDGE_PICK_PIXELS = 8
MIN_WIDTH = 0.02
OUTPUT = "output σ(h·(x-bump + y-bump) + b)"
WEIGHTED = "weighted input h·(x-bump + y-bump) + b"


class TowersPage(SectionPage):
    """Steps s₁, s₂ on x and t₁, t₂ on y, height h, output bias b (locked to −3h/2 unless unticked)."""

    TITLE = "Two inputs: towers"
    INTRO = (
        "Step neurons on x at <i>s</i>₁, <i>s</i>₂ and on y at <i>t</i>₁, <i>t</i>₂, with output weights "
        "±<i>h</i>, make an x-bump and a y-bump. Their sum is 2<i>h</i> where they cross, <i>h</i> on the "
        "rest of each bump and 0 elsewhere; one more neuron with bias <i>b</i> ≈ −3<i>h</i>/2 keeps only "
        "the crossing: a <b>tower</b>, sharper as <i>h</i> grows."
    )

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.x_steps = [0.3, 0.6]
        self.y_steps = [0.4, 0.7]
        self.h = 10.0
        self.b = -15.0
        self._drag: str | None = None
        self._drag_from: QPointF | None = None
        coords = np.linspace(0, 1, RESOLUTION)
        self.X, self.Y = np.meshgrid(coords, coords)

        self.heat = HeatMap("Tower neuron output", SEQUENTIAL, (0, 1), view_box=GestureViewBox(self))
        self.surface = SurfaceView("The same, as a surface", z_label="output")
        # the colour-coded title is the legend (a legend box would sit on the curves)
        self.slices = make_plot("", "x", "", y_range=(-0.05, 1.05))
        set_title(self.slices.getPlotItem(), f"Along x: {theme.coloured('— through the tower', NETWORK)} · "
                                             f"{theme.coloured('- - beside it (on an arm)', LEARNED)}")
        self.slices.setToolTip("two cross-sections at fixed y: through the middle of the tower, and beside it, "
                               "where only the x-bump's arm is")
        self.slice_in = self.slices.plot(pen=pg.mkPen(NETWORK, width=2.5), name="through")
        self.slice_out = self.slices.plot(pen=pg.mkPen(LEARNED, width=2, style=Qt.PenStyle.DashLine), name="beside")
        self.mode = QComboBox()
        self.mode.addItems([OUTPUT, WEIGHTED])
        self.s1 = ValueSlider("s₁", 0, 1, self.x_steps[0], 3, tooltip="x-bump: first step")
        self.s2 = ValueSlider("s₂", 0, 1, self.x_steps[1], 3, tooltip="x-bump: second step")
        self.t1 = ValueSlider("t₁", 0, 1, self.y_steps[0], 3, tooltip="y-bump: first step")
        self.t2 = ValueSlider("t₂", 0, 1, self.y_steps[1], 3, tooltip="y-bump: second step")
        self.h_slider = ValueSlider("h", 0, 50, self.h, 2, tooltip="the bumps' output weights ±h")
        self.b_slider = ValueSlider("b", -100, 50, self.b, 2, tooltip="the tower neuron's bias")
        self.lock = QCheckBox("keep b = −3h/2")
        self.lock.setChecked(True)
        self.readout = note_label(colour=theme.TEXT)
        box = group("Tower", self.mode, self.s1, self.s2, self.t1, self.t2, self.h_slider, self.b_slider, self.lock,
                    self.readout,
                    note_label("On the heat map drag the tower to move it, or drag a side; drag the surface to "
                               "turn it."))
        self.diagram = diagram.NetworkDiagram(max_labelled=8)
        self.diagram.setMinimumHeight(150)
        views = QGridLayout()
        views.addWidget(self.heat, 0, 0)
        views.addWidget(self.surface, 0, 1)
        views.addWidget(self.slices, 1, 0, 1, 2)
        views.setRowStretch(0, 3)
        views.setRowStretch(1, 2)
        self.lay_out(views, [box, (self.diagram, 1)], share=(2, 1), max_width=380)

        self.keep_history(self._state, self._restore)
        for key, slider, setter in (("s1", self.s1, lambda v: self.set_step("s1", v)),
                                    ("s2", self.s2, lambda v: self.set_step("s2", v)),
                                    ("t1", self.t1, lambda v: self.set_step("t1", v)),
                                    ("t2", self.t2, lambda v: self.set_step("t2", v)),
                                    ("h", self.h_slider, self.set_h), ("b", self.b_slider, self.set_b)):
            slider.valueChanged.connect(lambda v, key=key, setter=setter: (self.history.checkpoint(key), setter(v)))
        self.lock.pressed.connect(lambda: self.history.checkpoint())  # (before its toggle changes b)
        self.lock.toggled.connect(lambda on: self.set_h(self.h))
        self.mode.currentIndexChanged.connect(lambda _: self.refresh())
        self.refresh()

    # --- the model ----------------------------------------------------------------------------------
    def set_h(self, h: float) -> None:
        self.h = float(h)
        if self.lock.isChecked():
            self.b = -1.5 * self.h
        self.refresh()

    def set_b(self, b: float) -> None:
        self.b = float(b)
        if self.lock.isChecked() and abs(self.b + 1.5 * self.h) > 1e-9:
            self.lock.blockSignals(True)
            self.lock.setChecked(False)
            self.lock.blockSignals(False)
        self.refresh()

    def set_step(self, which: str, value: float) -> None:
        """Move one step, keeping each bump at least MIN_WIDTH wide and inside [0, 1]."""
        steps = self.x_steps if which[0] == "s" else self.y_steps
        k = int(which[1]) - 1
        if k == 0:
            steps[0] = float(np.clip(value, 0, steps[1] - MIN_WIDTH))
        else:
            steps[1] = float(np.clip(value, steps[0] + MIN_WIDTH, 1))
        self.refresh()

    def move_tower(self, dx: float, dy: float) -> None:
        for steps, d in ((self.x_steps, dx), (self.y_steps, dy)):
            width = steps[1] - steps[0]
            steps[0] = float(np.clip(steps[0] + d, 0, 1 - width))
            steps[1] = steps[0] + width
        self.refresh()

    def _state(self) -> tuple:
        return tuple(self.x_steps), tuple(self.y_steps), self.h, self.b, self.lock.isChecked()

    def _restore(self, state: tuple) -> None:
        x_steps, y_steps, self.h, self.b, lock = state
        self.x_steps, self.y_steps = list(x_steps), list(y_steps)
        self.lock.blockSignals(True)
        self.lock.setChecked(lock)
        self.lock.blockSignals(False)
        self.refresh()

    def values(self, X: np.ndarray | None = None, Y: np.ndarray | None = None) -> np.ndarray:
        """What the views show, on a 101×101 grid (rows along y), or at the points (X, Y)."""
        X, Y = (self.X, self.Y) if X is None else (X, Y)
        if self.mode.currentText() == OUTPUT:
            return u.tower(X, Y, self.x_steps, self.y_steps, self.h, self.b)
        return u.tower_weighted_output(X, Y, self.x_steps, self.y_steps, self.h) + self.b

    def refresh(self) -> None:
        z = self.values()
        if self.mode.currentText() == OUTPUT:
            levels, title = (0.0, 1.0), "Tower neuron output σ(·)"
        else:
            top = max(abs(self.b), abs(2 * self.h + self.b), 1.0)
            levels, title = (-top, top), "Weighted input (before σ)"
        self.heat.set_title(title)
        self.heat.set_data(z, levels)
        # the surface on a grid with points either side of each step: its walls stand upright
        xs, ys = coordinates_with_jumps(self.x_steps), coordinates_with_jumps(self.y_steps)
        self.surface.z_label = "output" if levels == (0.0, 1.0) else "weighted input"
        self.surface.set_data(self.values(*np.meshgrid(xs, ys)), levels, xs, ys)
        self._draw_slices(z, levels)
        for slider, value in ((self.s1, self.x_steps[0]), (self.s2, self.x_steps[1]), (self.t1, self.y_steps[0]),
                              (self.t2, self.y_steps[1]), (self.h_slider, self.h), (self.b_slider, self.b)):
            slider.setValue(value, emit=False)
        inside = u.sigmoid(2 * self.h + self.b)
        arm = u.sigmoid(self.h + self.b)
        outside = u.sigmoid(self.b)
        self.readout.setText(f"output ≈ σ(2h + b) = <b>{numbers.number(inside)}</b> in the tower, "
                             f"σ(h + b) = {numbers.number(arm)} on the arms, σ(b) = {numbers.number(outside)} outside")
        self.diagram.set_network(*diagram.tower(u.STEEP, self.x_steps, self.y_steps, self.h, self.b),
                                 caption="steps: w = 1000, b = −ws; output weights ±h")
        self.changed.emit()

    def _draw_slices(self, z: np.ndarray, levels) -> None:
        """z along x at the tower's middle y, and at a y outside the tower (on the x-bump's arm)."""
        t1, t2 = self.y_steps
        y_in = (t1 + t2) / 2
        y_out = t1 / 2 if t1 >= 1 - t2 else (t2 + 1) / 2
        coords = self.X[0]
        rows = [int(round(y * (RESOLUTION - 1))) for y in (y_in, y_out)]
        self.slice_in.setData(coords, z[rows[0]])
        self.slice_out.setData(coords, z[rows[1]])
        pad = 0.05 * (levels[1] - levels[0])
        self.slices.getPlotItem().getViewBox().setYRange(levels[0] - pad, levels[1] + pad, padding=0)
        set_axis_label(self.slices.getPlotItem(), "left", "output" if levels == (0.0, 1.0) else "weighted input")

    # --- gestures on the heat map -------------------------------------------------------------------
    def pick(self, pos: QPointF) -> str | None:
        px, py = pixels_per_unit(self.heat)
        x, y = pos.x(), pos.y()
        (s1, s2), (t1, t2) = self.x_steps, self.y_steps
        in_x, in_y = s1 - 0.02 <= x <= s2 + 0.02, t1 - 0.02 <= y <= t2 + 0.02
        candidates = [(abs(x - s1) * px, "s1", in_y), (abs(x - s2) * px, "s2", in_y),
                      (abs(y - t1) * py, "t1", in_x), (abs(y - t2) * py, "t2", in_x)]
        near = [(d, name) for d, name, ok in candidates if ok and d <= EDGE_PICK_PIXELS]
        if near:
            return min(near)[1]
        if s1 <= x <= s2 and t1 <= y <= t2:
            return "move"
        return None

    def drag_started(self, pos: QPointF) -> bool:
        self._drag = self.pick(pos)
        self._drag_from = pos
        if self._drag is not None:
            self.history.checkpoint()
        return self._drag is not None

    def dragged(self, pos: QPointF) -> None:
        if self._drag == "move":
            self.move_tower(pos.x() - self._drag_from.x(), pos.y() - self._drag_from.y())
            self._drag_from = pos
        elif self._drag is not None:
            self.set_step(self._drag, pos.x() if self._drag[0] == "s" else pos.y())

    def drag_finished(self, pos: QPointF) -> None:
        self.dragged(pos)
        self._drag = None
