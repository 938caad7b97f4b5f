"""MNIST for the Gradients tab's pages: now if the shared state has it, else once it has loaded."""
from __future__ import annotations

from collections.abc import Callable

from app import theme
from core.data import MNIST


def when_data_ready(state, ready: Callable[[MNIST], None], failed: Callable[[str], None]) -> None:
    """Call ``ready(data)`` as soon as the shared MNIST is there (at once if it already is), or
    ``failed(message)`` if it cannot be loaded. Each call is answered once."""
    if state.data is not None:
        ready(state.data)
        return

    def on_ready(data):
        disconnect()
        ready(data)

    def on_failed(message):
        disconnect()
        failed(message)

    def disconnect():
        state.data_ready.disconnect(on_ready)
        state.data_failed.disconnect(on_failed)

    state.data_ready.connect(on_ready)
    state.data_failed.connect(on_failed)
    state.request_data()


def start_with_data(state, buttons, status, start: Callable[[MNIST], None]) -> None:
    """Call ``start(data)`` once MNIST is there; meanwhile ``buttons`` (a page's Run buttons) wait and
    ``status`` (a label) says that it loads, then why not if it cannot."""
    buttons.setEnabled(False)
    status.setText("Loading MNIST…")

    def ready(data: MNIST) -> None:
        buttons.setEnabled(True)
        start(data)

    def failed(message: str) -> None:
        buttons.setEnabled(True)
        status.setText(f"<span style='color:{theme.ERROR}'>Cannot load MNIST: {message}</span>")

    when_data_ready(state, ready, failed)
