"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import recode, transforms  # noqa: F401
