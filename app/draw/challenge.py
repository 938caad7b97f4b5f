"""The Draw tab's challenge, "fool it": start from a digit the network reads right and change it, with
as few strokes as you can, until it reads another digit.

The canvas counts the edits in effect (a stroke, or a clear, adds one; undo takes one back), so the
score is the number of strokes between the digit you started from and the one that fooled the network.
The hint is a saliency map (``core.fooling.hint``): where more ink (red) or less ink (blue) moves the
reading from the digit it reads now towards its runner-up. The panel judges the drawing after every
stroke (one forward pass, two backward passes: a few milliseconds), only while it is shown.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app import theme
from app.numbers import a_digit, percent
from app.draw.saliency import SaliencyView
from app.widgets.live_text import LiveText
from core import fooling
from core.preprocess import canvas_to_mnist


class ChallengePanel(QWidget):
    """``state``: the app's shared state (network, MNIST); ``canvas``: the Draw tab's canvas;
    ``load_digit(image, label, source)``: puts a 28×28 digit on that canvas, saying where it comes from."""

    def __init__(self, state, canvas, load_digit, parent=None):
        super().__init__(parent)
        self.state, self.canvas, self._load_digit = state, canvas, load_digit
        self.rng = np.random.default_rng()
        self.active = False  # judged only while the panel is shown
        self.start_label: int | None = None  # the digit the network read at the start
        self.start_image: np.ndarray | None = None
        self.start_edits = 0
        self.fooled_in: int | None = None  # strokes it took, once fooled
        self.best: int | None = None  # fewest strokes this session
        self.reading: int | None = None
        self._want_digit = False

        intro = QLabel("Start from a digit the network reads right, then change it with as few strokes "
                       "as you can until it reads another digit. The hint shows where ink would push it.")
        intro.setWordWrap(True)
        intro.setObjectName("caption")
        self.new_button = QPushButton("New digit")
        self.new_button.setToolTip("A random MNIST test digit that the network reads right")
        self.new_button.clicked.connect(self.new_digit)
        self.mine_button = QPushButton("Use my drawing")
        self.mine_button.setToolTip("Start from the digit on the canvas, as the network reads it now")
        self.mine_button.clicked.connect(self.start_from_drawing)
        buttons = QHBoxLayout()
        buttons.setSpacing(theme.SPACING)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.mine_button)
        buttons.addStretch(1)
        self.score = LiveText(pixels=theme.FONT_DISPLAY, colour=theme.ACCENT, bold=True,
                              background=theme.SURFACE)
        self.status = LiveText(lines=4, background=theme.SURFACE)  # (a game won, in the narrowest window)
        self.hint_view = SaliencyView()
        self.hint_view.setBackground(theme.SURFACE)
        self.hint_view.setMinimumSize(120, 120)
        self.hint_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.hint_view.blank()
        self.hint_view.hug_image()  # (square: its caption right under it, the spare room at the bottom)
        self.hint_caption = LiveText(lines=2, colour=theme.MUTED, background=theme.SURFACE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.score)
        layout.addWidget(self.status)
        layout.addWidget(self.hint_view, 1)
        layout.addWidget(self.hint_caption)
        layout.addStretch(0)

        canvas.stroke_finished.connect(self.judge)
        canvas.changed.connect(self._canvas_changed)
        state.network_changed.connect(self._network_changed)
        state.data_ready.connect(self._data_ready)
        self._show()

    # --- starting -------------------------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        self.active = on
        if on:
            self.judge()

    def new_digit(self) -> None:
        """Put a random MNIST test digit that the network reads right on the canvas and start."""
        net, data = self.state.network, self.state.data
        if net is None:
            self._show("Choose a network first.")
            return
        if data is None:
            self._want_digit = True
            self._show("Loading the MNIST digits…")
            self.state.request_data()
            return
        index = fooling.pick_digit(net, data.test.images, data.test.labels, self.rng)
        if index is None:
            self._show("This network reads none of the digits tried: train it first.")
            return
        label = int(data.test.labels[index])
        self._load_digit(data.test.images[index], label, f"MNIST test image #{index}, labelled {label}")
        self._begin(label)

    def start_from_drawing(self) -> None:
        """Start from the digit on the canvas, taking the network's reading as the one to change."""
        image = self._image()
        if image is None or self.state.network is None:
            self._show("Draw a digit first (or take a new one)." if image is None else "Choose a network first.")
            return
        self._begin(int(self.state.network.predict(image[None])[0]))

    def _begin(self, label: int) -> None:
        self.start_label, self.start_image = label, self._image()
        self.start_edits, self.fooled_in = self.canvas.edits, None
        self.judge()

    def _data_ready(self, _data) -> None:
        if self._want_digit:
            self._want_digit = False
            self.new_digit()

    # --- judging --------------------------------------------------------------------------------------
    @property
    def strokes(self) -> int:
        """Strokes in effect since the start (undone ones do not count)."""
        return max(0, self.canvas.edits - self.start_edits)

    def _image(self) -> np.ndarray | None:
        canvas = self.canvas.array()
        return canvas_to_mnist(canvas) if canvas.any() else None

    def _canvas_changed(self) -> None:
        if not self.canvas.drawing:  # undo, redo, clear: judge now (strokes are judged when they end)
            self.judge()

    def judge(self) -> None:
        """Read the drawing; the first time it reads another digit than at the start, it is fooled."""
        if not self.active or self.start_label is None:
            return
        net, image = self.state.network, self._image()
        if net is None:
            return
        if image is None:
            self.reading = None
            self.hint_view.blank()
            self._show()
            return
        output = net.output(image[None])[0]
        self.reading = int(output.argmax())
        if self.reading != self.start_label and self.fooled_in is None and self.strokes > 0:
            self.fooled_in = self.strokes
            self.best = self.fooled_in if self.best is None else min(self.best, self.fooled_in)
        target = fooling.runner_up(output) if self.reading == self.start_label else self.start_label
        self.hint_view.set_data(image, fooling.hint(net, image, self.reading, target))
        self.hint_caption.setText(f"Hint: ink on red, or rubbing out blue, makes it more of {a_digit(target)} "
                                  f"than {a_digit(self.reading)}")
        self._show()

    def _network_changed(self, _net) -> None:
        if self.start_label is not None:
            self.start_label = self.fooled_in = None
            self.hint_view.blank()
            self._show("The network changed: take a new digit to play again.")

    # --- showing --------------------------------------------------------------------------------------
    def ink_changed(self) -> float | None:
        """How much of the starting digit's ink has changed, as a fraction of it."""
        image = self._image()
        if self.start_image is None or image is None or not self.start_image.any():
            return None
        return float(np.abs(image - self.start_image).sum() / self.start_image.sum())

    def _show(self, message: str | None = None) -> None:
        if message is not None or self.start_label is None:
            self.score.setText("")
            self.status.setText(message or "Take a new digit, or draw one and start from it.")
            self.hint_caption.setText("The hint will show here: where ink would make it read another digit.")
            return
        self.score.setText(self._strokes(self.strokes))
        reads = "nothing (the canvas is blank)" if self.reading is None else f"<b>{self.reading}</b>"
        best = f" Your best: {self._strokes(self.best)}." if self.best is not None else ""
        if self.fooled_in is not None:
            ink = self.ink_changed()
            # (a bold stroke may add more ink than the digit had: more than 100 %)
            ink_text = f", ink added or rubbed out: {percent(ink, 0)} of the digit's" if ink is not None else ""
            colour = theme.SUCCESS
            text = (f"<span style='color:{colour}'><b>Fooled in {self._strokes(self.fooled_in)}</b></span>"
                    f"{ink_text}. It reads {reads}; it read {self.start_label} at the start.{best}")
        else:
            text = f"It reads {reads}, as at the start. Change it until it reads another digit.{best}"
        self.status.setText(text)

    @staticmethod
    def _strokes(n: int) -> str:
        return f"{n} stroke" if n == 1 else f"{n} strokes"
