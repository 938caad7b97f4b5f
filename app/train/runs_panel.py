"""The list of runs: tick a run to overlay its curves on the plots; export the runs as CSV, the
plots as PNG; save a run's network or send it to the Draw tab."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (QGridLayout, QHeaderView, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from app.train.runs import Run


def _swatch(colour: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


class RunsPanel(QWidget):
    overlays_changed = Signal()
    selection_changed = Signal(object)  # the selected Run or None

    def __init__(self, has_network: Callable[[Run], bool] = lambda run: run.network is not None, parent=None):
        """``has_network(run)``: whether a run's network can be saved or sent (during a run: once its
        first epoch is over)."""
        super().__init__(parent)
        self.has_network = has_network
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        hint = QLabel("Every run is kept. Tick runs to overlay their validation accuracy and training "
                      "cost (dashed) on the plots: quadratic vs cross-entropy, λ = 0 vs 5, 1,000 vs 50,000 "
                      "images… Hover over a run for its settings.")
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(4)
        self.tree.setHeaderLabels(["Run", "Status", "Best val.", "Test"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeToContents)
        layout.addWidget(self.tree, 1)
        self.details = QLabel()
        self.details.setObjectName("hint")
        self.details.setWordWrap(True)
        layout.addWidget(self.details)
        buttons = QGridLayout()
        self.export_csv = QPushButton("Export CSV…")
        self.export_csv.setToolTip("Every epoch of the ticked runs (all runs if none is ticked) with their settings")
        self.export_png = QPushButton("Export plots PNG…")
        self.export_png.setToolTip("The accuracy and cost plots with the overlays, as a PNG image")
        self.save = QPushButton("Save network…")
        self.send = QPushButton("Send to Draw")
        self.remove = QPushButton("Remove")
        for i, b in enumerate((self.export_csv, self.export_png, self.save, self.send, self.remove)):
            buttons.addWidget(b, i // 2, i % 2)
        layout.addLayout(buttons)
        self.runs: list[Run] = []
        self._items: dict[int, QTreeWidgetItem] = {}
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._selected())
        self._selected()

    def add_run(self, run: Run) -> None:
        self.runs.append(run)
        item = QTreeWidgetItem()
        item.setData(0, Qt.UserRole, run.id)
        item.setIcon(0, _swatch(run.colour))
        item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
        item.setCheckState(0, Qt.Unchecked)
        self.tree.blockSignals(True)
        self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        self._items[run.id] = item
        self.update_run(run)
        self.tree.setCurrentItem(item)

    def update_run(self, run: Run) -> None:
        item = self._items.get(run.id)
        if item is None:
            return
        best = run.best()
        self.tree.blockSignals(True)
        item.setText(0, run.name)
        item.setToolTip(0, run.describe())
        item.setText(1, run.status)
        item.setText(2, f"{best.validation_accuracy:.2%}" if best else "–")
        item.setText(3, f"{best.test_accuracy:.2%}" if best and best.test_accuracy is not None else "–")
        item.setToolTip(3, "test accuracy at the epoch of best validation accuracy (as the book reports)")
        self.tree.blockSignals(False)
        if self.selected() is run:
            self._selected()

    def remove_run(self, run: Run) -> None:
        item = self._items.pop(run.id, None)
        if item is not None:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(item))
        self.runs.remove(run)
        self.overlays_changed.emit()
        self._selected()

    def set_overlay(self, run: Run, on: bool) -> None:
        self._items[run.id].setCheckState(0, Qt.Checked if on else Qt.Unchecked)

    def overlaid(self) -> list[Run]:
        return [r for r in self.runs if r.overlay]

    def selected(self) -> Run | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        run_id = item.data(0, Qt.UserRole)
        return next((r for r in self.runs if r.id == run_id), None)

    def select(self, run: Run) -> None:
        self.tree.setCurrentItem(self._items[run.id])

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        run_id = item.data(0, Qt.UserRole)
        run = next((r for r in self.runs if r.id == run_id), None)
        if run is not None and column == 0:
            on = item.checkState(0) == Qt.Checked
            if on != run.overlay:
                run.overlay = on
                self.overlays_changed.emit()

    def refresh(self) -> None:
        """Enable Save and Send for the selected run if its network is there now."""
        self._selected()

    def _selected(self) -> None:
        run = self.selected()
        has_net = run is not None and self.has_network(run)
        self.save.setEnabled(has_net)
        self.send.setEnabled(has_net)
        self.remove.setEnabled(run is not None and run.status not in ("running", "paused"))
        self.export_csv.setEnabled(bool(self.runs))
        self.export_png.setEnabled(bool(self.runs))  # (before any run the plots are empty)
        if run is None:
            self.details.setText("")
        else:
            text = run.describe()
            if run.message:
                text += f"\n{run.message[:1].upper()}{run.message[1:]}"
            self.details.setText(text)
        self.selection_changed.emit(run)
