"""The Gradients tab (chapter 5: why deep networks are hard to train).

Five pages: the book's vanishing-gradient experiment, why it happens (σ'(z) ≤ 1/4 and the product of
factors along a path), the book's exploding-gradient construction, fixes compared side by side,
and the per-mini-batch gradients of whatever the Train tab is training. Pages are built when first
shown (or asked for), except "Any run", which must listen to the Train tab from the start.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.gradients.any_run_page import AnyRunPage
from app.gradients.cause_page import CausePage
from app.gradients.experiment_page import ExperimentPage
from app.gradients.exploding_page import ExplodingPage
from app.gradients.fixes_page import FixesPage
from app.theme.styles import PAGE_TABS


class _Slot(QWidget):
    """A tab's place for a page that is built on first need."""

    def __init__(self, build: Callable[[], QWidget]):
        super().__init__()
        self.build = build
        self.page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def get(self) -> QWidget:
        if self.page is None:
            self.page = self.build()
            self.layout().addWidget(self.page)
        return self.page


class GradientsTab(QWidget):
    book_url = "http://neuralnetworksanddeeplearning.com/chap5.html"

    TITLES = {"experiment": "Vanishing gradient", "cause": "Why", "exploding": "Exploding gradient",
              "fixes": "Fixes", "any_run": "Any run"}

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        builders = {
            "experiment": lambda: ExperimentPage(state),
            "cause": lambda: CausePage(state, self.experiment),
            "exploding": ExplodingPage,
            "fixes": lambda: FixesPage(state),
            "any_run": lambda: AnyRunPage(state),
        }
        self.slots = {key: _Slot(build) for key, build in builders.items()}
        self.pages = QTabWidget()
        self.pages.setDocumentMode(True)
        self.pages.setStyleSheet(PAGE_TABS)
        for key, slot in self.slots.items():
            self.pages.addTab(slot, self.TITLES[key])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)
        self.slots["any_run"].get()  # listens to the Train tab's gradients from the start
        self.pages.currentChanged.connect(lambda _i: self.pages.currentWidget().get())
        self.pages.currentWidget().get()

    # the pages, built on first use
    experiment = property(lambda self: self.slots["experiment"].get())
    cause = property(lambda self: self.slots["cause"].get())
    exploding = property(lambda self: self.slots["exploding"].get())
    fixes = property(lambda self: self.slots["fixes"].get())
    any_run = property(lambda self: self.slots["any_run"].get())

    def page_names(self) -> list[str]:
        """The pages' keys in order (with ``show_page``, the page protocol the layout audit uses)."""
        return list(self.slots)

    def show_page(self, key: str) -> QWidget:
        """Bring page ``key`` (experiment, cause, exploding, fixes, any_run) to the front."""
        self.pages.setCurrentWidget(self.slots[key])
        return self.slots[key].get()

    def export_widget(self) -> QWidget:
        """The plots of the page on show (File → Export)."""
        return self.pages.currentWidget().get().export_widget()

    def shutdown(self) -> None:
        """Stop any training and analysis this tab runs and wait for their threads."""
        for slot in self.slots.values():
            if slot.page is not None and hasattr(slot.page, "shutdown"):
                slot.page.shutdown()
