"""What the Train tab saves, and the dialogs that ask where: a run's network (.npz), runs as CSV (one
row per epoch) and the plots as PNG. Every file is written atomically: a save that fails leaves an
earlier file as it was."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app.train.runs import Run, atomic_path, write_csv
from core.io import ModelFileError, save_network
from core.network import Network


def ask_path(parent: QWidget, title: str, name: str, kinds: str, suffix: str | None = None) -> str | None:
    """A path chosen in a save dialog that starts in the home folder at ``name`` (None if cancelled);
    ``suffix`` is added when the name chosen lacks it."""
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path.home() / name), kinds)
    if not path:
        return None
    return path if suffix is None or path.lower().endswith(suffix) else path + suffix


def save_run_network(parent: QWidget, shared, net: Network, path: str | Path) -> bool:
    """Save ``net`` (a copy of a run's network); a failure is explained in a message box."""
    try:
        save_network(net, path)
    except ModelFileError as exc:
        QMessageBox.warning(parent, "Cannot save the network", str(exc))
        return False
    shared.status.emit(f"Saved {Path(path).name}")
    return True


def save_dialog_name(run: Run) -> str:
    return f"{run.plan.preset.name if run.plan.preset else 'custom'}-run{run.id}.npz"


def export_csv_dialog(parent: QWidget, runs: list[Run]) -> None:
    path = ask_path(parent, "Export runs as CSV", "nndl-runs.csv", "CSV files (*.csv)")
    if path:
        try:
            write_csv(runs, path)
        except OSError as exc:
            QMessageBox.warning(parent, "Cannot export", f"Could not write {path}: {exc.strerror or exc}")


def export_png(widget: QWidget, path: str | Path) -> bool:
    """``widget`` as it is on screen, as a PNG."""
    image = widget.grab()
    try:
        with atomic_path(path) as tmp:
            if not image.save(str(tmp), "PNG"):
                raise OSError(f"could not encode {Path(path).name}")
    except OSError:
        return False
    return True


def export_png_dialog(parent: QWidget, widget: QWidget) -> None:
    path = ask_path(parent, "Export plots as PNG", "nndl-curves.png", "PNG images (*.png)", ".png")
    if path and not export_png(widget, path):
        QMessageBox.warning(parent, "Cannot export", f"Could not write {path}.")
