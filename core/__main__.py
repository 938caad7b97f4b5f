"""``python -m core ...`` is the ``nndl`` command."""
import sys

from core.cli import main

sys.exit(main())
