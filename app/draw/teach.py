"""The Draw tab's teach mode: keep digits in your own handwriting and fine-tune the network on them.

Draw a digit, then press its key (0-9) or click its button: it is kept (``core.digit_store``, saved in
the user data folder after every change) and the canvas is cleared for the next one. The rows show
your digits by class; click one and Delete removes it. Import and Export move a collection as one file.

"Fine-tune" holds a fifth of each digit's examples out, trains a copy of the active network on the
rest mixed with MNIST (``core.finetune``) off the GUI thread (``app.jobs``), with progress and
Cancel, then measures both networks on the held-out digits and the 10,000 MNIST test images and makes
the new one active. "Revert" brings the previous network back; File → Save network… saves the new one.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFileDialog, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from app import jobs, theme
from app.numbers import a_digit, percent
from app.draw.digit_rows import DigitRows
from app.widgets.live_text import LiveText
from core.digit_store import DigitFileError, DigitStore, default_store_path
from core.finetune import FineTune, held_out_split
from core.preprocess import canvas_to_mnist

HELD_OUT = 0.2  # of each digit's examples, to measure the fine-tuned network on
MIN_DIGITS = 5
MEASURE_CHUNK = 1000  # test images per step while measuring (Cancel is checked between steps)
DIGITS_FILTER = "NNDL digits (*.npz);;All files (*)"


def fine_tune_steps(network, images, labels, data, epochs: int = 5, seed: int = 0):
    """The fine-tuning job as a generator (run off the GUI thread): ``("train", done, total)`` per
    mini-batch, ``("measure", done, total)`` per chunk measured, then ``("done", network, results)``,
    ``results`` being {"held": n, "held_before", "held_after", "test_before", "test_after"} (accuracies,
    the held-out ones None when no digit is held out). ``network`` is not modified."""
    train, held = held_out_split(labels, HELD_OUT, seed)
    job = FineTune(network, images[train], labels[train], epochs=epochs, mnist=data, seed=seed)
    for event in job.run():
        yield "train", (event.epoch - 1) * event.batches + event.batch, job.config.epochs * event.batches
    tuned = job.network
    test = data.test
    chunks = range(0, len(test), MEASURE_CHUNK)
    right = {"before": 0, "after": 0}
    for k, start in enumerate(chunks):
        x, y = test.images[start:start + MEASURE_CHUNK], test.labels[start:start + MEASURE_CHUNK]
        right["before"] += int(np.count_nonzero(network.predict(x) == y))
        right["after"] += int(np.count_nonzero(tuned.predict(x) == y))
        yield "measure", k + 1, len(chunks)
    tuned.info["metrics"] = {"test_accuracy": right["after"] / len(test)}  # (what the app shows beside it)
    held_before = held_after = None
    if len(held):
        held_before = network.accuracy(images[held], labels[held])
        held_after = tuned.accuracy(images[held], labels[held])
    yield "done", tuned, {"held": len(held), "held_before": held_before, "held_after": held_after,
                          "test_before": right["before"] / len(test), "test_after": right["after"] / len(test),
                          "diverged": job.diverged}


class TeachPanel(QWidget):
    """``state``: the app's shared state; ``canvas``: the Draw tab's canvas; ``show_error(title, text)``
    reports a bad file. ``store_path`` (tests) overrides where the digits are kept."""

    def __init__(self, state, canvas, show_error, store_path: Path | None = None, parent=None):
        super().__init__(parent)
        self.state, self.canvas, self.show_error = state, canvas, show_error
        self.job: jobs.Loop | None = None
        self.epochs = 5
        self.previous: tuple | None = None  # (network, label, path) before the last fine-tuning
        self.results: dict | None = None
        self._start_when_data = False
        self.store = self._open_store(store_path or default_store_path())

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("caption")
        keys = QGridLayout()
        keys.setSpacing(2)
        self.keep_buttons = []
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setObjectName("digitButton")
            button.setToolTip(f"Keep the drawing as {a_digit(digit)} (key {digit})")
            button.setMinimumWidth(18)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, d=digit: self.keep(d))
            keys.addWidget(button, 0, digit)
            self.keep_buttons.append(button)
        self.rows = DigitRows()
        self.rows.selected.connect(lambda _index: self._update_buttons())
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.rows)
        self.scroll.setMinimumHeight(120)
        self.scroll.setStyleSheet(f"QScrollArea {{ background: {theme.BASE}; border: 1px solid {theme.BORDER}; }}")
        self.delete_button = self._button("Delete", "Delete the selected digit (Delete key)", self.delete_selected)
        self.import_button = self._button("Import…", "Add the digits of a file exported from this app",
                                          self.import_dialog)
        self.export_button = self._button("Export…", "Save all your digits to one file", self.export_dialog)
        self.tune_button = self._button("Fine-tune", "Train a copy of the network on your digits mixed with "
                                        "MNIST, then compare it with the network it came from", self.fine_tune)
        self.cancel_button = self._button("Cancel", "Stop fine-tuning; the network stays as it was", self.cancel)
        self.revert_button = self._button("Revert", "Go back to the network before fine-tuning", self.revert)
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setMaximumHeight(16)
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # (shown while fine-tuning: nothing below it moves)
        self.progress.setSizePolicy(policy)
        self.progress.hide()
        self.result = LiveText(lines=5, background=theme.SURFACE)  # (a fine-tuning's results, in the narrowest window)

        self.selection = QLabel()
        self.selection.setObjectName("caption")
        selection = QHBoxLayout()
        selection.setSpacing(theme.SPACING)
        selection.addWidget(self.selection, 1)
        selection.addWidget(self.delete_button)
        files = QHBoxLayout()
        files.setSpacing(theme.SPACING)
        for widget in (self.import_button, self.export_button):
            files.addWidget(widget)
        files.addStretch(1)
        tuning = QHBoxLayout()
        tuning.setSpacing(4)  # (the three fit the narrowest window's column)
        for widget in (self.tune_button, self.cancel_button, self.revert_button):
            tuning.addWidget(widget)
        tuning.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(theme.SPACING)
        layout.addWidget(self.intro)
        layout.addLayout(keys)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(selection)
        layout.addLayout(tuning)
        layout.addLayout(files)
        layout.addWidget(self.progress)
        layout.addWidget(self.result)
        state.data_ready.connect(self._data_ready)
        state.network_changed.connect(lambda _net: self._update_buttons())
        self._build_shortcuts()
        self._refresh()

    def _build_shortcuts(self) -> None:
        """Keys 0-9 keep the drawing, Delete removes the selected digit: only while the panel is shown."""
        for digit in range(10):
            action = QAction(self)
            action.setShortcut(QKeySequence(str(digit)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _checked=False, d=digit: self.keep(d))
            self.addAction(action)
        delete = QAction(self)
        delete.setShortcuts([QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence("Backspace")])
        delete.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        delete.triggered.connect(self.delete_selected)
        self.addAction(delete)

    def _button(self, text: str, tip: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(slot)
        return button

    def _open_store(self, path: Path) -> DigitStore:
        """The store at ``path``; an unreadable file is kept aside (renamed), never overwritten."""
        try:
            return DigitStore.open(path)
        except DigitFileError as exc:
            aside = path.with_name(f"{path.stem}.unreadable{path.suffix}")
            try:
                path.replace(aside)
                kept = f"It was kept as {aside.name}; a new collection starts."
                store = DigitStore(path)
            except OSError:
                kept = "Your new digits are not saved until it is moved away."
                store = DigitStore(path, autosave=False)
            message = f"{exc}. {kept}"
            QTimer.singleShot(0, self, lambda: self.show_error("Cannot read your digits", message))  # once shown
            return store

    # --- keeping and deleting ------------------------------------------------------------------------
    def keep(self, digit: int) -> bool:
        """Keep the drawing on the canvas as an example of ``digit`` and clear the canvas."""
        canvas = self.canvas.array()
        if not canvas.any():
            self.result.setText(f"Draw {a_digit(digit)} first, then keep it.")
            return False
        try:
            self.store.add(canvas_to_mnist(canvas), digit)
        except (ValueError, DigitFileError) as exc:
            self.show_error("Cannot keep this digit", str(exc))
            return False
        self.canvas.clear()
        self._refresh()
        self.rows.select(len(self.store) - 1)
        self.scroll.ensureWidgetVisible(self.rows, 0, 0)
        rect = self.rows.tile_rect(len(self.store) - 1)
        self.scroll.ensureVisible(rect.center().x(), rect.center().y(), 40, 20)
        self.result.setText(f"Kept as {a_digit(digit)}: {self.store.counts()[digit]} of them.")
        return True

    def delete_selected(self) -> None:
        index = self.rows.current
        if index < 0:
            return
        try:
            self.store.remove(index)
        except DigitFileError as exc:
            self.show_error("Cannot delete this digit", str(exc))
        self.rows.current = -1
        self._refresh()

    def import_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import digits", str(Path.home()), DIGITS_FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path) -> int | None:
        try:
            added = self.store.import_file(path)
        except DigitFileError as exc:
            self.show_error("Cannot import digits", str(exc))
            return None
        self._refresh()
        self.result.setText(f"Imported {added} digit{'s' if added != 1 else ''} from {Path(path).name}.")
        return added

    def export_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export digits", str(Path.home() / "my-digits.npz"),
                                              DIGITS_FILTER)
        if path:
            self.export_file(path)

    def export_file(self, path) -> bool:
        try:
            self.store.export(path)
        except DigitFileError as exc:
            self.show_error("Cannot export digits", str(exc))
            return False
        self.result.setText(f"Exported {len(self.store)} digits to {Path(path).name}.")
        return True

    # --- fine-tuning ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.job is not None

    def fine_tune(self) -> None:
        """Start fine-tuning the active network on the kept digits (once MNIST is loaded)."""
        if self.running or self.state.network is None or len(self.store) < MIN_DIGITS:
            return
        if self.state.data is None:
            self._start_when_data = True
            self.result.setText("Loading the MNIST digits to mix in…")
            self.state.request_data()
            return
        self.previous = (self.state.network, self.state.network_label, self.state.network_path)
        network = self.state.network.copy()  # (copied here: the GUI thread runs the active one)
        images, labels, data = self.store.images.copy(), self.store.labels.copy(), self.state.data
        self.results = None
        self.progress.show()
        self.progress.setRange(0, 0)
        self.progress.setFormat("Fine-tuning…")
        self.result.setText(f"Fine-tuning on {len(labels)} of your digits, mixed with MNIST…")
        epochs = self.epochs
        self.job = jobs.Loop(lambda: fine_tune_steps(network, images, labels, data, epochs), interval=0.1, owner=self)
        self.job.on(self.job.reported, self._reported).on(self.job.ended, self._ended)
        self.job.start()
        self._update_buttons()

    def cancel(self) -> None:
        if self.job is not None:
            self.job.stop()

    def _data_ready(self, _data) -> None:
        if self._start_when_data:
            self._start_when_data = False
            self.fine_tune()

    def _reported(self, items, _snapshot) -> None:
        for item in items:
            if item[0] == "done":
                self._finished(item[1], item[2])
            else:
                kind, done, total = item
                self.progress.setRange(0, total)
                self.progress.setValue(done)
                self.progress.setFormat(f"{'Fine-tuning' if kind == 'train' else 'Measuring'}: %p%")

    def _ended(self, reason: str) -> None:
        self.job = None
        if reason == "stopped" and self.results is None:
            self.result.setText("Cancelled: the network is as it was.")
            self.previous = None
        elif reason.startswith("error"):
            self.result.setText("")
            self.show_error("Fine-tuning failed", reason.removeprefix("error: "))
            self.previous = None
        self.progress.hide()
        self._update_buttons()

    def _finished(self, tuned, results: dict) -> None:
        self.results = results
        _old, label, _path = self.previous
        self.state.set_network(tuned, f"{label} + your digits" if label else "Fine-tuned on your digits")
        self.result.setText(self._results_text(results))

    @staticmethod
    def _results_text(r: dict) -> str:
        held = (f"your {r['held']} held-out digits: {percent(r['held_before'], 0)} → "
                f"<b>{percent(r['held_after'], 0)}</b>" if r["held"] else
                theme.coloured(f"your digits: none held out (keep {round(1 / HELD_OUT)} of a digit)", theme.MUTED))
        test = f"MNIST test images: {percent(r['test_before'])} → <b>{percent(r['test_after'])}</b>"
        note = "<br>" + theme.coloured(r["diverged"], theme.WARNING) if r.get("diverged") else ""
        return f"Fine-tuned. Before → after:<br>{held}<br>{test}{note}"

    def revert(self) -> None:
        """Make the network from before the last fine-tuning active again."""
        if self.previous is None:
            return
        network, label, path = self.previous
        self.previous = None
        self.state.set_network(network, label, path)
        self.result.setText("Back to the network before fine-tuning.")
        self._update_buttons()

    # --- views ---------------------------------------------------------------------------------------
    def _refresh(self) -> None:
        self.rows.set_digits(self.store.images, self.store.labels)
        n = len(self.store)
        self.intro.setText(f"<b>{n} digit{'s' if n != 1 else ''}</b> kept. Draw a digit, then press its key "
                           f"(0–9) or click it below to keep it.")
        self._update_buttons()

    def _update_buttons(self) -> None:
        running = self.running
        enough = len(self.store) >= MIN_DIGITS
        self.tune_button.setEnabled(not running and enough and self.state.network is not None)
        self.tune_button.setToolTip("Train a copy of the network on your digits mixed with MNIST" if enough
                                    else f"Keep at least {MIN_DIGITS} digits first")
        self.cancel_button.setEnabled(running)
        self.revert_button.setEnabled(not running and self.previous is not None and self.results is not None)
        selected = self.rows.current
        self.delete_button.setEnabled(selected >= 0)
        self.selection.setText(f"Selected: {a_digit(self.store.labels[selected])}" if selected >= 0
                               else "Click a digit to select it")
        self.export_button.setEnabled(len(self.store) > 0)
