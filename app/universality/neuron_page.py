"""Page 1: one sigmoid neuron σ(wx + b), which becomes a step at s = −b/w as w grows."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QRadioButton

from app import numbers, theme
from app.universality import diagram
from app.universality.page import SectionPage, group
from app.theme.fitting import DataMap, View, free_spot
from app.universality.plotting import ACCENT, NETWORK
from app.widgets.gesture_plot import make_plot
from app.widgets.page_parts import note_label
from app.widgets.text_labels import label_item
from app.widgets.value_slider import ValueSlider
from core import universality as u

X = np.linspace(0, 1, 1001)
#: the |weights| of the faint comparison curves: the same step position (and sign of w), steeper and steeper
COMPARE_W = (1.0, 3.0, 10.0, 30.0, 100.0, 1000.0)
HINTS = {False: "Drag on the plot to move the step; turn the mouse wheel over it to change w (steeper or "
                "shallower). Ctrl+Z undoes.",
         True: "Drag on the plot to move the step (w stays 1000: a step). Ctrl+Z undoes."}


class NeuronPage(SectionPage):
    """σ(wx + b) with w and b on sliders, or the step position s with w = 1000 and b = −ws.
    Dragging on the plot moves the step; the mouse wheel makes it steeper or shallower."""

    TITLE = "One neuron: a step"
    INTRO = (
        "A sigmoid neuron with one input outputs σ(wx + b). Make the weight <i>w</i> large and the output "
        "becomes a step function; the step sits where wx + b = 0, at <i>s</i> = −<i>b</i>/<i>w</i>. From "
        "here on a neuron is described by its step position <i>s</i> alone, as in the book."
    )

    def __init__(self, parent=None):
        super().__init__(parent)
        self.w, self.b = 8.0, -4.0
        self.plot = make_plot("Output of one hidden neuron", "x", "σ(wx + b)", handler=self,
                              x_range=(0, 1), y_range=(-0.02, 1.02))
        self.compare = [self.plot.plot(pen=pg.mkPen(theme.rgba(theme.TEXT, 40 + 25 * k), width=1.5),
                                       name=f"|w| = {numbers.number(w)}") for k, w in enumerate(COMPARE_W)]
        self.curve = self.plot.plot(pen=pg.mkPen(NETWORK, width=3), name="σ(wx + b)")
        self.step_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(ACCENT, width=1, style=Qt.PenStyle.DashLine))
        self.handle = pg.ScatterPlotItem(size=14, brush=pg.mkBrush(ACCENT), pen=pg.mkPen(theme.BRIGHT, width=1.5))
        self.step_label = label_item(color=ACCENT, anchor=(0, 1), backed=True)
        for item in (self.step_line, self.handle, self.step_label):
            self.plot.addItem(item)
        self.plot.setCursor(Qt.CursorShape.SizeHorCursor)

        self.diagram = diagram.NetworkDiagram()
        self.diagram.setMinimumHeight(170)
        self.by_weight = QRadioButton("weight and bias (w, b)")
        self.by_step = QRadioButton("step position s (w = 1000, b = −ws)")
        self.by_weight.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.by_weight)
        modes.addButton(self.by_step)
        self.w_slider = ValueSlider("<i>w</i>", -1000, 1000, self.w, 2, "cubic", "the weight w")
        self.b_slider = ValueSlider("<i>b</i>", -1000, 1000, self.b, 2, "cubic", "the bias b")
        self.s_slider = ValueSlider("<i>s</i>", -0.2, 1.2, 0.5, 3, "linear", "the step position s = −b/w")
        self.readout = note_label(colour=theme.TEXT)
        self.compare_box = QCheckBox("faint curves: the same s, with |w| = 1, 3, 10, 30, 100, 1000")
        self.compare_box.setChecked(True)

        self.hint = note_label(HINTS[False])
        params = group("Parameters", self.by_weight, self.by_step, self.w_slider, self.b_slider, self.s_slider,
                       self.readout, self.compare_box, self.hint)
        self.diagram.setMaximumHeight(220)
        self.lay_out(self.plot, [params, (self.diagram, 1), None])

        self.keep_history(self._state, self._restore)
        for slider, key, slot in ((self.w_slider, "w", self._w_changed), (self.b_slider, "b", self._b_changed),
                                  (self.s_slider, "s", self._s_changed)):
            slider.valueChanged.connect(lambda value, key=key, slot=slot: (self.history.checkpoint(key), slot(value)))
        modes.buttonPressed.connect(lambda _: self.history.checkpoint())  # (before the mode changes w and b)
        self.by_step.toggled.connect(self._mode_changed)
        self.compare_box.toggled.connect(lambda _: self.redraw())
        self._mode_changed()
        self.plot.getPlotItem().getViewBox().sigResized.connect(  # (the step's label finds its place again)
            lambda *_: self.w and self._place_step_label(u.step_position(self.w, self.b)))

    # --- the model ----------------------------------------------------------------------------------
    @property
    def step_mode(self) -> bool:
        return self.by_step.isChecked()

    def set_parameters(self, w: float, b: float) -> None:
        self.w, self.b = float(w), float(b)
        self.w_slider.setValue(self.w, emit=False)
        self.b_slider.setValue(self.b, emit=False)
        if self.w != 0:
            self.s_slider.setValue(u.step_position(self.w, self.b), emit=False)
        self.redraw()

    def move_step(self, s: float) -> None:
        """Put the step at s, keeping w: b = −ws."""
        self.set_parameters(self.w, u.step_bias(s, self.w))

    def redraw(self) -> None:
        self.curve.setData(X, u.neuron(X, self.w, self.b))
        compare = self.compare_box.isChecked() and self.w != 0
        for w, curve in zip(COMPARE_W, self.compare):
            curve.setVisible(compare)
            if compare:  # (a negative w makes a falling step: so do the faint curves)
                curve.setData(X, u.step(X, u.step_position(self.w, self.b), float(np.copysign(w, self.w))))
        if self.w != 0:
            s = u.step_position(self.w, self.b)
            self.step_line.setValue(s)
            self.handle.setData([s], [0.5])
            self.step_label.setText(f"s = −b/w = {numbers.number(s)}")
            self._place_step_label(s)
            visible = -0.5 < s < 1.5
        else:
            visible = False
        for item in (self.step_line, self.handle, self.step_label):
            item.setVisible(visible)
        self.diagram.set_network(*diagram.one_neuron(self.w, self.b), caption="weights on the connections")
        self.readout.setText(f"σ(<i>wx</i> + <i>b</i>) with <i>w</i> = {numbers.number(self.w, 4)}, "
                             f"<i>b</i> = {numbers.number(self.b, 4)}"
                             + (f" &nbsp;→&nbsp; step at <i>s</i> = {numbers.number(u.step_position(self.w, self.b))}"
                                if self.w else " (no step: w = 0)"))

    def _state(self) -> tuple:
        return self.w, self.b, self.step_mode

    def _restore(self, state: tuple) -> None:
        w, b, step = state
        button = self.by_step if step else self.by_weight
        if not button.isChecked():
            self.by_step.blockSignals(True)
            button.setChecked(True)
            self.by_step.blockSignals(False)
            self.hint.setText(HINTS[step])
            for slider, shown in ((self.w_slider, not step), (self.b_slider, not step), (self.s_slider, step)):
                slider.setVisible(shown)
        self.set_parameters(w, b)

    def _place_step_label(self, s: float) -> None:
        """Beside the step where no curve passes: the first free spot of a few, high and low on
        either side of it (the side with more room first), else the plot's free top corner."""
        vb = self.plot.getPlotItem().getViewBox()
        view = View.of(vb)
        rect = self.step_label.textItem.boundingRect()
        width, height = rect.width() + 4, rect.height() + 4
        (x0, x1), _ = view.x, view.y
        at = (min(max(s, x0), x1) - x0) / (x1 - x0) * view.width  # the step, in pixels from the left
        sides = [(at + 10, (0, 0)), (at - 10 - width, (1, 0))]
        if at > view.width / 2:
            sides.reverse()
        spots = [(left, top, anchor) for left, anchor in sides if 4 <= left <= view.width - width - 4
                 for top in (6, view.height * 0.25, view.height * 0.6, view.height - height - 6)]
        spots += [(view.width - width - 6, 6, (1, 0)), (6, 6, (0, 0))]
        data = DataMap.of(self.plot.getPlotItem(), exclude=[self.step_line])
        free = free_spot(view, data, [(left, top, width, height) for left, top, _ in spots])
        left, top, anchor = spots[free if free is not None else 0]
        self.step_label.setAnchor(anchor)
        x = x0 + (left + (width - 4 if anchor[0] else 0) + 2) / view.width * (x1 - x0)
        y = view.y[1] - (top + 2) / view.height * (view.y[1] - view.y[0])
        self.step_label.setPos(x, y)

    # --- controls -----------------------------------------------------------------------------------
    def _mode_changed(self) -> None:
        step = self.step_mode
        self.hint.setText(HINTS[step])
        self.w_slider.setVisible(not step)
        self.b_slider.setVisible(not step)
        self.s_slider.setVisible(step)
        if step:
            s = u.step_position(self.w, self.b) if self.w else 0.5
            self.set_parameters(u.STEEP, u.step_bias(min(max(s, -0.2), 1.2), u.STEEP))
        else:
            self.redraw()

    def _w_changed(self, w: float) -> None:
        self.set_parameters(w, self.b)

    def _b_changed(self, b: float) -> None:
        self.set_parameters(self.w, b)

    def _s_changed(self, s: float) -> None:
        self.move_step(s)

    # --- gestures on the plot -----------------------------------------------------------------------
    def drag_started(self, pos: QPointF) -> bool:
        self.history.checkpoint()
        if self.w == 0:
            self.set_parameters(8.0, self.b)
        self.move_step(pos.x())
        return True

    def dragged(self, pos: QPointF) -> None:
        self.move_step(min(max(pos.x(), -0.2), 1.2))

    def drag_finished(self, pos: QPointF) -> None:
        self.dragged(pos)

    def clicked(self, pos: QPointF) -> None:
        self.drag_started(pos)

    def wheel(self, delta: float) -> None:
        """Steeper (up) or shallower (down) around the same step position."""
        if self.step_mode or self.w == 0:
            return
        self.history.checkpoint("wheel")
        s = u.step_position(self.w, self.b)
        w = float(np.clip(self.w * 1.25 ** np.sign(delta), -1000, 1000))
        self.set_parameters(w, u.step_bias(s, w))

