"""``python -m core ...`` is the ``nndl`` command."""
import sys

from core.entry import main

sys.exit(main())
