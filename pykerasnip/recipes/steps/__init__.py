"""One module per family of recipes steps; importing them fills :data:`base.STEPS`."""
from . import transforms  # noqa: F401
