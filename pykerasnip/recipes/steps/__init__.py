"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import combine, recode, times, transforms  # noqa: F401
