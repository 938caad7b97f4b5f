"""One BLAS thread for the Draw tab's products: they are tiny (one or two images), and waking a
second BLAS thread costs more than it saves; on a busy machine, waiting for it costs tens of
milliseconds."""
from __future__ import annotations

from functools import cache

from threadpoolctl import ThreadpoolController


@cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()  # (made once: it inspects the loaded libraries)


def one_blas_thread():
    """A context in which BLAS uses one thread."""
    return _controller().limit(limits=1, user_api="blas")
