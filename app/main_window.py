"""The main window: the four tabs, the menus, the status bar, remembered settings.

Each tab is a QWidget built with the shared :class:`AppState`. A tab may offer:
``book_url`` (the book's chapter for Help), ``export_widget()`` (the view that File → Export saves,
default: the whole tab) and ``shutdown()`` (stop its background work when the window closes).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QWidget)
from superqt.utils import thread_worker

from app.state import AppState
from core.io import ModelFileError, load_network
from core.models import default_model_path

BOOK = "http://neuralnetworksanddeeplearning.com"
NETWORK_FILTER = "NNDL networks (*.npz);;All files (*)"


def _tab_classes():
    from app.draw.tab import DrawTab
    from app.gradients.tab import GradientsTab
    from app.train.tab import TrainTab
    from app.universality.tab import UniversalityTab
    return [("Draw", DrawTab), ("Train", TrainTab), ("Gradients", GradientsTab), ("Universality", UniversalityTab)]


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
        for title, cls in _tab_classes():
            self.tabs.addTab(cls(self.state), title)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        self._build_status_bar()
        self.state.network_changed.connect(self._update_status)
        self.state.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self._restore_settings()
        self._initial_loader = None
        if load_initial_network:
            QTimer.singleShot(0, self._load_initial_network)

    # --- menus -------------------------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        file = self.menuBar().addMenu("&File")
        self.open_action = self._action(file, "&Open network…", self.open_network_dialog, QKeySequence.Open)
        self.save_action = self._action(file, "&Save network…", self.save_network_dialog, QKeySequence.Save)
        self.export_action = self._action(file, "&Export view as PNG…", self.export_view_dialog, "Ctrl+E")
        file.addSeparator()
        self._action(file, "&Quit", self.close, QKeySequence.Quit)
        view = self.menuBar().addMenu("&View")
        for i in range(self.tabs.count()):
            self._action(view, self.tabs.tabText(i), lambda _=False, i=i: self.tabs.setCurrentIndex(i), f"Ctrl+{i + 1}")
        help_ = self.menuBar().addMenu("&Help")
        self.chapter_action = self._action(help_, "The book's chapter for this tab", self.open_chapter, QKeySequence.HelpContents)
        self._action(help_, "&About NNDL Explorer", self.about)

    def _build_status_bar(self) -> None:
        self.network_status = QLabel("No network")
        self.network_status.setObjectName("networkStatus")
        self.statusBar().addPermanentWidget(self.network_status)

    def _update_status(self, _net=None) -> None:
        state = self.state
        if state.network is None:
            self.network_status.setText("No network")
            return
        acc = state.test_accuracy()
        text = f"Network: {state.network_label}"
        text += f" — test accuracy {acc:.2%}" if acc is not None else " — test accuracy not measured"
        self.network_status.setText(text)
        self.network_status.setToolTip(state.network.describe())

    # --- actions -----------------------------------------------------------------------------------
    def open_network_dialog(self) -> None:
        start = str(self.state.network_path.parent) if self.state.network_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open network", start, NETWORK_FILTER)
        if path:
            self.open_network(path)

    def open_network(self, path: str | Path) -> bool:
        """Activate the network in ``path``; on a bad file, show why and keep the current network."""
        try:
            self.state.open_network(path)
        except ModelFileError as exc:
            self.show_error("Cannot open network", str(exc))
            return False
        self.settings.setValue("last_network", str(path))
        self.state.status.emit(f"Opened {Path(path).name}")
        return True

    def save_network_dialog(self) -> None:
        if self.state.network is None:
            self.show_error("Nothing to save", "There is no active network yet.")
            return
        start = str(self.state.network_path or Path.home() / "network.npz")
        path, _ = QFileDialog.getSaveFileName(self, "Save network", start, NETWORK_FILTER)
        if not path:
            return
        if not path.endswith(".npz"):
            path += ".npz"
        try:
            self.state.save_network(path)
        except ModelFileError as exc:
            self.show_error("Cannot save network", str(exc))
            return
        self.settings.setValue("last_network", path)
        self.state.status.emit(f"Saved {Path(path).name}")

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
        """Open the last network used, or the bundled default, off the GUI thread."""
        last = self.settings.value("last_network", "", str)
        candidates = [p for p in (last, str(default_model_path())) if p and Path(p).is_file()]
        if not candidates or self.state.network is not None:
            return

        def load():
            for path in candidates:
                try:
                    return path, load_network(path)
                except ModelFileError:
                    continue
            return None

        worker = thread_worker(load, start_thread=False)()
        worker.returned.connect(self._initial_network_loaded)
        self._initial_loader = worker
        worker.start()

    def _initial_network_loaded(self, result) -> None:
        self._initial_loader = None
        if result is None or self.state.network is not None:
            return
        path, net = result
        label = "Default CNN" if Path(path) == default_model_path() else Path(path).stem
        self.state.set_network(net, label, Path(path))

    def _restore_settings(self) -> None:
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self.tabs.setCurrentIndex(int(self.settings.value("tab", 0)))

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
    window = MainWindow()
    window.show()
    return app.exec()
