"""The main window: the four tabs, the menus, the status bar, remembered settings.

Each tab is a QWidget built with the shared :class:`AppState`. A tab may offer:
``book_url`` (the book's chapter for Help), ``export_widget()`` (the view that File → Export saves,
default: the whole tab) and ``shutdown()`` (stop its background work when the window closes).

Start-up is kept short (``run``, i.e. ``python main.py``): the window is shown first, as a frame with
menus and empty tabs that needs nothing but Qt; then the heavy modules load and the tabs are built,
the current one first, one per turn of the event loop; the network is read from disk off the GUI
thread (the last one used, else the bundled default) and MNIST only loads when a view needs it.
``MainWindow()`` without ``lazy`` builds everything before returning (tests, scripts).
"""
from __future__ import annotations

import weakref
from pathlib import Path

from PySide6.QtCore import QEvent, QIODevice, QSaveFile, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (QApplication, QFileDialog, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QWidget)

from app import jobs, window_settings
from app.about import BOOK, about_box
from app.icon import ICON_NAME, app_icon
from app.names import bundled_label, network_label
from core import __version__
from core.models import bundled_models, default_model_path  # (light: paths only)

# numpy, pyqtgraph and the tabs are imported where they are first needed, so that the window
# can be on screen before they have loaded.

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


TAB_TITLES = ["Draw", "Train", "Gradients", "Universality"]


def _tab_class(title: str):
    if title == "Draw":
        from app.draw.tab import DrawTab
        return DrawTab
    if title == "Train":
        from app.train.tab import TrainTab
        return TrainTab
    if title == "Gradients":
        from app.gradients.tab import GradientsTab
        return GradientsTab
    from app.universality.tab import UniversalityTab
    return UniversalityTab


class _Loading(QLabel):
    """Stands in for a tab while the app starts."""

    def __init__(self, title: str):
        super().__init__(f"Loading the {title} tab…")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setStyleSheet("color: #6b7682; font-size: 15px;")




def _test_accuracy(net, copy, images, labels):
    """(net, its accuracy), measured on ``copy`` so that the GUI may go on using ``net``."""
    return net, copy.accuracy(images, labels)


