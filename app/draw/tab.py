"""The Draw tab: draw a digit and watch the network read it (chapter 1).

Left: the canvas with its tools and MNIST samples. Middle: the live prediction, what the network
actually sees (``core.preprocess.canvas_to_mnist``, next to a naive downscale of the whole canvas
with its own reading) and why (saliency). Right, by mode: inside the network ("Read"), your own
digits and fine-tuning on them ("Teach", ``app.draw.teach``), or the "Fool it" challenge
(``app.draw.challenge``).

Two refresh paths keep drawing smooth: the prediction (preprocessing, one forward pass for both
images, bars) runs in the mouse-move handler itself at most every ``FAST_MS``; the inside views and
the saliency (a forward and a backward pass, several images) follow at most every ``SLOW_MS``, from
the event loop, so they never delay the prediction. The smoothed saliency map (SmoothGrad) is
computed off the GUI thread once the drawing rests (``app.draw.smoothing``).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QMessageBox,
                               QSlider, QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from app.draw.canvas import DrawingCanvas
from app import jobs, numbers, theme
from app.draw.challenge import ChallengePanel
from app.draw.inside import InsideView
from app.draw.network_picker import NetworkPicker
from app.blas_threads import one_blas_thread
from app.draw.saliency import SaliencyView
from app.draw.samples import SamplesBar
from app.draw.smoothing import SAMPLES, SIGMA, SmoothSaliency
from app.draw.teach import TeachPanel
from app.draw.throttle import Throttle
from app.widgets.live_text import LiveText
from app.widgets.pixel_image import PixelImage
from app.widgets.probability_bars import ProbabilityBars
from core import probes
from core.io import ModelFileError
from core.preprocess import canvas_to_mnist, mnist_to_canvas, naive_downscale

#: pixels: the saliency map's least side (its caption goes beside it, so that a short window still
#: shows it at four screen pixels per MNIST pixel)
SALIENCY_MIN_PX = 112
#: pixels: the saliency caption's width, beside the map (five lines of its longest text)
SALIENCY_CAPTION_WIDTH = 96
FAST_MS = 15
SLOW_MS = 120
#: the right column's pages: (button, tooltip)
MODES = [("Read", "Inside the network: what it computes as it reads your digit"),
         ("Teach", "Keep digits in your handwriting and fine-tune the network on them"),
         ("Fool it", "Change a digit it reads right, in as few strokes as you can, until it reads another")]


STYLE = f"""
QFrame#card {{ background: {theme.SURFACE}; border: 1px solid {theme.BORDER}; border-radius: 8px; }}
QLabel#cardTitle {{ color: {theme.MUTED}; font-weight: 600; letter-spacing: 1px; }}
QLabel#caption, QLabel#networkInfo {{ color: {theme.MUTED}; }}
QToolButton, QPushButton {{ background: {theme.RAISED}; border: 1px solid {theme.BORDER}; border-radius: 5px;
                            padding: 4px 9px; color: {theme.TEXT}; }}
