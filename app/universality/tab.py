"""The Universality tab (being built: see its issue)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class UniversalityTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap4.html"

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Universality"))
