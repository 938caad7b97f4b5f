"""Predict, then reveal: the learner commits a prediction before a run, and the view then names the gap.

Asking for a prediction before showing the outcome helps people remember and understand it (Kim et
al., CHI 2017). Every prediction is optional: "Skip" hides the question until the next one.

- :class:`ChoicePrediction`: pick an answer from a list (which δ is largest? which layer learns
  fastest?), optionally with a number (by how many times?).
- :class:`SketchPrediction`: draw the curve you expect on a plot with the mouse (the cost against
  epoch); the truth is overlaid when it comes and the gap is measured by :mod:`core.prediction`.

Both are small panels with the question, the means to answer, Commit and Skip, and a verdict line.
``state`` is "open", "committed", "revealed" or "skipped"; ``committed`` and ``skipped`` are signals.
``reserve_verdict(...)`` keeps room for the verdicts to come, so that nothing around the panel moves when
one appears (a reveal comes during a run, under the plots that draw it).
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout,
                               QWidget)

from app import numbers, theme
from app.widgets.steady_label import SteadyLabel
from core.prediction import curve_gap, ratio_gap


class _PredictionPanel(QFrame):
    committed = Signal()
    skipped = Signal()

    def __init__(self, question: str, wide: bool = False, parent=None):
        """``wide``: question, answer and buttons side by side on one line (under a row of plots),
        rather than stacked (in a side column)."""
        super().__init__(parent)
        self.setObjectName("prediction")
        self.setStyleSheet(f"#prediction {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; "
                           f"border-radius: 6px; }} #prediction QLabel {{ border: none; }}")
        self.state = "open"
        self.title = QLabel(f"<b style='color:{theme.ACCENT}'>Predict first</b> "
                            f"<span style='color:{theme.MUTED}'>(optional)</span>")
        self.question = QLabel(question)
        self.question.setWordWrap(True)
        self.question.setStyleSheet(f"color: {theme.TEXT};")
        self.answer_row = QHBoxLayout()
        self.answer_row.setContentsMargins(0, 0, 0, 0)
        self.commit_button = QPushButton("Commit")
        self.commit_button.setToolTip("Lock in your prediction; run, and it is compared with what happens")
        self.skip_button = QPushButton("Skip")
        self.skip_button.setToolTip("No prediction this time")
        self.again_button = QPushButton("Predict again")
        self.again_button.setToolTip("Clear the verdict and make a new prediction")
        self.verdict = SteadyLabel("")  # (as tall as the verdicts it is told to expect, once told)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.commit_button)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.again_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        if wide:
            text = QVBoxLayout()
            text.setSpacing(0)
            text.addWidget(self.title)
            text.addWidget(self.question)
            line = QHBoxLayout()
            line.addLayout(text, 1)
            line.addLayout(self.answer_row)
            holder = QWidget()  # (as wide for Commit and Skip as for Predict again: the question keeps its lines)
            holder.setLayout(buttons)
            open_width = self.commit_button.sizeHint().width() + self.skip_button.sizeHint().width() + buttons.spacing()
            holder.setMinimumWidth(max(open_width, self.again_button.sizeHint().width()))
            line.addWidget(holder)
            layout.addLayout(line)
        else:
            layout.addWidget(self.title)
            layout.addWidget(self.question)
            layout.addLayout(self.answer_row)
            layout.addLayout(buttons)
        layout.addWidget(self.verdict)
        self.commit_button.clicked.connect(self.commit)
        self.skip_button.clicked.connect(self.skip)
        self.again_button.clicked.connect(self.reset)
        self._show_state()

    # --- the life of a prediction --------------------------------------------------------------------
    @property
    def waiting(self) -> bool:
        """True while a committed prediction waits for the truth."""
        return self.state == "committed"

    def ready_to_commit(self) -> bool:
        return True

    def commit(self) -> None:
        if self.state != "open" or not self.ready_to_commit():
            return
        self.state = "committed"
        self._set_verdict(f"<span style='color:{theme.MUTED}'>Committed. Now run it.</span>")
        self._show_state()
        self.committed.emit()

    def skip(self) -> None:
        self.state = "skipped"
        self._set_verdict("")
        self._show_state()
        self.skipped.emit()

    def reset(self) -> None:
        """Open the question again (a new run, a new prediction)."""
        self.state = "open"
        self._set_verdict("")
        self._show_state()

    def _revealed(self, html: str) -> None:
        self.state = "revealed"
        self._set_verdict(html)
        self._show_state()

    def reserve_verdict(self, *html: str) -> None:
        """Keep room for verdicts as long as these (while a prediction is open, committed or revealed)."""
        self.verdict.set_reserve(*html)
        self._set_verdict(self.verdict.text())

    def _set_verdict(self, html: str) -> None:
        self.verdict.setText(html)
        self.verdict.setVisible(bool(html) or (bool(self.verdict.reserve) and self.state != "skipped"))

    def _show_state(self) -> None:
        open_ = self.state == "open"
        self.question.setVisible(self.state != "skipped")
        for i in range(self.answer_row.count()):
            widget = self.answer_row.itemAt(i).widget()
            if widget is not None:
                widget.setEnabled(open_)
                widget.setVisible(self.state != "skipped")
        self.commit_button.setVisible(open_)
        self.commit_button.setEnabled(open_ and self.ready_to_commit())
        self.skip_button.setVisible(open_)
        self.again_button.setVisible(not open_)
        self.again_button.setText("Predict" if self.state == "skipped" else "Predict again")


def _good(text: str) -> str:
    return f"<span style='color:{theme.SUCCESS}'>{text}</span>"


def _off(text: str) -> str:
    return f"<span style='color:{theme.WARNING}'>{text}</span>"


class ChoicePrediction(_PredictionPanel):
    """Pick one of ``options``; with ``estimate`` = (label, minimum, maximum, value), also a number
    (a ratio such as "how many times faster"), compared as a factor."""

    def __init__(self, question: str, options: list[str], estimate: tuple[str, float, float, float] | None = None,
                 wide: bool = False, parent=None):
        self.choice = QComboBox()
        self.estimate: QDoubleSpinBox | None = None
        self.estimate_label: QLabel | None = None
        if estimate is not None:
            label, low, high, value = estimate
            self.estimate_label = QLabel(label)
            self.estimate = QDoubleSpinBox()
            self.estimate.setRange(low, high)
            self.estimate.setDecimals(1)
            self.estimate.setValue(value)
            self.estimate.setPrefix("× ")
        super().__init__(question, wide, parent)
        self.answer_row.addWidget(self.choice, 0 if wide else 1)
        if self.estimate is not None:
            if self.estimate_label.text():
                self.answer_row.addWidget(self.estimate_label)
            self.answer_row.addWidget(self.estimate)
        self.choice.currentIndexChanged.connect(self._show_state)
        self.set_options(options)

    def set_options(self, options: list[str]) -> None:
        """New answers to choose from (the question opens again)."""
        self.options = list(options)
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem("— your answer —")
        self.choice.addItems(self.options)
        self.choice.blockSignals(False)
        if self.state != "skipped":
            self.reset()

    @property
    def picked(self) -> int | None:
        """The index of the chosen option, or None."""
        index = self.choice.currentIndex() - 1
        return index if index >= 0 else None

    def ready_to_commit(self) -> bool:
        return self.picked is not None

    def reveal(self, truth: int, ratio: float | None = None, explain: str = "") -> None:
        """Show the right answer (and the true ratio) beside the committed one, and the gap."""
        if self.state != "committed":
            return
        guess = self.estimate.value() if ratio is not None and self.estimate is not None else None
        self._revealed(self.verdict_html(self.picked, truth, ratio, guess, explain))

    def verdict_html(self, picked: int, truth: int, ratio: float | None = None, guess: float | None = None,
                     explain: str = "") -> str:
        """The verdict on ``picked`` (and the estimate ``guess``) when the truth is ``truth`` (and
        ``ratio``), in the app's number format."""
        parts = [_good(f"Right: {self.options[truth]}.") if picked == truth else
                 _off(f"You said {self.options[picked]}; it is {self.options[truth]}.")]
        if ratio is not None and guess is not None:
            off = ratio_gap(guess, ratio)
            words = f"×{numbers.number(ratio, 3)} (you said ×{numbers.number(guess, 3)}"
            parts.append(_good(words + ", close).") if off < 1.5 else
                         _off(words + f": {numbers.number(off, 2)} times {'too high' if guess > ratio else 'too low'})."))
        if explain:
            parts.append(f"<span style='color:{theme.TEXT}'>{explain}</span>")
        return " ".join(parts)


