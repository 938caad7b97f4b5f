"""How many threads BLAS (NumPy's matrix products) may use in the app's process.

The GUI thread needs a core of its own: while a run trains, BLAS gets one fewer thread than there are
cores (``leave_a_core``). On a 2-core machine with any other work on it, two BLAS threads wait for
each other: a Gradients experiment's full-batch epoch (1,000 images) took 24-230 ms with two threads
and 3.4-5 ms with one. The Draw tab's products are tiny (one or two images): waking a second thread
costs more than it saves (``one_blas_thread``)."""
from __future__ import annotations

import os
from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # (made once: it inspects the loaded libraries)


def one_blas_thread():
    """A context in which BLAS uses one thread."""
    return _controller().limit(limits=1, user_api="blas")


def leave_a_core():
    """BLAS limited to one thread fewer than the machine's cores (at least one); the returned object's
    ``restore_original_limits()`` undoes it."""
    return _controller().limit(limits=max(1, (os.cpu_count() or 1) - 1), user_api="blas")
