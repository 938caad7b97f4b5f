"""MNIST for the Gradients tab's pages: now if the shared state has it, else once it has loaded."""
from __future__ import annotations

from typing import Callable

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
