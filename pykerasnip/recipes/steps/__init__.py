"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import (binning, classdist, combine, extract, functions, impute_more, naming, profile,  # noqa: F401
               recode, removals, rows, text, times, transforms, window)
