"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import binning, combine, naming, recode, removals, text, times, transforms  # noqa: F401
