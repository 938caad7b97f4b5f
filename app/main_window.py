"""The main window: the four tabs, the menus, the status bar, remembered settings.

Each tab is a QWidget built with the shared :class:`AppState`. A tab may offer:
``book_url`` (the book's chapter for Help), ``export_widget()`` (the view that File → Export saves,
default: the whole tab) and ``shutdown()`` (stop its background work when the window closes).

Start-up is kept short: the window is built and shown first; the network is read from disk off the
GUI thread (the last one used, else the bundled default) and MNIST only loads when a view needs it.
"""
from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QWidget)
from superqt.utils import thread_worker

from app.state import AppState
from core.io import ModelFileError, load_network
from core.models import bundled_models, default_model_path

BOOK = "http://neuralnetworksanddeeplearning.com"
NETWORK_FILTER = "NNDL networks (*.npz);;All files (*)"
CHAPTERS = {
    "chap1.html": "Chapter 1: Using neural nets to recognize handwritten digits",
    "chap2.html": "Chapter 2: How the backpropagation algorithm works",
    "chap3.html": "Chapter 3: Improving the way neural networks learn",
    "chap4.html": "Chapter 4: A visual proof that neural nets can compute any function",
    "chap5.html": "Chapter 5: Why are deep neural networks hard to train?",
    "chap6.html": "Chapter 6: Deep learning",
}
STATUS_STYLE = "QStatusBar { color: #8b98a5; } QLabel#networkStatus { color: #d0d6dc; padding: 0 8px; }"
TAB_BAR_STYLE = """
QTabBar::tab { padding: 7px 20px; margin-right: 2px; background: transparent; color: #8b98a5;
               border: none; border-bottom: 2px solid transparent; font-weight: 600; }
QTabBar::tab:selected { color: #eef2f5; border-bottom: 2px solid #4cc9f0; }
QTabBar::tab:hover:!selected { color: #d0d6dc; border-bottom: 2px solid #2d3742; }
"""


def _tab_classes():
    from app.draw.tab import DrawTab
    from app.gradients.tab import GradientsTab
    from app.train.tab import TrainTab
    from app.universality.tab import UniversalityTab
    return [("Draw", DrawTab), ("Train", TrainTab), ("Gradients", GradientsTab), ("Universality", UniversalityTab)]


def bundled_label(path: str | Path | None) -> str | None:
    """The title of the bundled network stored at ``path``, if it is one."""
    if not path:
        return None
    for model in bundled_models():
        try:
            if Path(path).resolve() == model.path.resolve():
                return model.title
        except OSError:
            continue
    return None


def network_label(path: str | Path) -> str:
    """How the status bar names the network in ``path``: a bundled network's title, else the file's
    name (the name the user gave it)."""
    return bundled_label(path) or Path(path).stem


def _test_accuracy(net, copy, images, labels):
    """(net, its accuracy), measured on ``copy`` so that the GUI may go on using ``net``."""
    return net, copy.accuracy(images, labels)


#: running background jobs, kept alive until they finish even if their window goes first
_RUNNING: set = set()


def _start(worker) -> None:
    _RUNNING.add(worker)
    worker.finished.connect(lambda: _RUNNING.discard(worker))
    worker.start()


