"""Find the main window's tabs by their titles (their order may change)."""
from __future__ import annotations


def index_of(window, title: str) -> int:
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    return titles.index(title)


def tab(window, title: str):
    """The tab titled ``title``."""
    return window.tabs.widget(index_of(window, title))


def show(window, title: str):
    """Bring the tab titled ``title`` to the front and return it."""
    window.tabs.setCurrentIndex(index_of(window, title))
    return tab(window, title)
