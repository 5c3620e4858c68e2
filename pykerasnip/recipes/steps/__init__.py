"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import (binning, combine, extract, functions, impute_bag, impute_more,  # noqa: F401
               kernel, naming, profile, projections, recode, removals, rows, splines, text,
               times, transforms)
