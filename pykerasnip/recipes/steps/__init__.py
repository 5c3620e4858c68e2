"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import binning, combine, recode, times, transforms  # noqa: F401
