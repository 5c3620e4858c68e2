"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import (binning, classdist, combine, extract, functions, impute_bag,  # noqa: F401
               impute_more, kernel, naming, profile, projections, recode, removals, rows,
               splines, text, times, transforms, window)
