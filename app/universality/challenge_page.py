"""Page 3: the book's challenge, and beyond it: Auto-fit, Learn, best score against N, other targets.

N bumps on equal bins of [0, 1]; the learner drags each bump's top so the hidden layer's weighted output
follows σ⁻¹∘f, and so the output σ(Σⱼ vⱼaⱼ) follows f. Scored with the book's average deviation, whose
terms |σ⁻¹(f(x)) − h| are shaded on the upper plot: each bin's gap to its goal. What the mouse does on
the plots is in :mod:`app.universality.challenge_gestures`; every change can be undone.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter

from app import numbers, theme
from app.pacing import JOB_GAP_MS
from app.theme.plots import cache_axes, cache_rendering
from app.universality.challenge_gestures import BumpGestures, DrawGestures, DrawingCue
from app.universality.controls import ScoreBadge
from app.universality.learn_box import LEARN_INTRO, LearnBox, progress_text
from app.universality.learner import Learner
from app.universality.page import SectionPage, group
from app.universality.plotting import ACCENT, GOAL, LEARNED, NETWORK, FittedTitle
from app.universality.score_plot import ScorePlot
from app.universality.target_box import TargetBox
from app.widgets.gesture_plot import make_plot
from core import universality as u

X = np.linspace(0, 1, 1001)
DEFAULT_BUMPS = 5
GAP = theme.WARNING  # the shaded gap between each bump and σ⁻¹∘f
ACCENT_CUE = theme.ACCENT  # the titles while drawing is on


class ChallengePage(SectionPage):
    """The challenge. Public for tests and scripts: ``heights``, ``target``, ``score()``,
    ``set_heights``, ``auto_fit``, ``reset``, ``set_bumps``, ``learn``/``stop_learning``."""

    TITLE = "The challenge: any function from bumps"
    INTRO = (
        "Drag each bump's top so the hidden layer's weighted output follows σ⁻¹∘f; the output neuron σ(·) "
        "then makes f itself. Score: the average deviation over x = 0.00 … 0.99, <b>Success!</b> at 0.40 or "
        "less. Then compare with the best heights (Auto-fit) and a network that learns (Learn)."
    )

    heights_changed = Signal()

    def __init__(self, rng: np.random.Generator | None = None, parent=None):
        super().__init__(parent)
        self.rng = rng or np.random.default_rng()
        self.target: u.Target = u.book_function
        self.target_name = "The book's f(x)"
        self.heights = u.random_heights(DEFAULT_BUMPS, self.rng)
        self.selected = 0
        self.drawn: u.DrawnCurve | None = None
        self._grab: int | None = None
        self.learned: dict | None = None  # the latest Learn snapshot for the current N and target
        self.learned_scores: dict[int, float] = {}  # best learned deviation per N, current target
        self._generation = 0  # bumped whenever the target or N changes: older Learn reports are dropped
        self._learn_generation = -1
        self._titled: tuple[bool, bool] | None = None  # (drawing, learned) the titles were set for
        self.learner = Learner(parent=self)
        self.learner.progress.connect(self._learn_progress)
        self.learner.finished.connect(self._learn_finished)
        self._rest_timer = QTimer(self, singleShot=True, interval=JOB_GAP_MS)  # the second half of a report's drawing
        self._rest_timer.timeout.connect(lambda: (self.learner.hold_frame(), self._draw_learned_rest()))
        self._build()
        self._target_changed_internal(autorange=True)

    # --- layout -------------------------------------------------------------------------------------
    def _build(self) -> None:
        self.draw_gestures = {"z": DrawGestures(self, "z"), "f": DrawGestures(self, "f")}
        self.top = make_plot("", "", "weighted output", handler=BumpGestures(self), y_range=(-3, 3))
        top = self.top
        self.bars = pg.BarGraphItem(x0=[0], x1=[0], height=[0], pen=pg.mkPen(theme.rgba(NETWORK, 110)),
                                    brush=pg.mkBrush(theme.rgba(NETWORK, 45)))
        top.addItem(self.bars)
        top.addItem(pg.InfiniteLine(pos=0, angle=0, pen=pg.mkPen(theme.BORDER_STRONG)))
        self.goal_curve = top.plot(pen=pg.mkPen(GOAL, width=2), name="σ⁻¹∘f")  # (names: the hover read-out's)
        self.heights_curve = pg.PlotCurveItem(pen=pg.mkPen(None))  # (each x's bin's h: the gap's other edge)
        top.addItem(self.heights_curve)
        self.gap = pg.FillBetweenItem(self.goal_curve, self.heights_curve, brush=pg.mkBrush(theme.rgba(GAP, 70)))
        top.addItem(self.gap)
        self.network_curve = top.plot(pen=pg.mkPen(NETWORK, width=2.5), name="yours")
        self.learned_z_curve = top.plot(pen=pg.mkPen(LEARNED, width=2, style=Qt.PenStyle.DashLine), name="learned")
        self.learned_steps = pg.ScatterPlotItem(size=9, symbol="t1", brush=pg.mkBrush(LEARNED), pen=None)
        top.addItem(self.learned_steps)
        self.handles = pg.ScatterPlotItem(symbol="s", pen=pg.mkPen(theme.BRIGHT, width=1), brush=pg.mkBrush(NETWORK))
        self.selected_handle = pg.ScatterPlotItem(symbol="s", size=16, pen=pg.mkPen(theme.BRIGHT, width=2),
                                                  brush=pg.mkBrush(ACCENT))
        top.addItem(self.handles)
        top.addItem(self.selected_handle)
        self.top_cue = DrawingCue(top, idle_cursor=Qt.CursorShape.SizeVerCursor)

        self.bottom = make_plot("", "x", "output", handler=self.draw_gestures["f"], y_range=(0, 1))
        bottom = self.bottom
        self.top_title, self.bottom_title = FittedTitle(top), FittedTitle(bottom)
        self.f_curve = bottom.plot(pen=pg.mkPen(GOAL, width=2), name="f")
        self.output_curve = bottom.plot(pen=pg.mkPen(NETWORK, width=2.5), name="yours")
        self.learned_output_curve = bottom.plot(pen=pg.mkPen(LEARNED, width=2, style=Qt.PenStyle.DashLine),
                                                name="learned")
        self.bottom_cue = DrawingCue(bottom)

        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(top)
        plots.addWidget(bottom)
        plots.setSizes([430, 290])

        # target
        self.target_box = TargetBox(u.PRESETS_1D, ("x",), drawable=True)
        self.target_box.validate = self._check_target
        self.target_box.target_changed.connect(lambda target, name: (self.history.checkpoint(),
                                                                     self.set_target(target, name)))
        self.target_box.draw_toggled.connect(self._draw_toggled)

        # bumps
        self.n_spin = QSpinBox()
        self.n_spin.setRange(1, u.MAX_BUMPS)
        self.n_spin.setValue(len(self.heights))
        self.n_spin.setPrefix("N = ")
        self.n_spin.setSuffix(" bumps")
        self.n_spin.setKeyboardTracking(False)
        self.h_label = QLabel()
        self.h_spin = QDoubleSpinBox()
        self.h_spin.setRange(-8, 8)
        self.h_spin.setDecimals(3)
        self.h_spin.setSingleStep(0.05)
        self.h_spin.setKeyboardTracking(False)
        self.h_spin.setToolTip("the height h of the selected bump (click a bump to select it)")
        self.reset_button = QPushButton("Reset")
        self.reset_button.setToolTip("random heights, like the book's reset")
        self.fit_button = QPushButton("Auto-fit")
        self.fit_button.setToolTip("the heights with the best possible score: each bump at the median of "
                                   "σ⁻¹∘f over its bin")
        count_row, height_row = QHBoxLayout(), QHBoxLayout()
        count_row.addWidget(self.n_spin, 1)
        count_row.addWidget(self.reset_button)
        count_row.addWidget(self.fit_button)
        height_row.addWidget(self.h_label)
        height_row.addWidget(self.h_spin, 1)
        bumps = group("Bumps", count_row, height_row)

        # score
        self.badge = ScoreBadge("Average deviation |σ⁻¹(f(x)) − h|", u.SUCCESS)
        self.best_label = self.badge.detail  # the best score there is, beside yours
        self.badge.setToolTip("the book's score: the mean of |σ⁻¹(f(x)) − h| over x = 0.00, 0.01, …, 0.99, "
                              "h the height of the bump x falls in (the shaded gaps on the upper plot); "
                              "Success! at 0.40 or less")

        # learn
        learn = self.learn_box = LearnBox()
        self.eta_spin, self.steps_spin, self.learn_button = learn.eta_spin, learn.steps_spin, learn.learn_button
        self.show_learned, self.learn_label = learn.show_learned, learn.label

        # best score against N
        self.score_plot = ScorePlot()
        self.n_plot, self.best_curve, self.success_label = (self.score_plot.plot, self.score_plot.best_curve,
                                                            self.score_plot.success_label)
        self.learned_points, self.yours_point, self.n_line = (self.score_plot.learned_points,
                                                              self.score_plot.yours_point, self.score_plot.n_line)
        self.ns = np.arange(1, u.MAX_BUMPS + 1)
        self.n_plot.getPlotItem().getViewBox().sigResized.connect(lambda *_: self._fit_n_plot(self.score()))

        # Learn redraws its curves ten times a second: what stays put meanwhile is blitted
        for plot in (top, bottom, self.n_plot):
            cache_axes(plot.getPlotItem())
        cache_rendering(self.bars, self.goal_curve, self.heights_curve, self.gap, self.network_curve, self.handles,
                        self.selected_handle, self.f_curve, self.output_curve, self.best_curve)
        self.lay_out(plots, [self.target_box, bumps, self.badge, learn, (self.n_plot, 1)],
                     max_width=440)

        self.keep_history(self._state, self._restore)
        self.n_spin.valueChanged.connect(lambda n: (self.history.checkpoint("n"), self.set_bumps(n)))
        self.h_spin.valueChanged.connect(lambda h: (self.history.checkpoint(("h", self.selected)),
                                                    self.set_height(self.selected, h)))
        self.reset_button.clicked.connect(lambda: (self.history.checkpoint(), self.reset()))
        self.fit_button.clicked.connect(lambda: (self.history.checkpoint(), self.auto_fit()))
        self.learn_button.clicked.connect(self._learn_clicked)
        self.show_learned.toggled.connect(lambda _: self._redraw_learned())

    # --- the model ----------------------------------------------------------------------------------
    @property
    def n_bumps(self) -> int:
        return len(self.heights)

    def score(self) -> float:
        return u.average_deviation(self.heights, self.target)

    def set_heights(self, heights) -> None:
        heights = np.asarray(heights, dtype=np.float64).reshape(-1)
        if len(heights) != self.n_bumps:
            self._change_bump_count(len(heights))
        self.heights = heights.copy()
        self.selected = min(self.selected, self.n_bumps - 1)
        self._redraw_bumps()

    def set_height(self, j: int, h: float) -> None:
        self.selected = int(j)
        self.heights[j] = float(h)
        self._redraw_bumps()

    def set_bumps(self, n: int) -> None:
        """N bumps, heights resampled from the old ones (so the shape is kept)."""
        if n == self.n_bumps:
            return
        old = self.heights
        centres = (np.arange(n) + 0.5) / n
        heights = old[u.bin_index(centres, len(old))]
        self._change_bump_count(n)
        self.heights = heights
        self.selected = min(self.selected, n - 1)
        self._redraw_bumps()

    def reset(self) -> None:
        self.set_heights(u.random_heights(self.n_bumps, self.rng))

    def auto_fit(self) -> None:
        self.set_heights(u.fit_heights(self.n_bumps, self.target))

    def set_target(self, target: u.Target, name: str = "") -> None:
        """Approximate ``target`` from now on; one that cannot be scored (not finite at a sample x) is
        refused with a message under the formula, and the old target stays."""
        try:
            self._check_target(target)
        except ValueError as exc:
            self.target_box.refuse(str(exc))
            return
        self.target, self.target_name = target, name
        self.drawn = None
        self._target_changed_internal(autorange=True)

    @staticmethod
    def _check_target(target: u.Target) -> None:
        """Raise ValueError unless ``target`` is finite wherever it is drawn or scored."""
        u.target_values(target, X)  # the plots' x
        u.average_deviation([0.0], target)  # the score's x

    # --- undo ---------------------------------------------------------------------------------------
    def _state(self) -> tuple:
        drawn = tuple(self.drawn.ys) if self.drawn is not None and self.target is self.drawn else None
        return tuple(self.heights), _TargetState(self.target, self.target_name, self.target_box.formula.text(), drawn)

    def _restore(self, state: tuple) -> None:
        heights, target = state
        if target != self._state()[1]:
            if target.drawn is not None:
                self.drawn = u.DrawnCurve(np.array(target.drawn))
                self.target, self.target_name = self.drawn, target.name
                self.target_box.set_drawn()
            else:
                self.drawn = None
                self.target, self.target_name = target.target, target.name
                self.target_box.show_target(target.name, target.formula)
            self._target_changed_internal(autorange=True)
        self.set_heights(heights)
        self.fit_height_axis()

    def _change_bump_count(self, n: int) -> None:
        self._forget_learned()
        self.n_spin.blockSignals(True)
        self.n_spin.setValue(n)
        self.n_spin.blockSignals(False)
        self.eta_spin.setValue(u.LearnConfig.default_eta(2 * n))
        self._redraw_learned()

    def _target_changed_internal(self, autorange: bool) -> None:
        self._forget_learned()
        self.learned_scores = {}
        self.eta_spin.setValue(u.LearnConfig.default_eta(2 * self.n_bumps))
        values = u.target_values(self.target, X)
        self.goal = u.inverse_sigmoid(values)
        self.f_curve.setData(X, values)
        self.goal_curve.setData(X, self.goal)
        self.best = u.best_scores(u.MAX_BUMPS, self.target)
        self.best_curve.setData(self.ns, self.best)
        self.target_box.note_clipping(u.out_of_range(values), "interval")
        self._redraw_bumps()
        if autorange:
            self.fit_height_axis()
        self._redraw_learned()

    def fit_height_axis(self, grow_only: bool = False) -> None:
        """The upper plot's height axis: σ⁻¹∘f and every bump's top with a margin (while a bump is
        dragged, only ever wider, so that its top stays in sight)."""
        values = np.concatenate([self.goal, self.heights])
        low, high = float(values.min()), float(values.max())
        pad = max(0.4, 0.15 * (high - low))
        low, high = min(low - pad, -1.0), max(high + pad, 1.0)
        view = self.top.getPlotItem().getViewBox()
        shown_low, shown_high = view.viewRange()[1]
        if grow_only:
            if shown_low <= low and high <= shown_high:
                return
            low, high = min(low, shown_low), max(high, shown_high)
        view.setYRange(low, high, padding=0)

    # --- drawing ------------------------------------------------------------------------------------
    def _redraw_bumps(self) -> None:
        n = self.n_bumps
        edges = u.bin_edges(n)
        net = u.challenge_network(self.heights)
        self.bars.setOpts(x0=edges[:-1], x1=edges[1:], height=self.heights, y0=np.zeros(n))
        self.heights_curve.setData(X, self.heights[u.bin_index(X, n)])
        centres = (edges[:-1] + edges[1:]) / 2
        size = float(np.clip(260 / n, 5, 12))
        self.handles.setData(centres, self.heights, size=size)
        self.selected_handle.setData([centres[self.selected]], [self.heights[self.selected]],
                                     size=size + 4)
        self.network_curve.setData(X, net.weighted_output(X))
        self.output_curve.setData(X, net.output(X))
        score = self.score()
        self.badge.set_score(score)
        best = self.best[n - 1]
        self.best_label.setText(f"best <b>{best:.3f}</b> (Auto-fit)<br>"
                                f"all heights 0: {u.average_deviation(np.zeros(n), self.target):.3f}")
        self.h_label.setText(f"h of bump {self.selected + 1} (x ∈ [{numbers.number(edges[self.selected])}, "
                             f"{numbers.number(edges[self.selected + 1])}))")
        self.h_spin.blockSignals(True)
        self.h_spin.setValue(self.heights[self.selected])
        self.h_spin.blockSignals(False)
        self.yours_point.setData([n], [score])
        self._fit_n_plot(score)
        self.n_line.setValue(np.log10(n))
        self.heights_changed.emit()

    def _forget_learned(self) -> None:
        """The target or N changed: stop Learn and drop its network (its reports no longer apply)."""
        self._generation += 1
        self.stop_learning()
        self.learned = None
        self.learn_label.setText(LEARN_INTRO)

    def _fit_n_plot(self, score: float) -> None:
        self.score_plot.fit(float(self.best[0]), self.n_bumps, score, self.learned_scores)

    def _redraw_learned(self) -> None:
        """Draw the latest Learn snapshot (or hide it), all at once."""
        self._draw_learned_top()
        self._draw_learned_rest()

    def _draw_learned_top(self) -> None:
        """The learned z and its step markers on the upper plot (curves computed by the learner, off the
        GUI thread), and whether the learned curves show at all."""
        shown = self.learned is not None and self.show_learned.isChecked()
        if shown:
            self.learned_z_curve.setData(X, self.learned["z"])
            s = self.learned["step_positions"]
            s = s[(s >= 0) & (s <= 1)]
            low = self.top.getPlotItem().getViewBox().viewRange()[1][0]
            self.learned_steps.setData(s, np.full(s.size, low + 0.02 * abs(low)))
        for item in (self.learned_z_curve, self.learned_output_curve, self.learned_steps):
            item.setVisible(shown)
        self._titles(shown)

    def _draw_learned_rest(self) -> None:
        """The learned output on the lower plot, the learned scores against N and the read-out."""
        if self.learned is not None and self.show_learned.isChecked():
            self.learned_output_curve.setData(X, self.learned["output"])
        ns = sorted(self.learned_scores)
        self.learned_points.setData(ns, [self.learned_scores[n] for n in ns])
        if self.learned is not None and self.learner.running:
            self.learn_label.setText(progress_text(self.learned, 2 * self.n_bumps))

    def _titles(self, learned: bool) -> None:
        """Colour-coded titles serve as the legends (a legend box would sit on top of bumps); a narrow
        plot gets the short form. While drawing is on they say what a drag does. (Set only when they
        change: a new title lays its plot out again.)"""
        if (self.drawing, learned) == self._titled:
            return
        self._titled = (self.drawing, learned)
        if self.drawing:
            cue = lambda *texts: [theme.coloured(t, ACCENT_CUE) for t in texts]  # noqa: E731
            self.top_title.set_variants(*cue("✎ Drawing f: drag across this plot (it draws σ⁻¹∘f)",
                                             "✎ Drawing f: drag across the plot", "✎ Drawing f"))
            self.bottom_title.set_variants(*cue("✎ Drawing f: drag across this plot", "✎ Drawing f"))
            return
        def title(yours, goal, extra):
            extra = f" &nbsp; {theme.coloured('- - ' + extra, LEARNED)}" if learned else ""
            return f"{theme.coloured(yours, NETWORK)} vs {theme.coloured(goal, GOAL)}{extra}"
        gap = " · " + theme.coloured("▮ gap", GAP)
        self.top_title.set_variants(title("Weighted output Σⱼ vⱼaⱼ of your bumps", "σ⁻¹∘f", "learned z") + gap,
                                    title("Your Σⱼ vⱼaⱼ", "σ⁻¹∘f", "learned") + gap,
                                    title("Your Σⱼ vⱼaⱼ", "σ⁻¹∘f", "learned"))
        self.bottom_title.set_variants(title("Output σ(Σⱼ vⱼaⱼ) of your network", "f(x)", "learned"),
                                       title("Your output σ(Σⱼ vⱼaⱼ)", "f(x)", "learned"))

    # --- Learn --------------------------------------------------------------------------------------
    def learn(self) -> None:
        """Start gradient descent on the same architecture (2N hidden neurons) for the current target."""
        if self.learner.running:
            return
        config = u.LearnConfig(n_hidden=2 * self.n_bumps, eta=self.eta_spin.value(),
                               seed=int(self.rng.integers(1 << 31)))
        self._learn_generation = self._generation
        # the worker gets a target of its own: a drawn curve goes on changing here while it runs
        target = u.DrawnCurve(self.target.ys.copy()) if isinstance(self.target, u.DrawnCurve) else self.target
        self.learner.start(target, config, self.steps_spin.value(), X)
        self.learn_box.show_running(True)
        self.learn_label.setText("Starting…")

    def stop_learning(self) -> None:
        self.learner.stop()

    def _learn_clicked(self) -> None:
        if self.learner.running:
            self.stop_learning()
        else:
            self.learn()

    def _learn_progress(self, snap: dict) -> None:
        """A Learn report (at most ten a second): drawn over two turns of the event loop, the upper plot
        at once and the rest on the next, so that no turn repaints every plot."""
        if self._learn_generation != self._generation:
            return  # a report from a run for another target or N
        self.learned = snap
        n = self.n_bumps
        self.learned_scores[n] = min(self.learned_scores.get(n, np.inf), snap["deviation"])
        self._draw_learned_top()
        self._rest_timer.start()

    def _learn_finished(self, reason: str) -> None:
        self._rest_timer.stop()
        if self.learned is not None and self._learn_generation == self._generation:
            self._draw_learned_rest()  # (what the last report left to the next turn)
        self.learn_box.show_running(False)
        if self.learned is not None and reason in ("done", "stopped"):
            self.learn_label.setText(progress_text(self.learned, 2 * self.n_bumps) + f" ({reason})")
        elif reason not in ("done", "stopped"):
            self.learn_label.setText(theme.coloured(reason, theme.ERROR))

    # --- drawing the target with the mouse ----------------------------------------------------------
    def _draw_toggled(self, on: bool) -> None:
        self.top_cue.show(on)
        self.bottom_cue.show(on)
        self._titles(self.learned is not None and self.show_learned.isChecked())

    @property
    def drawing(self) -> bool:
        return self.target_box.draw_button.isChecked()

    def draw_stroke(self, start: QPointF, end: QPointF) -> None:
        """Paint the target along a stroke (in plot coordinates) and make the drawn curve the target."""
        if self.drawn is None:
            self.drawn = u.DrawnCurve.from_target(self.target)
        self.drawn.paint(start.x(), start.y(), end.x(), end.y())
        self.target, self.target_name = self.drawn, "Drawn with the mouse"
        self.target_box.set_drawn()
        self._target_changed_internal(autorange=False)

    def finish_drawing(self) -> None:
        self._target_changed_internal(autorange=True)

    def shutdown(self) -> None:
        self.learner.stop_and_wait()


class _TargetState:
    """The target as Undo keeps it: the same formula target (the same object), or a drawn curve with
    the same values."""

    def __init__(self, target, name: str, formula: str, drawn: tuple | None):
        self.target, self.name, self.formula, self.drawn = target, name, formula, drawn

    def __eq__(self, other) -> bool:
        return (isinstance(other, _TargetState) and self.drawn == other.drawn
                and (self.drawn is not None or self.target is other.target))
