"""The Principles tab: the maths of chapters 1-3 with every number visible (see ``tab.py``)."""
