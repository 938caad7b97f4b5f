"""NNDL Explorer's core: the book's networks in NumPy. Never imports Qt."""
