"""MNIST test digits for the canvas: a random one, one of a chosen digit, or one the active network
gets wrong, to compare with your own drawing.

MNIST loads off the GUI thread on first use (``AppState.request_data``); finding the network's
mistakes classifies all 10,000 test images, also off the GUI thread, once per network.

The line under the buttons says what is on the canvas, and stays true: what it says of a network
("the network misreads it") goes when another network reads the digit, and the rest when the user
draws over the digit or clears it (:meth:`canvas_changed`).
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app import jobs, numbers, theme
from app.widgets.live_text import LiveText
from core.preprocess import canvas_to_mnist, mnist_to_canvas

MISTAKE_TRIES = 20  # misread test images tried, at most, for one the network still misreads on the canvas


def as_on_canvas(image: np.ndarray, size: int) -> np.ndarray:
    """What the network reads once an MNIST image is put on a ``size``-pixel canvas: the image
    enlarged, kept as the canvas keeps ink (8 bits), and made MNIST-style again as any drawing is.
    Centring and scaling move the digit a little, so a network may read it otherwise than the original."""
    ink = np.rint(mnist_to_canvas(np.asarray(image, np.float32).reshape(28, 28), size) * 255).astype(np.uint8)
    return canvas_to_mnist(ink)


def _predict(net, copy, images: np.ndarray):
    """(net, its predictions), computed with ``copy`` so that the GUI may go on using ``net``."""
    return net, copy.predict(images)


class SamplesBar(QWidget):
    #: (28×28 float image, its label, its index in the test set)
    sample_chosen = Signal(object, int, int)

    def __init__(self, state, parent=None, seed: int | None = None, canvas_size: int = 280):
        super().__init__(parent)
        self.state = state
        self.canvas_size = canvas_size  # (the canvas's: a mistake is one the network makes there too)
        self.rng = np.random.default_rng(seed)
        self._pending: tuple[str, int | None] | None = None
        self._predictions: tuple[object, np.ndarray] | None = None  # (network, test predictions)
        self._mistake_worker = None
        self._mistake_for = None
        self._sample = ""  # what is on the canvas, e.g. "MNIST test image #4837, labelled 7"
        self._about_network = ""  # what the network on screen makes of it

        self.random_button = QPushButton("Random")
        self.random_button.setToolTip("Load a random MNIST test digit onto the canvas (R)")
        self.random_button.clicked.connect(lambda: self.request("random"))
        self.digit_buttons = []
        for d in range(10):
            button = QPushButton(str(d))
            button.setObjectName("digitButton")
            button.setToolTip(f"Load a random MNIST test image of {numbers.a_digit(d)}")
            button.setFixedWidth(28)
            button.clicked.connect(lambda _=False, d=d: self.request("digit", d))
            self.digit_buttons.append(button)
        self.mistake_button = QPushButton("A mistake")
        self.mistake_button.setToolTip("Load a test digit that the current network misreads")
        self.mistake_button.clicked.connect(lambda: self.request("mistake"))
        self.message = LiveText(lines=2, colour=theme.MUTED)  # (two lines, always: nothing moves when it fills)

        title = QLabel("OR LOAD AN MNIST TEST DIGIT")
        title.setObjectName("cardTitle")
        row = QHBoxLayout()
        row.setSpacing(3)
        row.addWidget(self.random_button)
        row.addSpacing(6)
        for button in self.digit_buttons:
            row.addWidget(button)
        row.addSpacing(6)
        row.addWidget(self.mistake_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(title)
        layout.addLayout(row)
        layout.addWidget(self.message)

        state.data_ready.connect(self._data_ready)
        state.data_failed.connect(self._data_failed)
        state.network_changed.connect(self._network_changed)

    # --- requests ----------------------------------------------------------------------------------
    def request(self, kind: str, digit: int | None = None) -> None:
        """Load a sample: ``kind`` is "random", "digit" (with ``digit``) or "mistake". Loads MNIST
        first if needed (the request is carried out when it arrives)."""
        if self.state.data is None:
            self._pending = (kind, digit)
            self._status("Loading the MNIST test set…")
            self.state.request_data()
            return
        test = self.state.data.test
        if kind == "random":
            self._emit(int(self.rng.integers(len(test))))
        elif kind == "digit":
            candidates = np.flatnonzero(test.labels == digit)
            self._emit(int(self.rng.choice(candidates)))
        elif kind == "mistake":
            self._mistake()
        else:
            raise ValueError(f"unknown sample kind {kind!r}")

    # --- the line under the buttons -----------------------------------------------------------------
    def say(self, sample: str, about_network: str = "") -> None:
        """Say what is on the canvas (``sample``) and what the network on screen makes of it."""
        self._sample, self._about_network = sample, about_network
        self._show()

    def _status(self, text: str) -> None:
        """A passing message (loading, classifying, a failure): the next sample replaces it."""
        self._sample, self._about_network = "", ""
        self.message.setText(text)
        self.message.setToolTip(text)

    def _show(self) -> None:
        text = self._sample + (f": {self._about_network}" if self._sample and self._about_network else "")
        self.message.setText(text)
        self.message.setToolTip(text)

    def canvas_changed(self, blank: bool, by_hand: bool) -> None:
        """The canvas changed: cleared (the line goes), or drawn on by the user (it says so)."""
        if blank:
            self.say("")
        elif by_hand and self._sample and not self._sample.startswith("Your drawing"):
            self.say(f"Your drawing, over {self._sample}")

    def _emit(self, index: int, about_network: str = "") -> None:
        test = self.state.data.test
        label = int(test.labels[index])
        self.sample_chosen.emit(test.images[index].copy(), label, index)
        self.say(f"MNIST test image #{index}, labelled {label}", about_network)

    def _mistake(self) -> None:
        net = self.state.network
        if net is None:
            self._status("Choose a network first.")
            return
        if self._predictions is not None and self._predictions[0] is net:
            wrong = np.flatnonzero(self._predictions[1] != self.state.data.test.labels)
            if wrong.size == 0:
                self._status("This network reads every test image correctly!")
                return
            i, reading = self._misread_on_canvas(net, wrong)
            name = self.state.network_label or "this network"
            share = f"{numbers.count(wrong.size)} of the {numbers.count(len(self._predictions[1]))} test images"
            if reading is not None:
                self._emit(i, f"{name} reads {reading}, as it misreads {share}")
            else:  # (none tried stays misread once on the canvas: say what the network did read)
                self._emit(i, f"{name} read the original as {int(self._predictions[1][i])} (it misreads {share}); "
                              f"redrawn here it may read it right")
            return
        if self._mistake_for is net:
            return  # already classifying the test set for this network
        self._status(f"Classifying the {numbers.count(len(self.state.data.test))} test images…")
        self.mistake_button.setEnabled(False)
        self._mistake_for = net
        self._mistake_worker = jobs.call(_predict, net, net.copy(), self.state.data.test.images, done=self._predicted,
                                         failed=self._failed, ended=self._classified, owner=self)

    def _misread_on_canvas(self, net, wrong: np.ndarray) -> tuple[int, int | None]:
        """A test image ``net`` misreads (of the indices ``wrong``) that it also misreads once on the
        canvas, and what it reads there; else (the first tried, None)."""
        test = self.state.data.test
        tried = self.rng.permutation(wrong)[:MISTAKE_TRIES]
        for i in tried:
            reading = int(net.predict(as_on_canvas(test.images[i], self.canvas_size)[None])[0])
            if reading != int(test.labels[i]):
                return int(i), reading
        return int(tried[0]), None

    def _classified(self) -> None:
        self.mistake_button.setEnabled(True)

    def _predicted(self, result) -> None:
        net, predictions = result
        self._mistake_worker = self._mistake_for = None
        if net is not self.state.network:
            return  # the network changed meanwhile
        self._predictions = (net, predictions)
        self._mistake()

    def _failed(self, exc: Exception) -> None:
        self._mistake_worker = self._mistake_for = None
        self._status(f"Could not classify the test set: {exc}")

    def _data_ready(self, _data) -> None:
        if self._pending is not None:
            kind, digit = self._pending
            self._pending = None
            self.request(kind, digit)

    def _data_failed(self, message: str) -> None:
        self._pending = None
        self._status(f"MNIST could not be loaded: {message}")

    def _network_changed(self, _net) -> None:
        self._predictions = None
        if self._about_network:  # it was said of the network before: another one reads the digit now
            self.say(self._sample)

    def busy(self) -> bool:
        """True while MNIST loads or the test set is being classified."""
        return self._pending is not None or self._mistake_worker is not None

    def shutdown(self) -> None:
        jobs.shutdown(self)
