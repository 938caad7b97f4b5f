"""Which network reads the drawing: a bundled one, the one the Train tab is training, or a file.

The picker only changes the shared :class:`AppState`'s active network; it shows whatever network is
active, however it became active (File → Open, another tab, ...). Choosing "the Train tab's network"
follows that run: each new snapshot the Train tab publishes becomes the active network.

A mistake opened from the Train tab is read by the network that made it (:meth:`use_for_digit`);
a button then offers going back to the network chosen before, until another is chosen.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

from app import numbers
from core.io import ModelFileError
from core.models import bundled_models

TRAINING = "training"
BUNDLED = "bundled"
CURRENT = "current"
FILE = "file"


def _same_file(a: Path | None, b: Path) -> bool:
    return a is not None and Path(a).resolve() == Path(b).resolve()


class FittedLabel(QLabel):
    """A one-line label that shows the longest of its variants (longest first) that fits its width,
    whole: never a text cut short (the tooltip has the longest)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.variants: list[str] = [""]

    def set_variants(self, variants: list[str]) -> None:
        self.variants = list(variants) + [""]
        self.setToolTip(self.variants[0])
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width()
        metrics = self.fontMetrics()
        self.setText(next(v for v in self.variants if metrics.horizontalAdvance(v) <= room))


def summary(net) -> str:
    """A network in a few words when its description is too long: "2 conv + 2 dense layers, log-likelihood"."""
    kinds = [layer.kind for layer in net.layers]
    conv = sum(k.startswith("conv") for k in kinds)
    dense = sum("dense" in k for k in kinds)
    parts = [f"{conv} conv" if conv else "", f"{dense} dense" if dense else ""]
    return f"{' + '.join(p for p in parts if p)} layers, {net.cost.name}"


