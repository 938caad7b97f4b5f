"""NNDL Explorer: ``python main.py`` opens the app (the ``nndl-explorer`` command does the same)."""
from __future__ import annotations

import sys


def main() -> int:
    from app.main_window import run

    return run()


if __name__ == "__main__":
    sys.exit(main())
