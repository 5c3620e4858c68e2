"""bundle / unbundle, as R's bundle package does them for workflows and model fits.

On the R side a bundle is ``list(object = <payload>, situate = <closure>)`` with class
``c("bundled_<kind>", "bundle")``; a bundled workflow also bundles its model fit and its
trained recipe. Reading only needs to unwrap; writing builds the same shapes (see
:mod:`pykerasnip.writer`). For kerasnip a bundle adds no state: the weights already travel
as ``.keras`` bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .rds.nodes import List


@dataclass
class Bundle:
    """A bundled workflow or model fit: ``object`` is the Python object inside."""

    object: Any

    def unbundle(self) -> Any:
        return self.object

    def to_r(self) -> Any:
        """R's ``bundle()`` of the object (:mod:`pykerasnip.writer`)."""
        from .writer import bundle_to_r

        return bundle_to_r(self.object)

    def predict(self, new_data, type: str | None = None, level: float = 0.95, **kwargs):
        """Predict with the bundled object (as R's ``predict(unbundle(b), ...)``)."""
        return self.object.predict(new_data, type=type, level=level, **kwargs)


def bundle(obj: Any) -> Bundle:
    """Wrap a fitted :class:`~pykerasnip.workflow.Workflow` or ``ModelFit`` as a bundle."""
    return obj if isinstance(obj, Bundle) else Bundle(obj)


def unbundle(obj: Any) -> Any:
    """The object inside a :class:`Bundle`; anything else unchanged (as R's ``unbundle``)."""
    return obj.object if isinstance(obj, Bundle) else obj


def is_r_bundle(node: Any) -> bool:
    """Is this R tree a bundle (``list(object, situate)`` of class ``bundle``)?"""
    return isinstance(node, List) and node.inherits("bundle") and "object" in node


def unbundle_r(node: Any) -> Any:
    """The payload of an R bundle (through nested bundles); anything else unchanged.
    Inside a bundled workflow the model fit and the trained recipe are bundles too:
    readers pass those through this function as they reach them."""
    while is_r_bundle(node):
        node = node["object"]
    return node
