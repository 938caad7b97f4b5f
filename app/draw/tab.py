"""The Draw tab (being built: see its issue)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class DrawTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap1.html"

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Draw"))
