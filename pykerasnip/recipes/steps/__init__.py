"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import binning, combine, naming, recode, removals, rows, text, times, transforms  # noqa: F401
