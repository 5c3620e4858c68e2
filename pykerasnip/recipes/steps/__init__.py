"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import (binning, combine, extract, impute_more, naming, recode, removals, rows, text,  # noqa: F401
               times, transforms)
