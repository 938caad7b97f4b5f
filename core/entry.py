"""The ``nndl`` command's entry point (``python -m core`` too).

It installs the signal handling (``core.interrupts``) before anything heavy is imported, so a
Ctrl-C while NumPy and the rest load ends with one line and exit status 130, not a traceback.
"""
from __future__ import annotations

import sys

from core import interrupts


def main(argv: list[str] | None = None) -> int:
    """Run ``nndl`` with ``argv`` (default: the command line). Called without ``argv`` it is the
    program itself, about to exit: Ctrl-C and SIGTERM stay ignored after it returns."""
    replaced = interrupts.install()
    try:
        try:
            from core import cli  # imported here, not above: a Ctrl-C during these imports is caught below
        except Exception:
            interrupts.check()  # a Ctrl-C inside a C extension's import comes out as an ImportError
            raise
        interrupts.check()
        return cli.main(argv)
    except KeyboardInterrupt as exc:
        status = interrupts.handled(exc)
        print(f"nndl: {interrupts.describe(exc)}", file=sys.stderr)
        return status
    finally:
        interrupts.restore(replaced, exiting=argv is None)
