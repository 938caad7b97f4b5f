"""The state the tabs share: the active network and the MNIST data.

A network trained in the Train tab becomes the Draw tab's network with one call to
:meth:`AppState.set_network`, and the other way round; views listen to ``network_changed``.
MNIST loads once, off the GUI thread, on first need.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app import jobs
from app.names import network_label
from core.data import MNIST, load_mnist
from core.io import ModelFileError, load_network, save_network
from core.network import Network


class AppState(QObject):
    network_changed = Signal(object)  # the new active Network
    network_saved = Signal(object)  # the Path the active network was saved to (now its name and file)
    data_ready = Signal(object)  # MNIST, once loaded
    data_failed = Signal(str)  # the DataError message
    status = Signal(str)  # a transient message for the status bar
    # The Train tab's run, for the other tabs:
    training_network_changed = Signal(object)  # a snapshot copy of the network being trained (or None)
    batch_gradients = Signal(object)  # {"run": str, "steps": [int], "labels": [str],
    #                                    "delta": (k, layers) array of ‖∂C/∂bˡ‖, "w": (k, layers) of ‖∂C/∂wˡ‖}
    show_digit = Signal(object, object)  # (28×28 float image, label or None): open it in the Draw tab

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.network: Network | None = None
        self.network_label = ""
        self.network_path: Path | None = None
        self.data: MNIST | None = None
        self.training_network: Network | None = None
        self.training_label = ""
        self._data_worker = None

    # --- network -----------------------------------------------------------------------------------
    def set_network(self, net: Network, label: str, path: Path | None = None) -> None:
        """Make ``net`` the active network (views redraw through ``network_changed``)."""
        self.network, self.network_label, self.network_path = net, label, Path(path) if path else None
        self.network_changed.emit(net)

    def open_network(self, path: str | Path, label: str | None = None) -> Network:
        """Load and activate a network file. On a bad file, raises ModelFileError and keeps the
        current network."""
        net = load_network(path)
        self.set_network(net, label or network_label(path), Path(path))
        return net

    def set_training_network(self, net: Network | None, label: str = "") -> None:
        """Publish a snapshot copy of the network the Train tab is training (None when there is none)."""
        self.training_network, self.training_label = net, label
        self.training_network_changed.emit(net)

    def save_network(self, path: str | Path) -> None:
        """Save the active network (atomically, by ``core.io``); from now on it is named after, and
        comes from, that file. Raises ModelFileError if it cannot be written."""
        if self.network is None:
            raise ModelFileError("there is no network to save")
        save_network(self.network, path)
        self.network_path, self.network_label = Path(path), network_label(path)
        self.network_saved.emit(self.network_path)

    def test_accuracy(self) -> float | None:
        """The active network's test accuracy as recorded in its file, if known."""
        if self.network is None:
            return None
        metrics = self.network.info.get("metrics") or {}
        value = metrics.get("test_accuracy")
        return float(value) if isinstance(value, (int, float)) else None

    # --- data --------------------------------------------------------------------------------------
    def request_data(self) -> None:
        """Start loading MNIST in the background (once); ``data_ready`` fires when it is there
        (immediately if it already is)."""
        if self.data is not None:
            self.data_ready.emit(self.data)
            return
        if self._data_worker is not None:
            return
        self._data_worker = jobs.call(load_mnist, done=self._data_loaded, failed=self._data_not_loaded,
                                      owner=self)

    def _data_not_loaded(self, exc: Exception) -> None:
        self._data_worker = None
        self.data_failed.emit(str(exc))

    def _data_loaded(self, data: MNIST) -> None:
        self._data_worker = None
        self.data = data
        self.data_ready.emit(data)

    def data_blocking(self) -> MNIST:
        """MNIST now, loading it on this thread if needed (for scripts and tests)."""
        if self.data is None:
            self.data = load_mnist()
            self.data_ready.emit(self.data)
        return self.data
