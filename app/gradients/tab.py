"""The Gradients tab (being built: see its issue)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class GradientsTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap5.html"

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Gradients"))
