"""Page 1: gradient descent (chapter 1) — a ball rolling down a cost surface C(v₁, v₂).

Click the heat map to place the ball; Step moves it by Δv = −η∇C (equation 10), Run keeps stepping
(off a timer). The arrows are the gradient ∇C and the step Δv actually taken. η shows the four regimes
(slow, good, overshoot, divergence); momentum μ (chapter 3) helps along the valley; on the regression
surface each step estimates ∇C from a mini-batch of m points (equation 18), and the cloud of dots
shows where other mini-batches would have sent the ball.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QButtonGroup, QGroupBox, QHBoxLayout, QRadioButton, QVBoxLayout, QWidget

from app import numbers, theme
from app.principles.common import Player, button, equation_label, frame, plot, steady_note, strong, vector
from app.theme import plots as theme_plots
from app.widgets.page_parts import note_label
from app.widgets.value_slider import ValueSlider

from core import descent

SURFACES = {"bowl": descent.Bowl(), "valley": descent.Valley(), "regression": descent.regression_set()}
STARTS = {"bowl": (1.5, 1.0), "valley": (-1.8, 0.8), "regression": (1.6, 1.4)}
REGIME_COLOURS = {"slow": theme.WARNING, "good": theme.SUCCESS, "overshoot": theme.WARNING,
                  "divergence": theme.ERROR}
REGIME_WORDS = {"slow": "slow: many small steps", "good": "good: quick and steady",
                "overshoot": "overshoot: it jumps across the minimum",
                "divergence": "divergence: each step lands farther out"}
CLOUD = 60  # mini-batch estimates drawn at the ball
GRID = 161
MAX_STEPS = 400  # Run stops after this many steps


def regime_text(regime: descent.Regime) -> str:
    """What η (and μ) make of the descent: its regime and the worst rate of approach."""
    steps = "never" if not np.isfinite(regime.steps) else f"≈ {numbers.count(round(regime.steps))} steps"
    return (f"{strong(REGIME_WORDS[regime.name], REGIME_COLOURS[regime.name])}<br>each step multiplies the distance "
            f"to the minimum by up to {numbers.number(regime.rate, 2)}; 100× closer: {steps}")


def readout_text(step_number: int, v, cost: float, gradient, last_step, step) -> str:
    """The ball's numbers: where it is, C and ∇C there, the step it took and the one it will take
    (−η∇C, plus μ times the velocity with momentum; none once it has escaped), one short line each."""
    cost_text = numbers.number(cost, 4) if np.isfinite(cost) else "∞"
    rows = [("v", vector(v)), ("∇C", vector(gradient)),
            ("last Δv", vector(last_step) if last_step is not None else "–"),
            ("next Δv", vector(step) if step is not None else "– (escaped: it stops)")]
    return "<br>".join([f"step {numbers.count(step_number)} · C(v) = {cost_text}"]
                       + [f"{name.ljust(7).replace(' ', '&nbsp;')} = {value}" for name, value in rows])


#: texts as long as the read-outs get (the labels keep their height, so the controls under them stay put)
LONGEST = [-1.23e-5, -4.56e-5]
REGIME_RESERVE = [regime_text(descent.Regime("overshoot", 0.99, 458.0)),
                  regime_text(descent.Regime("divergence", 1.5, float("inf")))]
READOUT_RESERVE = [readout_text(1000, LONGEST, 1.23e-5, LONGEST, LONGEST, LONGEST),
                   readout_text(1000, LONGEST, 1.23e-5, LONGEST, LONGEST, None)]
HINT = (f"Click the map to put the ball there. White: the path; {strong('yellow', theme.WARNING)}: ∇C (at ¼ length); "
        f"{strong('blue', theme.ACCENT)}: the step Δv.")
STOCHASTIC_HINT = (" Pink dots: the steps other mini-batches would take (the numbers above are the full "
                   "gradient's).")


class DescentPage(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rng = np.random.default_rng(0)
        self.surface_name = "bowl"
        self.ball = descent.Ball(STARTS["bowl"])
        self.last_step: np.ndarray | None = None

        # --- the heat map and everything on it --------------------------------------------------------
        # a map, not curves: no hover read-out
        self.plot = plot("", "v₁", "v₂", handler=self, x_range=(-2, 2), y_range=(-2, 2), readout=False)
        item = self.plot.getPlotItem()
        item.getViewBox().setAspectLocked(True)
        self.image = pg.ImageItem()
        lut = theme_plots.SEQUENTIAL.getLookupTable(0.0, 1.0, 256).astype(np.float64)
        background = np.array(theme.rgba(theme.BACKGROUND, 255)[:3], dtype=np.float64)
        self.image.setLookupTable((0.55 * lut[:, :3] + 0.45 * background).astype(np.uint8))  # dimmed, opaque
        # The view shows the square the ball lives in (wider when the plot is wider: the aspect is locked);
        # the heat map and its contours are drawn twice as far out so that they fill any view, and cut
        # by it (ignoreBounds: they do not set the range)
        item.addItem(self.image, ignoreBounds=True)
        self.contours = [pg.PlotDataItem(pen=pg.mkPen(theme.rgba(theme.TEXT, 70), width=1)) for _ in range(8)]
        for contour in self.contours:
            item.addItem(contour, ignoreBounds=True)
        self.minimum = pg.ScatterPlotItem(size=10, symbol="x", pen=pg.mkPen(theme.TEXT_STRONG, width=2))
        self.path = pg.PlotDataItem(pen=pg.mkPen(theme.TEXT_STRONG, width=1.5), symbol="o", symbolSize=4,
                                    symbolBrush=theme.TEXT_STRONG, symbolPen=None)
        self.cloud = pg.ScatterPlotItem(size=5, brush=pg.mkBrush(theme.rgba(theme.SERIES[1], 150)), pen=None)
        self.gradient_line = pg.PlotDataItem(pen=pg.mkPen(theme.WARNING, width=2))
        self.step_line = pg.PlotDataItem(pen=pg.mkPen(theme.ACCENT, width=3))
        self.gradient_head = pg.ArrowItem(headLen=12, brush=theme.WARNING, pen=None)
        self.step_head = pg.ArrowItem(headLen=14, brush=theme.ACCENT, pen=None)
        self.ball_item = pg.ScatterPlotItem(size=16, brush=pg.mkBrush(theme.TEXT_STRONG),
                                            pen=pg.mkPen(theme.BACKGROUND, width=2))
        item.addItem(self.minimum)
        # the ball, its path and arrows stay on the map, but for a diverging ball that flies off it (cut
        # at the edge, on purpose: the read-out says it escaped)
        for moving in (self.path, self.cloud, self.gradient_line, self.step_line, self.gradient_head,
                       self.step_head, self.ball_item):
            item.addItem(moving, ignoreBounds=True)
        self.plot.setCursor(Qt.CursorShape.CrossCursor)

        # the regression set and the line of the ball's (v₁, v₂)
        self.data_plot = plot("The data: y = v₁x + v₂", "x", "y", x_range=(-1.6, 1.6), y_range=(-2.5, 1.5))
        self.data_plot.setMinimumHeight(150)
        self.data_points = pg.ScatterPlotItem(size=6, brush=pg.mkBrush(theme.rgba(theme.TEXT, 160)), pen=None)
        self.batch_points = pg.ScatterPlotItem(size=9, brush=None, pen=pg.mkPen(theme.SERIES[1], width=2))
        self.data_line = self.data_plot.plot(pen=pg.mkPen(theme.ACCENT, width=2), name="v₁x + v₂")
        self.data_plot.addItem(self.data_points)
        self.data_plot.addItem(self.batch_points)

        # --- the controls ----------------------------------------------------------------------------
        choose = QGroupBox("Surface")
        choose_box = QVBoxLayout(choose)
        self.surface_buttons: dict[str, QRadioButton] = {}
        group = QButtonGroup(self)
        for name, text, tip in (
                ("bowl", "Bowl  C = v₁² + v₂²", "The book's example (chapter 1, equation 10's valley)"),
                ("valley", "Long valley  C = 0.05v₁² + v₂²", "Steep across, shallow along: where momentum helps "
                                                          "(chapter 3, equations 107-108)"),
                ("regression", "Line fit, stochastic", "C = (1/2n) Σ (v₁x + v₂ − y)² over 40 points; each step "
                                                      "estimates ∇C from a mini-batch of m (chapter 1, equation 18)")):
            b = QRadioButton(text)
            b.setToolTip(tip)
            group.addButton(b)
            choose_box.addWidget(b)
            self.surface_buttons[name] = b
            b.toggled.connect(lambda on, name=name: on and self.set_surface(name))

        self.eta = ValueSlider("η", 0.01, 1.2, 0.1, 3, tooltip="learning rate η in Δv = −η∇C (chapter 1, equation 10)")
        self.mu = ValueSlider("μ", 0.0, 0.95, 0.0, 2, tooltip="momentum coefficient μ: v → μv − η∇C, "
                                                              "w → w + v (chapter 3, equations 107 and 108)")
        self.m = ValueSlider("m", 1, 40, 5, 0, tooltip="mini-batch size m: ∇C ≈ (1/m) Σ ∇Cₓ over m random "
                                                      "points (chapter 1, equation 18)")
        self.regime_label = steady_note(REGIME_RESERVE)
        self.step_button = button("Step", "One step Δv = −η∇C (chapter 1, equation 10)")
        self.run_button = button("Run", "Keep stepping until the ball settles or escapes", primary=True)
        self.reset_button = button("Reset", "Put the ball back at its start (or click the map to place it)")
        buttons = QHBoxLayout()
        for b in (self.step_button, self.run_button, self.reset_button):
            buttons.addWidget(b)
        self.readout = equation_label(READOUT_RESERVE, size=theme.FONT_NOTE)
        side = QVBoxLayout()
        side.addWidget(choose)
        side.addWidget(self.eta)
        side.addWidget(self.regime_label)
        side.addWidget(self.mu)
        side.addWidget(self.m)
        side.addLayout(buttons)
        side.addWidget(self.readout)
        side.addWidget(self.data_plot)
        self.hint = note_label(HINT)  # (the pink dots' line only where there are pink dots)
        side.addWidget(self.hint)
        frame(self, "Gradient descent",
              "Think of the cost C(v₁, v₂) as a valley and let a ball roll down: each step moves it by "
              "Δv = −η∇C, against the gradient. A small learning rate η crawls; a large one overshoots the "
              "minimum and, past a limit, flies off. Stochastic gradient descent estimates ∇C from a "
              "mini-batch of m training inputs: cheaper, and noisy.", self.plot, side)

        self.eta.valueChanged.connect(lambda _: self.redraw())
        self.mu.valueChanged.connect(lambda _: self.redraw())
        self.m.valueChanged.connect(lambda _: self.redraw())
        self.step_button.clicked.connect(self.step)
        self.player = Player(self.run_button, 90, self._tick)  # about 11 steps a second
        self.reset_button.clicked.connect(self.reset)
        self.set_surface("bowl")

    # --- the model ---------------------------------------------------------------------------------------
    @property
    def surface(self):
        return SURFACES[self.surface_name]

    @property
    def stochastic(self) -> bool:
        return self.surface_name == "regression"

    def set_surface(self, name: str) -> None:
        self.surface_name = name
        self.surface_buttons[name].setChecked(True)
        surface = self.surface
        # twice the square the ball lives in: the view keeps its aspect, so a wide plot shows more v₁
        span = 2 * surface.extent
        grid = descent.cost_grid(surface, 2 * GRID - 1, span)
        _, best, lowest = surface.quadratic()
        inner = grid[GRID // 2: -(GRID // 2), GRID // 2: -(GRID // 2)]  # the square itself
        top = float(inner.max())
        shown = np.sqrt(grid - lowest)  # a gentler colour ramp than C itself
        self.image.setImage(shown, autoLevels=False, levels=(0.0, float(np.sqrt(top - lowest))))
        self.image.setRect(QRectF(-span, -span, 2 * span, 2 * span))
        for k, curve in enumerate(self.contours, 1):
            ring = descent.contour(surface, lowest + (top - lowest) * (k / (len(self.contours) + 1)) ** 2)
            curve.setData(ring[:, 0], ring[:, 1])
        self.minimum.setData([best[0]], [best[1]])
        self.plot.getPlotItem().setTitle(f"<span style='color:{theme.TEXT}'>{surface.title}</span>")
        self.m.setVisible(self.stochastic)
        self.data_plot.setVisible(self.stochastic)
        self.hint.setText(HINT + (STOCHASTIC_HINT if self.stochastic else ""))
        if self.stochastic:
            self.data_points.setData(surface.x, surface.y)
        self.reset()

    def clicked(self, pos) -> None:
        """A click on the map puts the ball there."""
        extent = self.surface.extent
        self.place(np.clip([pos.x(), pos.y()], -extent, extent))

    def place(self, position) -> None:
        self.stop()
        self.ball = descent.Ball(position)
        self.last_step = None
        self.batch = None
        self.redraw()

    def reset(self) -> None:
        self.place(STARTS[self.surface_name])

    def gradient_estimate(self) -> np.ndarray:
        """∇C at the ball: exact, or from a random mini-batch of m points on the regression surface."""
        if not self.stochastic:
            return self.surface.gradient(self.ball.position)
        n = len(self.surface.x)
        self.batch = self.rng.choice(n, size=int(min(self.m.value(), n)), replace=False)
        return self.surface.gradient(self.ball.position, self.batch)

    def step(self) -> None:
        if self.ball.escaped:
            return
        self.last_step = self.ball.step(self.gradient_estimate(), self.eta.value(), self.mu.value())
        self.redraw()

    @property
    def timer(self):
        return self.player.timer

    def stop(self) -> None:
        self.player.stop()

    def _tick(self) -> None:
        self.step()
        settled = self.last_step is not None and float(np.abs(self.last_step).max()) < 1e-4
        if self.ball.escaped or settled or len(self.ball.path) > MAX_STEPS:
            self.stop()

    def shutdown(self) -> None:
        self.stop()

    # --- the view ----------------------------------------------------------------------------------------
    def redraw(self) -> None:
        surface, eta, mu = self.surface, self.eta.value(), self.mu.value()
        v = self.ball.position
        path = np.array(self.ball.path)
        shown = np.all(np.abs(path) < 50, axis=1)  # a diverging path is drawn until it leaves the map
        self.path.setData(path[shown, 0], path[shown, 1])
        self.ball_item.setData([v[0]], [v[1]])
        gradient = surface.gradient(v)
        escaped = self.ball.escaped  # (it takes no more steps: no arrows, which would cross the whole map)
        step = None if escaped else -eta * gradient + (mu * self.ball.velocity if mu else 0.0)
        self._arrow(self.gradient_line, self.gradient_head, v, np.zeros(2) if escaped else 0.25 * gradient)
        self._arrow(self.step_line, self.step_head, v, np.zeros(2) if escaped else step)
        self._draw_cloud(v, eta, mu)

        self.regime_label.setText(regime_text(descent.regime(surface, eta, mu)))
        with np.errstate(over="ignore", invalid="ignore"):
            cost = float(surface.cost(*v))  # (C where the ball is: ∞ only if it overflows)
        self.readout.setText(readout_text(len(self.ball.path) - 1, v, cost, gradient, self.last_step, step))
        if self.stochastic:
            x = np.array([-1.6, 1.6])
            self.data_line.setData(x, v[0] * x + v[1])
            batch = getattr(self, "batch", None)
            if batch is None:
                self.batch_points.setData([], [])
            else:
                self.batch_points.setData(surface.x[batch], surface.y[batch])

    def _draw_cloud(self, v, eta, mu) -> None:
        if not self.stochastic or self.ball.escaped:
            self.cloud.setData([], [])
            return
        rng = np.random.default_rng(len(self.ball.path))  # the same cloud while the ball stays put
        estimates = self.surface.batch_gradients(v, int(self.m.value()), CLOUD, rng)
        tips = v + mu * self.ball.velocity - eta * estimates
        self.cloud.setData(tips[:, 0], tips[:, 1])

    @staticmethod
    def _arrow(line, head, origin, vector_) -> None:
        tip = origin + vector_
        length = float(np.hypot(*vector_))
        visible = bool(length > 1e-3 and np.all(np.isfinite(tip)))
        line.setVisible(visible)
        head.setVisible(visible)
        if not visible:
            return
        line.setData([origin[0], tip[0]], [origin[1], tip[1]])
        head.setPos(tip[0], tip[1])
        head.setStyle(angle=180 - np.degrees(np.arctan2(vector_[1], vector_[0])))
