"""MNIST test digits for the canvas: a random one, one of a chosen digit, or one the active network
gets wrong, to compare with your own drawing.

MNIST loads off the GUI thread on first use (``AppState.request_data``); finding the network's
mistakes classifies all 10,000 test images, also off the GUI thread, once per network.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from app import jobs


def _predict(net, copy, images: np.ndarray):
    """(net, its predictions), computed with ``copy`` so that the GUI may go on using ``net``."""
    return net, copy.predict(images)


class SamplesBar(QWidget):
    #: (28×28 float image, its label, its index in the test set)
    sample_chosen = Signal(object, int, int)

    def __init__(self, state, parent=None, seed: int | None = None):
        super().__init__(parent)
        self.state = state
        self.rng = np.random.default_rng(seed)
        self._pending: tuple[str, int | None] | None = None
        self._predictions: tuple[object, np.ndarray] | None = None  # (network, test predictions)
        self._mistake_worker = None
        self._mistake_for = None

        self.random_button = QPushButton("Random")
        self.random_button.setToolTip("Load a random MNIST test digit onto the canvas (R)")
        self.random_button.clicked.connect(lambda: self.request("random"))
        self.digit_buttons = []
        for d in range(10):
            button = QPushButton(str(d))
            button.setObjectName("digitButton")
            button.setToolTip(f"Load a random MNIST test image of a {d}")
            button.setFixedWidth(28)
            button.clicked.connect(lambda _=False, d=d: self.request("digit", d))
            self.digit_buttons.append(button)
        self.mistake_button = QPushButton("A mistake")
        self.mistake_button.setToolTip("Load a test digit that the current network misreads")
        self.mistake_button.clicked.connect(lambda: self.request("mistake"))
        self.message = QLabel("")
        self.message.setObjectName("caption")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

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
            self.message.setText("Loading the MNIST test set…")
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

    def _emit(self, index: int, note: str = "") -> None:
        test = self.state.data.test
        label = int(test.labels[index])
        self.message.setText(f"MNIST test image #{index}, labelled {label}{note}")
        self.sample_chosen.emit(test.images[index].copy(), label, index)

    def _mistake(self) -> None:
        net = self.state.network
        if net is None:
            self.message.setText("Choose a network first.")
            return
        if self._predictions is not None and self._predictions[0] is net:
            wrong = np.flatnonzero(self._predictions[1] != self.state.data.test.labels)
            if wrong.size == 0:
                self.message.setText("This network reads every test image correctly!")
                return
            i = int(self.rng.choice(wrong))
            self._emit(i, f"; the network reads {int(self._predictions[1][i])} "
                          f"({wrong.size} of {len(self._predictions[1])} test images are misread)")
            return
        if self._mistake_for is net:
            return  # already classifying the test set for this network
        self.message.setText("Classifying the 10,000 test images…")
        self.mistake_button.setEnabled(False)
        self._mistake_for = net
        self._mistake_worker = jobs.call(_predict, net, net.copy(), self.state.data.test.images, done=self._predicted,
                                         failed=self._failed, ended=self._classified, owner=self)

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
        self.message.setText(f"Could not classify the test set: {exc}")

    def _data_ready(self, _data) -> None:
        if self._pending is not None:
            kind, digit = self._pending
            self._pending = None
            self.request(kind, digit)

    def _data_failed(self, message: str) -> None:
        self._pending = None
        self.message.setText(f"MNIST could not be loaded: {message}")

    def _network_changed(self, _net) -> None:
        self._predictions = None

    def busy(self) -> bool:
        """True while MNIST loads or the test set is being classified."""
        return self._pending is not None or self._mistake_worker is not None

    def shutdown(self) -> None:
        jobs.shutdown(self)
