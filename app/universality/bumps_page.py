"""Page 2: pairs of step neurons with output weights ±h make bumps; bumps add up."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QGridLayout, QHBoxLayout, QLabel, QSpinBox

from app import numbers, theme
from app.universality import diagram
from app.universality.page import SectionPage, group
from app.universality.plotting import NETWORK, DragScale
from app.widgets.gesture_plot import make_plot, pixels_per_unit
from app.widgets.page_parts import note_label
from core import universality as u

X = np.linspace(0, 1, 1001)
MAX_PAIRS = 5
Y_LIMIT = 2.0  # the height axis shows at least ±Y_LIMIT, and follows taller bumps
H_LIMIT = 10.0  # the largest |h| (as the spin boxes allow)
DEFAULT_BUMPS = [(0.1, 0.3, 0.6), (0.3, 0.55, -0.4), (0.65, 0.9, 1.2), (0.45, 0.75, 0.5), (0.05, 0.95, 0.3)]
EDGE_PICK_PIXELS = 8
MIN_WIDTH = 0.01


class BumpsPage(SectionPage):
    """Bumps (s₁, s₂, h), their sum Σⱼ vⱼaⱼ, and the network that makes it. Drag a bump's top to change
    h (the height axis follows, up to ±10), drag a step (a bump's side) to move it; or type the numbers.
    Every change can be undone."""

    TITLE = "Bumps: two steps make a rectangle"
    INTRO = (
        "Give two step neurons (steps at <i>s</i>₁ &lt; <i>s</i>₂) output weights +<i>h</i> and −<i>h</i>: "
        "their weighted output is <i>h</i> between the steps and 0 elsewhere, a bump. Pairs side by side "
        "add up, so with enough bumps the hidden layer's weighted output can follow any curve. The diagram "
        "shows the network's actual weights and biases (<i>b</i> = −<i>ws</i>)."
    )

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bumps: list[list[float]] = [list(b) for b in DEFAULT_BUMPS[:3]]
        self.steepness = u.STEEP
        self._drag: tuple[int, str] | None = None
        self._y_limit = Y_LIMIT  # the height axis's extent, ±

        self.plot = make_plot("Weighted output from the hidden layer  Σⱼ vⱼaⱼ", "x", "Σⱼ vⱼaⱼ",
                              handler=self,
                              x_range=(0, 1), y_range=(-Y_LIMIT, Y_LIMIT))
        self.fills = [pg.BarGraphItem(x0=[0], x1=[0], height=[0], pen=pg.mkPen(None),
                                      brush=pg.mkBrush(self._colour(k, 60))) for k in range(MAX_PAIRS)]
        for item in self.fills:
            self.plot.addItem(item)
        self.plot.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(theme.BORDER_STRONG)))
        self.curve = self.plot.plot(pen=pg.mkPen(NETWORK, width=3), name="Σⱼ vⱼaⱼ")
        self.tops = pg.ScatterPlotItem(size=13, symbol="s", pen=pg.mkPen(theme.BRIGHT, width=1.2))
        self.edges = pg.ScatterPlotItem(size=12, symbol="t1", pen=pg.mkPen(theme.BRIGHT, width=1))
        self.plot.addItem(self.tops)
        self.plot.addItem(self.edges)

        self.count = QSpinBox()
        self.count.setRange(1, MAX_PAIRS)
        self.count.setValue(len(self.bumps))
        self.count.setPrefix("bumps: ")
        self.steep_spin = QDoubleSpinBox()
        self.steep_spin.setRange(1, 5000)
        self.steep_spin.setDecimals(0)
        self.steep_spin.setValue(self.steepness)
        self.steep_spin.setPrefix("w = ")
        self.steep_spin.setToolTip("the weight of every hidden neuron: large w makes sharp steps")
        self.steep_spin.setKeyboardTracking(False)
        grid = QGridLayout()
        for c, text in enumerate(["", "s₁", "s₂", "h"]):
            lab = QLabel(text)
            lab.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(lab, 0, c)
        self.rows: list[tuple[QLabel, QDoubleSpinBox, QDoubleSpinBox, QDoubleSpinBox]] = []
        for k in range(MAX_PAIRS):
            name = QLabel(f"bump {k + 1}")
            name.setStyleSheet(f"color: {self._colour(k).name()}; font-weight: 600;")
            spins = []
            for c, (lo, hi) in enumerate([(0, 1), (0, 1), (-10, 10)]):
                spin = QDoubleSpinBox()
                spin.setRange(lo, hi)
                spin.setDecimals(3 if c < 2 else 2)
                spin.setSingleStep(0.01 if c < 2 else 0.05)
                spin.setKeyboardTracking(False)
                spin.valueChanged.connect(lambda value, k=k, c=c: (self.history.checkpoint(("typed", k, c)),
                                                                   self._typed(k, c, value)))
                grid.addWidget(spin, k + 1, c + 1)
                spins.append(spin)
            grid.addWidget(name, k + 1, 0)
            self.rows.append((name, *spins))
        top = QHBoxLayout()
        top.addWidget(self.count)
        top.addWidget(self.steep_spin)
        controls = group("Bumps", top, grid,
                         note_label("Drag a bump's top (■) to change its height h; drag a side (▲) to move that "
                                    "step. Each bump is two hidden neurons: steps at s₁ and s₂ with output "
                                    "weights +h and −h."))
        self.diagram = diagram.NetworkDiagram(max_labelled=12)
        self.diagram.setMinimumHeight(200)
        self.lay_out(self.plot, [controls, (self.diagram, 1)])

        self.keep_history(self._state, self._restore)
        self.count.valueChanged.connect(lambda n: (self.history.checkpoint("count"), self._count_changed(n)))
        self.steep_spin.valueChanged.connect(lambda w: (self.history.checkpoint("steepness"),
                                                        self._steepness_changed(w)))
        self.refresh()

    @staticmethod
    def _colour(k: int, alpha: int = 255):
        colour = pg.mkColor(theme.series(k + 1))
        colour.setAlpha(alpha)
        return colour

    # --- the model ----------------------------------------------------------------------------------
    def network(self) -> u.OneHiddenLayer:
        b = np.array(self.bumps)
        return u.bumps_network(b[:, :2], b[:, 2], self.steepness)

    def set_height(self, k: int, h: float) -> None:
        self.bumps[k][2] = float(h)
        self.refresh()

    def set_step(self, k: int, which: int, s: float) -> None:
        """Move step ``which`` (0: s₁, 1: s₂) of bump k, keeping s₁ < s₂."""
        s1, s2, _ = self.bumps[k]
        if which == 0:
            s1 = float(np.clip(s, 0, s2 - MIN_WIDTH))
        else:
            s2 = float(np.clip(s, s1 + MIN_WIDTH, 1))
        self.bumps[k][0], self.bumps[k][1] = s1, s2
        self.refresh()

    def refresh(self) -> None:
        net = self.network()
        self.curve.setData(X, net.weighted_output(X))
        n = len(self.bumps)
        for k, item in enumerate(self.fills):
            if k < n:
                s1, s2, h = self.bumps[k]
                item.setOpts(x0=[s1], x1=[s2], height=[h], y0=[0])
            item.setVisible(k < n)
        b = np.array(self.bumps)
        colours = [self._colour(k) for k in range(n)]
        self.tops.setData((b[:, 0] + b[:, 1]) / 2, b[:, 2], brush=colours)
        self.edges.setData(b[:, :2].ravel(), np.zeros(2 * n), brush=[c for c in colours for _ in range(2)])
        for k, (name, s1, s2, h) in enumerate(self.rows):
            for w in (name, s1, s2, h):
                w.setVisible(k < n)
            if k < n:
                for spin, value in zip((s1, s2, h), self.bumps[k]):
                    spin.blockSignals(True)
                    spin.setValue(value)
                    spin.blockSignals(False)
        pair_colours = [self._colour(k) for k in range(n) for _ in range(2)]
        self.diagram.set_network(*diagram.bumps(net.w, net.b, net.v, colours=pair_colours),
                                 caption=f"hidden weights w = {numbers.number(self.steepness, 4)}; output weights ±h")
        self.changed.emit()

    def _state(self) -> tuple:
        return tuple(tuple(b) for b in self.bumps), self.steepness

    def _restore(self, state: tuple) -> None:
        bumps, self.steepness = state
        self.bumps = [list(b) for b in bumps]
        for spin, value in ((self.count, len(self.bumps)), (self.steep_spin, self.steepness)):
            spin.blockSignals(True)
            spin.setValue(value)
            spin.blockSignals(False)
        self.refresh()
        self.fit_height_axis()

    def fit_height_axis(self, grow_only: bool = False) -> None:
        """Show every bump's top: ±max(2, 1.1·max |h|), or (while a bump is dragged) only ever wider."""
        limit = max(Y_LIMIT, 1.1 * max(abs(b[2]) for b in self.bumps))
        if limit > self._y_limit or (not grow_only and limit < self._y_limit):
            self._y_limit = limit
            self.plot.getPlotItem().getViewBox().setYRange(-limit, limit, padding=0.02)

    # --- controls -----------------------------------------------------------------------------------
    def _count_changed(self, n: int) -> None:
        while len(self.bumps) < n:
            self.bumps.append(list(DEFAULT_BUMPS[len(self.bumps)]))
        del self.bumps[n:]
        self.refresh()

    def _steepness_changed(self, w: float) -> None:
        self.steepness = float(w)
        self.refresh()

    def _typed(self, k: int, column: int, value: float) -> None:
        if column == 2:
            self.set_height(k, value)
            self.fit_height_axis()
        else:
            self.set_step(k, column, value)

    # --- gestures on the plot -----------------------------------------------------------------------
    def pick(self, pos: QPointF) -> tuple[int, str] | None:
        """What a press at ``pos`` grabs: (bump, "s1"/"s2") near a side, (bump, "h") inside a bump (the
        one whose top is nearest), or None."""
        px, _ = pixels_per_unit(self.plot)
        x, y = pos.x(), pos.y()
        best = None
        for k, (s1, s2, _) in enumerate(self.bumps):
            for which, s in (("s1", s1), ("s2", s2)):
                d = abs(x - s) * px
                if d <= EDGE_PICK_PIXELS and (best is None or d < best[0]):
                    best = (d, (k, which))
        if best is not None:
            return best[1]
        inside = [(abs(h - y), k) for k, (s1, s2, h) in enumerate(self.bumps) if s1 <= x <= s2]
        return (min(inside)[1], "h") if inside else None

    def drag_started(self, pos: QPointF) -> bool:
        self._drag = self.pick(pos)
        if self._drag is not None:
            self.history.checkpoint()
            self._scale = DragScale(self.plot)
            self.dragged(pos)
        return self._drag is not None

    def dragged(self, pos: QPointF) -> None:
        if self._drag is None:
            return
        k, what = self._drag
        if what == "h":  # above or below the plot, the axis grows to keep the top in sight
            self.set_height(k, float(np.clip(self._scale.height(pos.y()), -H_LIMIT, H_LIMIT)))
            self.fit_height_axis(grow_only=True)
        else:
            self.set_step(k, 0 if what == "s1" else 1, pos.x())

    def drag_finished(self, pos: QPointF) -> None:
        self.dragged(pos)
        self._drag = None
        self.fit_height_axis()