class MainWindow(QMainWindow):
    """The whole app. ``window.tabs`` is the QTabWidget (Draw, Train, Gradients, Universality)."""

    def __init__(self, state: AppState | None = None, settings: QSettings | None = None,
                 load_initial_network: bool = True):
        super().__init__()
        self.setWindowTitle("NNDL Explorer")
        self.state = state or AppState(self)
        self.settings = settings or QSettings("NNDL Explorer", "NNDL Explorer")
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setStyleSheet(TAB_BAR_STYLE)
        self.tabs.tabBar().setDrawBase(False)
        for title, cls in _tab_classes():
            self.tabs.addTab(cls(self.state), title)
        self.setCentralWidget(self.tabs)
        self._measured: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # network -> test accuracy
        self._accuracy_worker = None
        self._accuracy_wanted = None
        self._build_menus()
        self._build_status_bar()
        self.state.network_changed.connect(self._network_changed)
        self.state.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.state.show_digit.connect(lambda *_: self.tabs.setCurrentIndex(0))
        self.state.data_ready.connect(self._data_ready)
        self.tabs.currentChanged.connect(self._tab_changed)
        self._restore_settings()
        self._tab_changed(self.tabs.currentIndex())
        self._initial_loader = None
        if load_initial_network:
            QTimer.singleShot(0, self._load_initial_network)

    # --- menus -------------------------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        self.open_action = self._action(file, "&Open network…", self.open_network_dialog, QKeySequence.Open,
                                        "Read the network from a file saved by NNDL Explorer")
        self.save_action = self._action(file, "&Save network…", self.save_network_dialog, QKeySequence.Save,
                                        "Save the active network (weights and training record) to a file")
        self.export_action = self._action(file, "&Export view as PNG…", self.export_view_dialog, "Ctrl+E",
                                          "Save the current tab's view as an image")
        file.addSeparator()
        self.quit_action = self._action(file, "&Quit", self.close, QKeySequence.Quit)
        view = self.menuBar().addMenu("&View")
        for i in range(self.tabs.count()):
            self._action(view, f"&{self.tabs.tabText(i)}", lambda _=False, i=i: self.tabs.setCurrentIndex(i),
                         f"Ctrl+{i + 1}")
        help_ = self.menuBar().addMenu("&Help")
        self.chapter_action = self._action(help_, "The book's chapter for this tab", self.open_chapter,
                                           QKeySequence.HelpContents)
        self._action(help_, "The book: Neural Networks and Deep Learning",
                     lambda: QDesktopServices.openUrl(QUrl(BOOK)))
        help_.addSeparator()
        self._action(help_, "&About NNDL Explorer", self.about)

    def _build_status_bar(self) -> None:
        self.network_status = QLabel("No network")
        self.network_status.setObjectName("networkStatus")
        self.statusBar().addPermanentWidget(self.network_status)
        self.statusBar().setStyleSheet(STATUS_STYLE)

    def _tab_changed(self, index: int) -> None:
        tab = self.tabs.widget(index)
        url = getattr(tab, "book_url", BOOK)
        chapter = CHAPTERS.get(url.rsplit("/", 1)[-1])
        self.chapter_action.setText(f"Read {chapter}" if chapter else "The book's chapter for this tab")
        self.chapter_action.setStatusTip(url)

    # --- the active network ------------------------------------------------------------------------
    def _network_changed(self, net) -> None:
        if self.state.network_path is not None and net is not None:
            self.settings.setValue("last_network", str(self.state.network_path))
        label = self.state.network_label
        self.setWindowTitle(f"NNDL Explorer — {label}" if net is not None and label else "NNDL Explorer")
        self._update_status()
        if net is not None and self.accuracy() is None and net is not self.state.training_network:
            self._measure_accuracy(net)

    def accuracy(self) -> float | None:
        """The active network's test accuracy: as recorded in its file, else as measured here."""
        recorded = self.state.test_accuracy()
        if recorded is not None or self.state.network is None:
            return recorded
        return self._measured.get(self.state.network)

    def _update_status(self) -> None:
        state = self.state
        if state.network is None:
            self.network_status.setText("No network")
            self.network_status.setToolTip("")
            return
        acc = self.accuracy()
        if acc is not None:
            accuracy = f"test accuracy {acc:.2%}"
        elif state.network is state.training_network:
            accuracy = "accuracy: see the Train tab"
        else:
            accuracy = "measuring test accuracy…"
        self.network_status.setText(f"Network: <b>{state.network_label}</b> · {accuracy}")
        self.network_status.setToolTip(state.network.describe() + (f"\n{state.network_path}" if state.network_path else ""))

    def _measure_accuracy(self, net) -> None:
        """Classify the 10,000 test images off the GUI thread (MNIST loads first if needed)."""
        if self.state.data is None:
            self._accuracy_wanted = net
            self.state.request_data()
            return
        if self._accuracy_worker is not None:
            self._accuracy_wanted = net  # measured when the running one finishes
            return
        test = self.state.data.test
        worker = thread_worker(_test_accuracy, start_thread=False)(net, net.copy(), test.images, test.labels)
        worker.returned.connect(self._accuracy_measured)
        worker.finished.connect(self._accuracy_finished)
        self._accuracy_worker = worker
        _start(worker)

    def _accuracy_measured(self, result) -> None:
        net, acc = result
        self._measured[net] = acc
        if net is self.state.network:
            self._update_status()

    def _accuracy_finished(self) -> None:
        self._accuracy_worker = None
        wanted, self._accuracy_wanted = self._accuracy_wanted, None
        if wanted is not None and wanted is self.state.network and self.accuracy() is None:
            self._measure_accuracy(wanted)

    def _data_ready(self, _data) -> None:
        wanted = self._accuracy_wanted
        if wanted is not None and self._accuracy_worker is None:
            self._accuracy_wanted = None
            if wanted is self.state.network and self.accuracy() is None:
                self._measure_accuracy(wanted)

    # --- actions -----------------------------------------------------------------------------------
    def open_network_dialog(self) -> None:
        start = str(self.state.network_path.parent) if self.state.network_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open network", start, NETWORK_FILTER)
        if path:
            self.open_network(path)

    def open_network(self, path: str | Path) -> bool:
        """Activate the network in ``path``; on a bad file, show why and keep the current network."""
        try:
            self.state.open_network(path, label=network_label(path))
        except ModelFileError as exc:
            self.show_error("Cannot open network", f"{exc}\n\nThe current network stays active.")
            return False
        self.state.status.emit(f"Opened {Path(path).name}")
        return True

    def save_network_dialog(self) -> None:
        if self.state.network is None:
            self.show_error("Nothing to save", "There is no active network yet.")
            return
        start = str(self.state.network_path or Path.home() / "network.npz")
        if bundled_label(start):  # never suggest overwriting a bundled network
            start = str(Path.home() / Path(start).name)
        path, _ = QFileDialog.getSaveFileName(self, "Save network", start, NETWORK_FILTER)
        if path:
            self.save_network(path)

    def save_network(self, path: str | Path) -> bool:
        path = str(path)
        if not path.endswith(".npz"):
            path += ".npz"
        try:
            self.state.save_network(path)
        except ModelFileError as exc:
            self.show_error("Cannot save network", str(exc))
            return False
        self.settings.setValue("last_network", path)
        self.state.status.emit(f"Saved {Path(path).name}")
        return True

    def export_view_dialog(self) -> None:
        title = self.tabs.tabText(self.tabs.currentIndex()).lower()
        path, _ = QFileDialog.getSaveFileName(self, "Export view as PNG", str(Path.home() / f"nndl-{title}.png"),
                                              "PNG images (*.png)")
        if path:
            self.export_view(path if path.lower().endswith(".png") else path + ".png")

    def export_view(self, path: str | Path) -> bool:
        """Save the current tab's main view as a PNG."""
        tab = self.tabs.currentWidget()
        widget: QWidget = tab.export_widget() if hasattr(tab, "export_widget") else tab
        if not widget.grab().save(str(path), "PNG"):
            self.show_error("Cannot export", f"Could not write {path}.")
            return False
        self.state.status.emit(f"Exported {Path(path).name}")
        return True

    def open_chapter(self) -> None:
        tab = self.tabs.currentWidget()
        QDesktopServices.openUrl(QUrl(getattr(tab, "book_url", BOOK)))

    def about(self) -> None:
        QMessageBox.about(self, "About NNDL Explorer",
                          "<b>NNDL Explorer</b><br>Michael Nielsen's <i>Neural Networks and Deep Learning</i>, "
                          f"hands-on.<br><a href='{BOOK}'>{BOOK}</a><br><br>"
                          "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges (CC BY-SA 3.0).")

    def show_error(self, title: str, message: str) -> None:
        """A modal message box (tests replace it to capture messages)."""
        QMessageBox.warning(self, title, message)

    # --- start-up and settings ---------------------------------------------------------------------
    def _load_initial_network(self) -> None:
        """Open the last network used, else the bundled default (else another bundled one), off the
        GUI thread."""
        last = self.settings.value("last_network", "", str)
        bundled = [str(default_model_path())] + [str(m.path) for m in bundled_models()]
        candidates = list(dict.fromkeys(p for p in [last, *bundled] if p and Path(p).is_file()))
        if not candidates or self.state.network is not None:
            return
        self.network_status.setText("Loading a network…")

        def load():
            problems = []
            for path in candidates:
                try:
                    return path, load_network(path), problems
                except ModelFileError as exc:
                    problems.append(str(exc))
            return None, None, problems

        worker = thread_worker(load, start_thread=False)()
        worker.returned.connect(self._initial_network_loaded)
        self._initial_loader = worker
        _start(worker)

    def _initial_network_loaded(self, result) -> None:
        self._initial_loader = None
        path, net, problems = result
        if problems:
            self.state.status.emit("Skipped an unreadable network: " + problems[0])
        if net is None:
            self._update_status()
            return
        if self.state.network is not None:  # the user chose one meanwhile
            return
        self.state.set_network(net, network_label(path), Path(path))

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1280, 820)
        tab = self.settings.value("tab", 0)
        try:
            self.tabs.setCurrentIndex(min(max(int(tab), 0), self.tabs.count() - 1))
        except (TypeError, ValueError):
            self.tabs.setCurrentIndex(0)

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue("tab", self.tabs.currentIndex())
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if hasattr(tab, "shutdown"):
                tab.shutdown()
        super().closeEvent(event)


def run(argv: list[str] | None = None) -> int:
    """Start the app: ``python main.py`` / ``nndl-explorer``."""
    import sys

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("NNDL Explorer")
    app.setOrganizationName("NNDL Explorer")
    from app import theme

    theme.apply_palette(app)
    window = MainWindow()
    window.show()
    return app.exec()