class _SketchFilter(QObject):
    """Turns left-button drags on a plot into the sketch's points (only while the sketch is open)."""

    def __init__(self, owner: "SketchPrediction"):
        super().__init__(owner)
        self.owner = owner
        self.drawing = False

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease):
            return False
        if self.owner.state != "open":
            return False
        if kind == QEvent.Type.MouseButtonPress:
            if event.button() != Qt.MouseButton.LeftButton:
                return False
            point = self.owner.to_view(event.position())
            if point is None:
                return False
            self.drawing = True
            self.owner.add_point(point, start=True)
            return True
        if not self.drawing:
            return False
        point = self.owner.to_view(event.position())
        if point is not None:
            self.owner.add_point(point)
        if kind == QEvent.Type.MouseButtonRelease:
            self.drawing = False
        return True


class SketchPrediction(_PredictionPanel):
    """Sketch the expected curve on ``plot`` by dragging the mouse across it (left to right or back:
    a stroke over x already drawn replaces it). The sketch is a dashed line in the warning colour."""

    BINS = 240

    def __init__(self, question: str, plot: pg.PlotWidget, x_range: tuple[float, float], parent=None):
        self.clear_button = QPushButton("Clear sketch")
        super().__init__(question, parent=parent)
        self.plot = plot
        self.x_range = (float(x_range[0]), float(x_range[1]))
        self.bins = np.full(self.BINS, np.nan)  # the sketch's y at evenly spaced x
        self._last: tuple[int, float] | None = None
        self.curve = pg.PlotDataItem(pen=pg.mkPen(theme.WARNING, width=2.5, style=Qt.PenStyle.DashLine),
                                     name="your prediction")
        self.curve.setZValue(20)
        plot.getPlotItem().addItem(self.curve)
        hint = QLabel("Drag on the plot to draw it.")
        hint.setWordWrap(True)
        self.answer_row.addWidget(hint, 1)
        self.answer_row.addWidget(self.clear_button)
        self.clear_button.clicked.connect(self.clear)
        self._filter = _SketchFilter(self)
        plot.viewport().installEventFilter(self._filter)
        self._show_state()

    @property
    def x(self) -> np.ndarray:
        return np.linspace(*self.x_range, self.BINS)

    def sketch(self) -> tuple[np.ndarray, np.ndarray]:
        """The drawn points (x, y), x increasing."""
        drawn = ~np.isnan(self.bins)
        return self.x[drawn], self.bins[drawn]

    def ready_to_commit(self) -> bool:
        return int(np.count_nonzero(~np.isnan(getattr(self, "bins", np.full(1, np.nan))))) >= 2

    def to_view(self, position) -> QPointF | None:
        """A point of the plot's viewport in data coordinates, if it is inside the plotting area."""
        vb = self.plot.getPlotItem().getViewBox()
        scene = self.plot.mapToScene(position.toPoint())
        if not vb.sceneBoundingRect().contains(scene):
            return None
        return vb.mapSceneToView(scene)

    def add_point(self, point: QPointF, start: bool = False) -> None:
        """Extend the sketch to ``point``, filling the x in between with a straight line."""
        low, high = self.x_range
        t = (point.x() - low) / (high - low)
        k = int(round(min(max(t, 0.0), 1.0) * (self.BINS - 1)))
        y = float(point.y())
        if start or self._last is None:
            self.bins[k] = y
        else:
            k0, y0 = self._last
            span = range(min(k0, k), max(k0, k) + 1)
            for i in span:
                f = 0.0 if k == k0 else (i - k0) / (k - k0)
                self.bins[i] = y0 + f * (y - y0)
        self._last = (k, y)
        self._redraw()
        self._show_state()

    def clear(self) -> None:
        self.bins[:] = np.nan
        self._last = None
        self._redraw()
        self._show_state()

    def reset(self) -> None:
        if hasattr(self, "bins"):
            self.clear()
        super().reset()

    def skip(self) -> None:
        self.clear()
        super().skip()

    def _redraw(self) -> None:
        x, y = self.sketch()
        self.curve.setData(x, y)

    def reveal(self, x, y, unit: str = "", explain: str = "") -> None:
        """Compare the committed sketch with the true curve (x, y) and name the gap."""
        if self.state != "committed":
            return
        sx, sy = self.sketch()
        gap = curve_gap(sx, sy, x, y)
        self._revealed(self.verdict_html(gap, gap.mean < 0.1 * max(np.ptp(y), 1e-12), unit, explain))

    @staticmethod
    def verdict_html(gap, close: bool, unit: str = "", explain: str = "") -> str:
        """The verdict on a sketch ``gap`` (:func:`core.prediction.curve_gap`), in the app's number format."""
        where = numbers.number(gap.at, 3) if abs(gap.at) >= 10 else numbers.number(gap.at, 2)
        side = "higher" if gap.truth_higher else "lower"
        html = (f"Your sketch is {numbers.number(gap.mean, 3)} off on average; the largest gap, "
                f"{numbers.number(gap.worst, 3)}, is at {unit}{' ' if unit else ''}{where}, where the truth is {side} "
                f"than you drew.")
        if gap.covered < 0.9:
            html += f" (You drew {numbers.percent(gap.covered, 0)} of the range.)"
        return (_good(html) if close else _off(html)) + (f" <span style='color:{theme.TEXT}'>{explain}</span>"
                                                         if explain else "")

    def _show_state(self) -> None:
        super()._show_state()
        if hasattr(self, "curve"):  # (shown, and named in a key, once there is a sketch)
            self.curve.setVisible(self.state in ("open", "committed", "revealed") and self.ready_to_commit())