class NetworkPicker(QWidget):
    #: the user chose "Open a file…": whoever owns the file dialog shows it
    open_file_requested = Signal()

    def __init__(self, state, parent=None):
        super().__init__(parent)
        self.state = state
        self.following_training = False
        self.show_error: Callable[[str, str], None] = lambda title, message: None
        self.combo = QComboBox()
        self.combo.setObjectName("networkCombo")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setMinimumWidth(220)
        self.combo.setToolTip("The network that reads your drawing")
        self.info = FittedLabel()
        self.info.setObjectName("networkInfo")
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.back_button = QToolButton()
        self.back_button.setObjectName("backButton")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.go_back)
        self.back_button.setText("↩ Back")  # (its size, until it is shown with a network's name)
        self.back_button.hide()
        self._before = None  # (network, label, path, following training) to go back to
        self._detour = None  # the network a mistake brought in
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Network")
        title.setObjectName("cardTitle")
        layout.addWidget(title)
        layout.addWidget(self.combo)
        layout.addWidget(self.info, 1)
        layout.addWidget(self.back_button)  # (at the end of the row: only the info's elision moves)
        self.combo.activated.connect(self._chosen)
        state.network_changed.connect(self._network_changed)
        state.network_saved.connect(lambda _path: self._rebuild())
        state.training_network_changed.connect(self._training_changed)
        self._rebuild()

    def sizeHint(self) -> QSize:
        return self._tall_enough(super().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._tall_enough(super().minimumSizeHint())

    def _tall_enough(self, size: QSize) -> QSize:
        """As tall with the way back hidden as with it shown: nothing below moves when it shows."""
        size.setHeight(max(size.height(), self.back_button.sizeHint().height()))
        return size

    # --- the list ----------------------------------------------------------------------------------
    def _entries(self) -> list[tuple[str, str, object, bool, str]]:
        """(text, kind, payload, enabled, tooltip) for each item."""
        entries = []
        for model in bundled_models():
            exists = model.path.is_file()
            entries.append((f"{model.title} (bundled)", BUNDLED, model, exists,
                            model.description if exists else f"{model.filename} is not installed"))
        has_training = self.state.training_network is not None
        entries.append(("The Train tab's network", TRAINING, None, has_training,
                        "Follow the network the Train tab is training: it updates as it learns"
                        if has_training else "Start training in the Train tab to use its network here"))
        if self.state.network is not None and self._active_kind() == CURRENT:
            entries.append((self.state.network_label or "Unnamed network", CURRENT, None, True,
                            str(self.state.network_path or "")))
        entries.append(("Open a file…", FILE, None, True, "Open a network saved by NNDL Explorer (.npz)"))
        return entries

    def _active_kind(self) -> str:
        """Where the active network came from."""
        path = self.state.network_path
        if self.following_training and self.state.network is not None:
            return TRAINING
        for model in bundled_models():
            if model.path.is_file() and _same_file(path, model.path):
                return BUNDLED
        return CURRENT

    def _rebuild(self) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        selected = -1
        kind = self._active_kind() if self.state.network is not None else None
        for i, (text, item_kind, payload, enabled, tip) in enumerate(self._entries()):
            self.combo.addItem(text)
            item = self.combo.model().item(i)
            item.setEnabled(enabled)
            item.setToolTip(tip)
            self.combo.setItemData(i, (item_kind, payload))
            if item_kind == kind and (kind != BUNDLED or _same_file(self.state.network_path, payload.path)):
                selected = i
        if selected < 0:  # no network yet: show a prompt rather than a wrong choice
            self.combo.insertItem(0, "Choose a network…")
            self.combo.model().item(0).setEnabled(False)
            self.combo.setItemData(0, ("none", None))
            selected = 0
        self.combo.setCurrentIndex(selected)
        self.combo.blockSignals(False)
        self._update_info()

    def _update_info(self) -> None:
        net = self.state.network
        if net is None:
            self.info.set_variants(["loading…"] if self.state.network_path is None else [])
            return
        acc = self.state.test_accuracy()
        accuracy = [f"test accuracy {numbers.percent(acc)}"] if acc is not None else []
        described = [" · ".join(accuracy + [text]) for text in (net.describe(), summary(net))]
        self.info.set_variants(described + accuracy)  # (the longest that fits the row, whole)

    # --- choices -----------------------------------------------------------------------------------
    def _chosen(self, index: int) -> None:
        kind, payload = self.combo.itemData(index) or ("none", None)
        if kind == BUNDLED:
            self.following_training = False
            try:
                self.state.open_network(payload.path, label=payload.title)
            except ModelFileError as exc:
                self.show_error("Cannot open network", str(exc))
        elif kind == TRAINING and self.state.training_network is not None:
            self.following_training = True
            self._use_training(self.state.training_network)
        elif kind == FILE:
            self.open_file_requested.emit()
        self._rebuild()

    def choose(self, kind: str, key: str | None = None) -> None:
        """Pick an entry programmatically (kind: "bundled" with a model key, "training", "file")."""
        for i in range(self.combo.count()):
            item_kind, payload = self.combo.itemData(i) or ("none", None)
            if item_kind == kind and (key is None or getattr(payload, "key", None) == key):
                self.combo.setCurrentIndex(i)
                self._chosen(i)
                return
        raise KeyError(f"no network choice {kind!r} {key or ''}")

    def _use_training(self, net) -> None:
        label = self.state.training_label or "Train tab"
        self.state.set_network(net, f"Train tab: {label}" if not label.startswith("Train tab") else label)

    def _network_changed(self, net) -> None:
        if self.following_training and net is not self.state.training_network:
            self.following_training = False  # something else chose a network
        if self._detour is not None and net is not self._detour:
            self._forget_detour()  # another network was chosen: going back no longer applies
        self._rebuild()

    # --- a mistake's own network -------------------------------------------------------------------
    def use_for_digit(self, net, name: str) -> None:
        """Read with ``net`` (called ``name``) for now, the network that misread a digit sent here, and
        offer going back to the network chosen before (the first one, after several such digits)."""
        state = self.state
        if net is state.network:
            return
        before = self._before or (state.network, state.network_label, state.network_path, self.following_training)
        self.following_training = False
        state.set_network(net, name)
        self._before, self._detour = before, net
        if before[0] is not None:
            self.back_button.setText(f"↩ Back to {before[1] or 'the network before'}")
            self.back_button.setToolTip(f"Read with {before[1] or 'the network chosen before'} again")
            self.back_button.show()

    def go_back(self) -> None:
        """Back to the network chosen before a mistake brought its own."""
        if self._before is None:
            return
        net, label, path, following = self._before
        self._forget_detour()
        if following and self.state.training_network is not None:
            self.following_training = True
            self._use_training(self.state.training_network)
        elif net is not None:
            self.state.set_network(net, label, path)

    def _forget_detour(self) -> None:
        self._before = self._detour = None
        self.back_button.hide()

    def _training_changed(self, net) -> None:
        if self.following_training:
            if net is None:
                self.following_training = False  # the run was discarded: keep its last snapshot
            else:
                self._use_training(net)
                return  # _network_changed rebuilds
        self._rebuild()
