"""NNDL Explorer: ``python main.py`` opens the app, like the ``nndl-explorer`` command (and takes the
same options: ``--version``, ``--install-desktop-entry``, ...)."""
from __future__ import annotations

import sys

from nndl_explorer import gui


def main() -> int:
    return gui()


if __name__ == "__main__":
    sys.exit(main())