class MainWindow(QMainWindow):
    """The whole app. ``window.tabs`` is the QTabWidget (Draw, Train, Gradients, Universality)."""

    def __init__(self, state=None, settings: QSettings | None = None, load_initial_network: bool = True,
                 lazy: bool = False):
        """``state``: an ``AppState`` to share (default: a new one). ``lazy``: return at once with
        "loading" tabs, build the real ones from the event loop (``ready`` tells when all are)."""
        super().__init__()
        from app.theme.palette import apply_palette

        apply_palette(QApplication.instance())  # however the window is made, it looks the same
        self.setWindowTitle("NNDL Explorer")
        self.setWindowIcon(app_icon())
        self.state = state
        self.settings = settings or QSettings("NNDL Explorer", "NNDL Explorer")
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.tabBar().setStyleSheet(TAB_BAR_STYLE)
        self.tabs.tabBar().setDrawBase(False)
        for title in TAB_TITLES:
            self.tabs.addTab(_Loading(title), title)
        self.setCentralWidget(self.tabs)
        self._measured: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # network -> test accuracy
        self._accuracy_worker = None
        self._accuracy_wanted = None
        self._initial_loader = None
        self._load_initial = load_initial_network
        self._initial_result = None
        self._build_menus()
        self._build_status_bar()
        self._restore_settings()
        self.tabs.currentChanged.connect(self._tab_changed)
        self._tab_changed(self.tabs.currentIndex())
        if lazy:
            self.network_status.setText("Starting…")
            self._starting = True
            self.tabs.tabBar().installEventFilter(self)  # start building once the window is on screen
            QTimer.singleShot(300, self, self._begin)  # (or soon anyway, e.g. if it is never shown)
        else:
            self._start_app(lazy=False)

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Paint and obj is self.tabs.tabBar():
            obj.removeEventFilter(self)
            QTimer.singleShot(0, self, self._begin)  # after this paint has reached the screen
        return False

    def _begin(self) -> None:
        if getattr(self, "_starting", False):
            self._starting = False
            self._start_app()

    @property
    def ready(self) -> bool:
        """True once every tab is built."""
        return not any(isinstance(self.tabs.widget(i), _Loading) for i in range(self.tabs.count()))

    def _start_app(self, lazy: bool = True) -> None:
        """The shared state, its signals, the tabs (the current one first) and the initial network."""
        from app.state import AppState

        self.state = self.state or AppState(self)
        self.state.network_changed.connect(self._network_changed)
        self.state.network_saved.connect(self._network_saved)
        self.state.status.connect(lambda text: self.statusBar().showMessage(text, 5000))
        self.state.show_digit.connect(lambda *_: self.tabs.setCurrentIndex(0))
        self.state.data_ready.connect(self._data_ready)
        if self._load_initial:  # read the file on a worker thread while the tabs are built
            self._load_initial_network()
        current = self.tabs.currentIndex()
        order = [current] + [i for i in range(self.tabs.count()) if i != current]
        if lazy:
            self._build_tab(order[0])
            self._build_later(order[1:])
        else:
            for i in order:
                self._build_tab(i)
            # again: the real tabs may have changed the window's minimum size
            window_settings.restore_geometry(self, self.settings)
            self._ready()

    def _build_later(self, remaining: list[int]) -> None:
        if not remaining:
            self._ready()
            return

        def next_tab():
            self._build_tab(remaining[0])
            self._build_later(remaining[1:])

        QTimer.singleShot(0, self, next_tab)  # (dropped if the window is gone by then)

    def _build_tab(self, index: int) -> None:
        title = TAB_TITLES[index]
        tab = _tab_class(title)(self.state)
        placeholder = self.tabs.widget(index)
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()
        window_settings.restore_splitters(self.settings, title, tab)
        if index == current:
            self._tab_changed(current)

    def _ready(self) -> None:
        self._update_status()
        if self._initial_result is not None:  # read while the tabs were being built
            result, self._initial_result = self._initial_result, None
            self._initial_network_loaded(result)

    # --- menus -------------------------------------------------------------------------------------
    def _action(self, menu, text, slot, shortcut=None, tip: str = "", fallback: str | None = None) -> QAction:
        """A menu action; ``fallback``: the shortcut to use where the platform has no standard one
        for ``shortcut`` (e.g. Quit, which some desktops leave unbound)."""
        action = QAction(text, self)
        if shortcut is not None:
            keys = [QKeySequence(shortcut)] + ([QKeySequence(fallback)] if fallback else [])
            action.setShortcuts(list(dict.fromkeys(k for k in keys if not k.isEmpty())))
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
        self.quit_action = self._action(file, "&Quit", self.close, QKeySequence.Quit, fallback="Ctrl+Q")
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

    def _network_saved(self, path) -> None:
        self.settings.setValue("last_network", str(path))
        self.setWindowTitle(f"NNDL Explorer — {self.state.network_label}")
        self._update_status()

    def accuracy(self) -> float | None:
        """The active network's test accuracy: as recorded in its file, else as measured here."""
        recorded = self.state.test_accuracy()
        if recorded is not None or self.state.network is None:
            return recorded
        return self._measured.get(self.state.network)

    def _update_status(self) -> None:
        state = self.state
        if state is None:
            self.network_status.setText("Starting…")
            return
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
        where = f"\n{state.network_path}" if state.network_path else ""
        self.network_status.setToolTip(state.network.describe() + where)

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
        self._accuracy_worker = jobs.call(_test_accuracy, net, net.copy(), test.images, test.labels,
                                          done=self._accuracy_measured, ended=self._accuracy_finished, owner=self)

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
        if self.state is None:  # still starting
            return
        start = str(self.state.network_path.parent) if self.state.network_path else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Open network", start, NETWORK_FILTER)
        if path:
            self.open_network(path)

    def open_network(self, path: str | Path) -> bool:
        """Activate the network in ``path``; on a bad file, show why and keep the current network."""
        from core.io import ModelFileError

        try:
            self.state.open_network(path, label=network_label(path))
        except ModelFileError as exc:
            kept = "\n\nThe current network stays active." if self.state.network is not None else ""
            self.show_error("Cannot open network", f"{exc}{kept}")
            return False
        self.state.status.emit(f"Opened {Path(path).name}")
        return True

    def save_network_dialog(self) -> None:
        if self.state is None or self.state.network is None:
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
        from core.io import ModelFileError

        try:
            self.state.save_network(path)
        except ModelFileError as exc:
            self.show_error("Cannot save network", str(exc))
            return False
        self.state.status.emit(f"Saved {Path(path).name}")
        return True

    def export_view_dialog(self) -> None:
        if not self.ready:  # still starting: the tabs are placeholders
            return
        title = self.tabs.tabText(self.tabs.currentIndex()).lower()
        path, _ = QFileDialog.getSaveFileName(self, "Export view as PNG", str(Path.home() / f"nndl-{title}.png"),
                                              "PNG images (*.png)")
        if path:
            self.export_view(path if path.lower().endswith(".png") else path + ".png")

    def export_view(self, path: str | Path) -> bool:
        """Save the current tab's main view as a PNG (atomically: a failed export leaves any existing
        file as it was)."""
        tab = self.tabs.currentWidget()
        widget: QWidget = tab.export_widget() if hasattr(tab, "export_widget") else tab
        file = QSaveFile(str(path))
        if not (file.open(QIODevice.OpenModeFlag.WriteOnly) and widget.grab().save(file, "PNG") and file.commit()):
            reason = file.errorString()
            file.cancelWriting()
            self.show_error("Cannot export", f"Could not write {path}: {reason}.")
            return False
        self.statusBar().showMessage(f"Exported {Path(path).name}", 5000)
        return True

    def open_chapter(self) -> None:
        tab = self.tabs.currentWidget()
        QDesktopServices.openUrl(QUrl(getattr(tab, "book_url", BOOK)))

    def about(self) -> None:
        about_box(self).exec()

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

        from core.io import ModelFileError, load_network

        def load():
            problems = []
            for path in candidates:
                try:
                    return path, load_network(path), problems
                except ModelFileError as exc:
                    problems.append(str(exc))
            return None, None, problems

        self._initial_loader = jobs.call(load, done=self._initial_network_loaded, owner=self)

    def _initial_network_loaded(self, result) -> None:
        self._initial_loader = None
        if not self.ready:  # activate it once every tab is there to hear about it
            self._initial_result = result
            return
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
        window_settings.restore_geometry(self, self.settings)
        window_settings.restore_tab(self.tabs, self.settings)

    def closeEvent(self, event) -> None:
        window_settings.save(self, self.tabs, self.settings)
        for i in range(self.tabs.count()):
            tab = self.tabs.widget(i)
            if hasattr(tab, "shutdown"):
                tab.shutdown()
        jobs.shutdown(self)  # whatever is left: no job outlives the window, nor reports to it
        super().closeEvent(event)


def run(argv: list[str] | None = None) -> int:
    """Start the app: ``python main.py`` / ``nndl-explorer``."""
    import sys

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("NNDL Explorer")
    app.setOrganizationName("NNDL Explorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(ICON_NAME)  # Wayland: the task bar finds the icon through the desktop entry
    app.setWindowIcon(app_icon())
    window = start(app)
    return app.exec()


def start(app: QApplication, settings: QSettings | None = None) -> MainWindow:
    """Style the application and show the main window at once; its tabs follow (see the module's
    docstring). ``run`` uses it; so does ``benchmarks/bench_startup.py``, to time it."""
    from app.theme.palette import apply_palette

    apply_palette(app)
    window = MainWindow(settings=settings, lazy=True)
    window.show()
    return window
