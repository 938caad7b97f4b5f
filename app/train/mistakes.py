"""The validation mistakes: the confusion matrix and the gallery of misclassified digits, working
together. Clicking a red cell of the matrix shows only those mistakes (again: all of them); clicking
a digit sends it to the Draw tab with the network of the epoch that misread it (``AppState.show_mistake``)."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject

from app.state import DigitOrigin
from app.train.live import EpochFrame
from app.widgets.confusion import ConfusionMatrix
from app.widgets.gallery import DigitGallery


class Mistakes(QObject):
    def __init__(self, confusion: ConfusionMatrix, gallery: DigitGallery, state, parent=None):
        super().__init__(parent)
        self.confusion, self.gallery, self.state = confusion, gallery, state
        self.result: EpochFrame | None = None
        self.filter: tuple[int, int] | None = None  # (true digit, answer) shown alone
        self.shown: list[int] = []  # validation indices of the digits in the gallery, in order
        confusion.cell_clicked.connect(self._cell_clicked)
        gallery.clicked.connect(self._digit_clicked)

    def clear(self) -> None:
        self.result, self.filter, self.shown = None, None, []
        self.confusion.set_counts(np.zeros((10, 10), np.int64))
        self.gallery.set_digits(np.zeros((0, 28, 28), np.float32), [],
                                empty_text="Mistakes appear after\nthe first epoch")
        self.gallery.set_title("Mistakes (validation)")

    def show_counts(self, result: EpochFrame) -> None:
        self.confusion.set_counts(result.confusion)

    def show_digits(self, result: EpochFrame) -> None:
        """The gallery for ``result``: the mistakes the network is surest about first."""
        self.result = result
        data = self.state.data
        if result.wrong is None or data is None:
            return
        labels = data.validation.labels
        wrong, guess = result.wrong, result.wrong_guess
        if self.filter is not None:
            true, answer = self.filter
            keep = (labels[wrong] == true) & (guess == answer)
            wrong, guess = wrong[keep], guess[keep]
            title = f"{true} read as {answer}: {int(keep.sum()):,}"
        else:
            title = f"Mistakes: {len(result.wrong):,} of {len(labels):,}"
        shown = wrong[:self.gallery.capacity]
        self.shown = [int(i) for i in shown]
        captions = [f"{labels[i]}→{g}" for i, g in zip(shown, guess[:len(shown)])]
        self.gallery.set_digits(data.validation.images[shown], captions)
        self.gallery.set_title(title)

    def _cell_clicked(self, true: int, answer: int) -> None:
        self.filter = None if true == answer or self.filter == (true, answer) else (true, answer)
        if self.result is not None:
            self.show_digits(self.result)

    def _digit_clicked(self, index: int) -> None:
        data = self.state.data
        if data is None or not 0 <= index < len(self.shown):
            return
        i = self.shown[index]
        net = self.result.network if self.result is not None else None
        info = net.info if net is not None else {}
        name = f"{info['title']} (epoch {info['epochs_trained']})" if "title" in info else "the Train tab's network"
        self.state.show_mistake.emit(data.validation.images[i].copy(), int(data.validation.labels[i]),
                                     DigitOrigin(f"MNIST validation image #{i}", net, name))