QToolButton:hover, QPushButton:hover {{ background: {theme.HOVER}; }}
QToolButton:checked {{ background: {theme.SELECTED}; border-color: {theme.ACCENT}; }}
QToolButton:disabled, QPushButton:disabled {{ color: {theme.DISABLED}; }}
QPushButton#digitButton {{ padding: 4px 0px; }}
QToolButton#inTitle, QToolButton#backButton {{ padding: 0px 7px; font-size: {theme.FONT_SMALL}px; }}
"""


def card(title: str, *widgets: QWidget, stretch: tuple[int, ...] = (), corner: QWidget | None = None) -> QFrame:
    """A rounded panel with a small caps title above its widgets (and ``corner`` at the title's right)."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 12)
    layout.setSpacing(6)
    heading = QLabel(title.upper())
    heading.setObjectName("cardTitle")
    if corner is None:
        layout.addWidget(heading)
    else:
        row = QHBoxLayout()
        row.addWidget(heading, 1)
        row.addWidget(corner)
        layout.addLayout(row)
    for i, widget in enumerate(widgets):
        if isinstance(widget, QWidget):
            layout.addWidget(widget, stretch[i] if i < len(stretch) else 0)
        else:
            layout.addLayout(widget, stretch[i] if i < len(stretch) else 0)
    return frame


class DrawTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap1.html"

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.net = None
        self.true_label: int | None = None
        self.mnist_image: np.ndarray | None = None  # what the network saw last (28×28)
        self.output: np.ndarray | None = None  # its output activations for it (10,)
        self.naive_output: np.ndarray | None = None
        self.setObjectName("drawTab")
        self.setStyleSheet(STYLE)

        self.canvas = DrawingCanvas()
        self.canvas.margin_colour = QColor(theme.SURFACE)
        self.picker = NetworkPicker(state)
        self.picker.show_error = self._show_error
        self.picker.open_file_requested.connect(self._open_file)
        self.samples = SamplesBar(state, canvas_size=self.canvas.size_px)
        self.samples.sample_chosen.connect(lambda image, label, _i: self.load_digit(image, label))

        self.bars = ProbabilityBars()
        # the cards' minima share a 1024×640 window's height, the saliency map taking the largest share
        self.bars.setMinimumHeight(66)
        self.big_digit = LiveText(pixels=theme.FONT_HUGE, colour=theme.ACCENT,
                                  align=Qt.AlignmentFlag.AlignHCenter, bold=True)
        # as wide as the widest digit: the verdict beside it keeps its lines whole in a narrow window
        self.big_digit.setFixedWidth(max(self.big_digit.fontMetrics().horizontalAdvance(str(d)) for d in range(10))
                                     + 2 * theme.SPACING)
        self.big_digit.setText("")
        self.verdict = LiveText(lines=3, pixels=theme.FONT_BODY)
        self.verdict.setText("Draw a digit")
        self.sees = PixelImage(background=theme.SURFACE)  # (QPainter, not pyqtgraph: it is on the hot path)
        self.naive = PixelImage(background=theme.SURFACE)
        for view in (self.sees, self.naive):
            view.setMinimumSize(62, 62)
            view.set_image(np.zeros((28, 28), np.float32))
        self.sees_caption = LiveText(lines=2, align=Qt.AlignmentFlag.AlignHCenter)
        self.naive_caption = LiveText(lines=2, align=Qt.AlignmentFlag.AlignHCenter)
        self.saliency = SaliencyView()
        self.saliency.setBackground(theme.SURFACE)
        self.saliency.setMinimumSize(SALIENCY_MIN_PX, SALIENCY_MIN_PX)
        self.saliency.blank()
        self.saliency_caption = LiveText(lines=5, colour=theme.MUTED)
        self.saliency_caption.setFixedWidth(SALIENCY_CAPTION_WIDTH)
        self.saliency.viewport().setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # it fills its area
        self.smooth_button = self._tool("Smoothed", f"SmoothGrad: the map averaged over {SAMPLES} copies of the digit, "
                                        f"each with a little noise added (σ = {SIGMA} of the ink's range), so that "
                                        "it shows what stays true near your digit rather than the gradient at one "
                                        "point. Computed when a stroke ends.\nOff: the plain gradient, live while "
                                        "you draw.", checkable=True)
        self.smooth_button.setChecked(True)
        self.smooth_button.setObjectName("inTitle")  # (compact: as tall as the card's title)
        self.smooth_button.toggled.connect(lambda _: self.slow.flush() if self.output is not None else None)
        self.smoother = SmoothSaliency(self)
        self.smoother.ready.connect(self._smooth_map_ready)
        self._smooth_net = None  # a snapshot of the network, for the smoothing thread alone
        self.inside = InsideView()

        self._build_layout()
        self._build_actions()
        self.fast = Throttle(self.refresh_prediction, FAST_MS, self)
        self.slow = Throttle(self.refresh_inside, SLOW_MS, self, leading=False)
        self.canvas.changed.connect(self._canvas_changed)
        self.canvas.stroke_finished.connect(self._stroke_finished)
        self.canvas.history_changed.connect(self._update_history_buttons)
        state.network_changed.connect(self.set_network)
        state.show_digit.connect(self.load_digit)
        state.show_mistake.connect(self.load_mistake)
        if state.network is not None:
            self.set_network(state.network)
        else:
            self._show_blank()

    # --- layout ------------------------------------------------------------------------------------
    def _build_layout(self) -> None:
        tools = QHBoxLayout()
        tools.setSpacing(4)
        self.brush_button = self._tool("Brush", "Draw white ink (B)", checkable=True)
        self.eraser_button = self._tool("Eraser", "Erase (E); the right mouse button erases too", checkable=True)
        group = QButtonGroup(self)
        group.addButton(self.brush_button)
        group.addButton(self.eraser_button)
        self.brush_button.setChecked(True)
        self.eraser_button.toggled.connect(self.canvas.set_eraser)
        self.width_slider = QSlider(Qt.Orientation.Horizontal)
        self.width_slider.setRange(6, 48)
        self.width_slider.setValue(int(self.canvas.brush_width))
        self.width_slider.setToolTip("Brush width in canvas pixels ([ and ]); the canvas is 280×280, 10× MNIST")
        self.width_slider.setMaximumWidth(110)
        self.width_label = QLabel()
        self.width_label.setObjectName("caption")
        self.width_label.setFixedWidth(26)
        self.width_slider.valueChanged.connect(self._width_changed)
        self._width_changed(self.width_slider.value())
        self.undo_button = self._tool("Undo", "Undo (Ctrl+Z)")
        self.redo_button = self._tool("Redo", "Redo (Ctrl+Shift+Z)")
        self.clear_button = self._tool("Clear", "Clear the canvas (Esc)")
        self.undo_button.clicked.connect(self.canvas.undo)
        self.redo_button.clicked.connect(self.canvas.redo)
        self.clear_button.clicked.connect(self.canvas.clear)
        for w in (self.brush_button, self.eraser_button):
            tools.addWidget(w)
        tools.addSpacing(8)
        width_title = QLabel("Width")
        width_title.setObjectName("caption")
        tools.addWidget(width_title)
        tools.addWidget(self.width_slider)
        tools.addWidget(self.width_label)
        tools.addStretch(1)
        for w in (self.undo_button, self.redo_button, self.clear_button):
            tools.addWidget(w)
        self._update_history_buttons()

        left = card("Your digit", self.canvas, tools, self.samples, stretch=(1, 0, 0))

        top_row = QHBoxLayout()
        top_row.addWidget(self.big_digit)
        top_row.addWidget(self.verdict, 1, Qt.AlignmentFlag.AlignVCenter)
        prediction = card("Prediction", top_row, self.bars, stretch=(0, 1))

        sees_grid = QGridLayout()
        sees_grid.setHorizontalSpacing(10)
        sees_grid.addWidget(self.sees, 0, 0)
        sees_grid.addWidget(self.naive, 0, 1)
        sees_grid.addWidget(self.sees_caption, 1, 0)
        sees_grid.addWidget(self.naive_caption, 1, 1)
        sees_grid.setRowStretch(0, 1)
        sees = card("What the network sees", sees_grid, stretch=(1,))
        sees.setToolTip("Left: your drawing made the way MNIST was made: its bounding box scaled to 20×20, "
                        "then centred by its centre of mass in 28×28.\nRight: the whole canvas simply shrunk to 28×28.")
        saliency_row = QHBoxLayout()  # the caption beside the map: the card's height goes to the map
        saliency_row.setSpacing(8)
        saliency_row.addWidget(self.saliency, 1)
        saliency_row.addWidget(self.saliency_caption, 0, Qt.AlignmentFlag.AlignVCenter)
        why = card("Why: saliency", saliency_row, stretch=(1,), corner=self.smooth_button)
        why.setToolTip("<p>∂(top score)/∂(input pixel), the score being the top output neuron's weighted input z "
                       "(before its sigmoid or softmax, which flatten a sure answer).</p>"
                       "<p>Red pixels, if brighter, raise it; blue ones lower it.</p>"
                       "<p>Smoothed (SmoothGrad): the same averaged over noisy copies of the digit, so that the map "
                       "holds still as you draw. A network whose first layer's weights are mostly their random start "
                       "(the book's chapter 1 network began at N(0, 1)) keeps a speckled map either way: that noise is "
                       "in its weights.</p>")  # (rich text: it wraps)

        middle = QVBoxLayout()
        middle.setSpacing(8)
        middle.addWidget(prediction, 4)
        middle.addWidget(sees, 4)
        middle.addWidget(why, 6)

        self.teach = TeachPanel(self.state, self.canvas, self._show_error)
        self.challenge = ChallengePanel(self.state, self.canvas, self.load_digit)
        self.right = QStackedWidget()
        for page in (card("Inside the network", self.inside, stretch=(1,)),
                     card("Teach it your digits", self.teach, stretch=(1,)),
                     card("Fool it", self.challenge, stretch=(1,))):
            self.right.addWidget(page)
        right = self.right
        modes = QHBoxLayout()
        modes.setSpacing(0)
        self.mode_buttons = QButtonGroup(self)
        for i, (text, tip) in enumerate(MODES):
            button = self._tool(text, tip, checkable=True)
            button.setObjectName("modeButton")
            self.mode_buttons.addButton(button, i)
            modes.addWidget(button)
        self.mode_buttons.button(0).setChecked(True)
        self.mode_buttons.idToggled.connect(lambda i, on: on and self.set_mode(i))

        columns = QHBoxLayout()
        columns.setSpacing(10)
        columns.addWidget(left, 12)
        columns.addLayout(middle, 7)
        columns.addWidget(right, 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.addWidget(self.picker, 1)
        top.addSpacing(12)
        top.addLayout(modes)
        layout.addLayout(top)
        layout.addLayout(columns, 1)

    # the page protocol (the layout audit's): the right column's modes
    PAGE_NAMES = ["read", "teach", "fool-it"]

    def page_names(self) -> list[str]:
        return list(self.PAGE_NAMES)

    def show_page(self, name: str) -> QWidget:
        self.set_mode(self.PAGE_NAMES.index(name))
        return self.right.currentWidget()

    def set_mode(self, index: int) -> None:
        """Show the right column's page ``index`` of ``MODES``: inside the network, teach, fool it."""
        self.right.setCurrentIndex(index)
        self.mode_buttons.button(index).setChecked(True)
        self.challenge.set_active(index == 2)
        if index == 0:
            self.slow.flush()

    def _tool(self, text: str, tip: str, checkable: bool = False) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return button

    def _build_actions(self) -> None:
        """Keyboard shortcuts, active while this tab is visible."""
        def action(shortcuts, slot):
            a = QAction(self)
            a.setShortcuts([QKeySequence(s) for s in shortcuts])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.clear_action = action(["Esc"], self.canvas.clear)
        self.undo_action = action([QKeySequence.StandardKey.Undo], self.canvas.undo)
        self.redo_action = action(["Ctrl+Shift+Z", "Ctrl+Y"], self.canvas.redo)
        action(["E"], self.toggle_eraser)
        action(["B"], lambda: self.brush_button.setChecked(True))
        action(["["], lambda: self.width_slider.setValue(self.width_slider.value() - 2))
        action(["]"], lambda: self.width_slider.setValue(self.width_slider.value() + 2))
        action(["R"], lambda: self.samples.request("random"))

    def toggle_eraser(self) -> None:
        (self.brush_button if self.eraser_button.isChecked() else self.eraser_button).setChecked(True)

    def _width_changed(self, value: int) -> None:
        self.canvas.set_brush_width(value)
        self.width_label.setText(str(value))

    def _update_history_buttons(self) -> None:
        self.undo_button.setEnabled(self.canvas.can_undo)
        self.redo_button.setEnabled(self.canvas.can_redo)
        self.clear_button.setEnabled(not self.canvas.is_blank())

    # --- the network -------------------------------------------------------------------------------
    def set_network(self, net) -> None:
        """Read the drawing with ``net`` from now on."""
        same_shape = self.net is not None and net is not None and self.net.spec() == net.spec()
        self.net = net
        self._smooth_net = net.snapshot() if net is not None else None
        self._await_smooth_map()
        if not same_shape:
            self.inside.set_network(net)
        else:
            self.inside.update_weights(net)
        self.refresh_prediction()
        if not self.canvas.is_blank():
            self.slow.flush()

    def _open_file(self) -> None:
        window = self.window()
        if hasattr(window, "open_network_dialog") and window is not self:
            window.open_network_dialog()
            return
        path, _ = QFileDialog.getOpenFileName(self, "Open network", "", "NNDL networks (*.npz);;All files (*)")
        if path:
            try:
                self.state.open_network(path)  # (named as the main window names it: app.names)
            except ModelFileError as exc:
                self._show_error("Cannot open network", str(exc))

    def _show_error(self, title: str, message: str) -> None:
        window = self.window()
        if hasattr(window, "show_error") and window is not self:
            window.show_error(title, message)
        else:
            QMessageBox.warning(self, title, message)

    # --- refreshing --------------------------------------------------------------------------------
    def _canvas_changed(self) -> None:
        if not self.canvas.drawing:  # clear, undo, redo, a loaded image: one change, show it now
            self.fast.flush()
            self.slow.flush()
            if self.canvas.is_blank():
                self.samples.canvas_changed(blank=True, by_hand=False)
            return
        self.true_label = None  # the user is changing the drawing: it is no longer MNIST's sample
        self.smoother.pause()  # (nothing competes with the stroke for the processors)
        self.fast.request()
        self.slow.request()

    def _stroke_finished(self) -> None:
        if self.fast.pending:
            self.fast.flush()
        self.slow.flush()
        self._update_history_buttons()
        self.samples.canvas_changed(blank=self.canvas.is_blank(), by_hand=True)

    def refresh_prediction(self) -> None:
        """Preprocess the canvas, run the network on both images and redraw the prediction views."""
        canvas = self.canvas.array()
        if self.net is None or not canvas.any():
            self._show_blank(canvas.any())
            return
        self.mnist_image = canvas_to_mnist(canvas)
        naive = naive_downscale(canvas)
        with one_blas_thread():
            out = self.net.output(np.stack([self.mnist_image, naive]))  # one forward pass for both
        self.output, self.naive_output = out[0], out[1]
        top, naive_top = int(out[0].argmax()), int(out[1].argmax())
        self.bars.set_values(out[0], self.true_label)
        self.big_digit.setText(str(top))
        word = "probability" if self.net.output_layer.activation.name == "softmax" else "output activation"
        # (probabilities with two decimals, as the bars write them: 1.00 is a rounded certainty)
        verdict = f"reads <b>{top}</b><br>" + theme.coloured(f"{word} {out[0][top]:.2f}", theme.MUTED)
        if self.true_label is not None:
            ok = top == self.true_label
            verdict += "<br>" + theme.coloured(f"MNIST label {self.true_label}: {'right' if ok else 'wrong'}",
                                               theme.SUCCESS if ok else theme.ERROR)
        self.verdict.setText(verdict)
        self.sees.set_image(self.mnist_image)
        self.naive.set_image(naive)
        self.sees_caption.setText(f"MNIST-style → <b>{top}</b> ({out[0][top]:.2f})")
        colour = theme.TEXT if naive_top == top else theme.WARNING
        self.naive_caption.setText(f"canvas shrunk → <b style='color:{colour}'>{naive_top}</b> "
                                   f"({out[1][naive_top]:.2f})")

    def refresh_inside(self) -> None:
        """The slower views: inside the network and the saliency map, for the last preprocessed image."""
        if self.net is None or self.mnist_image is None or self.output is None:
            return
        with one_blas_thread():
            # the score (the top output's z): a sure softmax output (1.0) would give a flat map
            explanation = probes.explain(self.net, self.mnist_image[None], of="score")
        self.inside.show_explanation(explanation)
        answer = int(explanation["output"][0].argmax())
        if not self.smooth_button.isChecked():
            self._show_saliency(self.mnist_image, explanation["saliency"][0], answer, smoothed=False)
        elif not self.canvas.drawing:  # (while a stroke goes on, the last map stays)
            self.smoother.request(self._smooth_net, self.mnist_image, answer)

    def _smooth_map_ready(self, image: np.ndarray, heat: np.ndarray, answer: int) -> None:
        current = self.mnist_image
        if current is not None and np.array_equal(image, current) and self.smooth_button.isChecked():
            # (else the drawing changed since, and a newer map follows)
            self._show_saliency(image, heat, answer, smoothed=True)

    def _show_saliency(self, image: np.ndarray, heat: np.ndarray, answer: int, smoothed: bool) -> None:
        self.saliency.set_data(image, heat)
        if not np.any(heat):
            text = f"All zero: no pixel moves the score of “{answer}” here."
        else:
            text = f"Red: more ink here, more of {numbers.a_digit(answer, quoted=True)}; blue: less." + (" (Smoothed.)" if smoothed else "")
        self.saliency_caption.setText(text)

    def _await_smooth_map(self) -> None:
        """The map on screen belongs to another digit or network: blank until the new one lands."""
        if self.smooth_button.isChecked():
            self.saliency.blank()
            self.saliency_caption.setText("Smoothing the map…")

    def _show_blank(self, has_ink: bool = False) -> None:
        self.mnist_image = self.output = self.naive_output = None
        self.bars.set_values(None)
        self.big_digit.setText("")
        self.verdict.setText("Choose a network" if self.net is None and has_ink else "Draw a digit")
        blank = np.zeros((28, 28), np.float32)
        self.sees.set_image(blank)
        self.naive.set_image(blank)
        self.sees_caption.setText("MNIST-style")
        self.naive_caption.setText("canvas shrunk")
        self.saliency.blank()
        self.smoother.cancel()
        self.saliency_caption.setText("Which pixels matter for the answer.")
        if self.inside.net is not None:
            self.inside.clear()

    # --- samples -----------------------------------------------------------------------------------
    def load_digit(self, image: np.ndarray, label: int | None = None, source: str = "") -> None:
        """Put a 28×28 image (e.g. an MNIST test digit) on the canvas, undoably, with the brush in hand;
        ``source`` says where it comes from (under the sample buttons)."""
        self.brush_button.setChecked(True)
        self._await_smooth_map()
        self.canvas.set_array(mnist_to_canvas(np.asarray(image, np.float32), self.canvas.size_px))
        self.true_label = None if label is None else int(label)
        self.fast.flush()
        self.slow.flush()
        self.samples.say(source)

    def load_mistake(self, image: np.ndarray, label: int, origin) -> None:
        """A digit another tab's network misread (an ``app.state.DigitOrigin`` says which): read it with
        that network, say so, and offer going back to the one chosen before (the picker's button)."""
        if origin.network is not None:
            self.picker.use_for_digit(origin.network, origin.network_name)
        self.load_digit(image, label)
        self.samples.say(f"{origin.source}, labelled {label}",
                         f"misread by {origin.network_name}, which reads it here" if origin.network is not None
                         else "")

    @property
    def prediction(self) -> int | None:
        """The digit the view shows as the network's reading (None when blank)."""
        return self.bars.top

    def export_widget(self) -> QWidget:
        return self

    def shutdown(self) -> None:
        self.samples.shutdown()
        jobs.shutdown(self)
