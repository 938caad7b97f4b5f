"""NNDL Explorer's core: the book's networks in NumPy. Never imports Qt."""

__version__ = "0.1.0"  # the one place the version is written (pyproject.toml reads it from here)

#: which project this ``core`` package belongs to: ``nndl_explorer`` checks it, since ``core`` is a
#: name other packages use too
DISTRIBUTION = "nndl-explorer"
