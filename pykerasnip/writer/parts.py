"""R trees of the parts of a pykerasnip object: R's own tree for a part read from R and
left unchanged, the part's ``to_r()`` otherwise; shallow copies of R lists with some
elements replaced (R's trees are shared, never modified)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UnsupportedObjectError
from ..io import to_tree
from ..rds import nodes as n


def r_form(obj: Any, what: str) -> Any:
    """The R tree of a pykerasnip part: R's own when it was read from R and is unchanged,
    else its ``to_r()``. Raises when the part has neither."""
    if getattr(obj, "r_node", None) is None and not callable(getattr(obj, "to_r", None)):
        raise UnsupportedObjectError(
            f"cannot write the {what} ({type(obj).__name__}) to R: it was not read from R "
            f"and has no to_r()")
    return to_tree(obj)


def copy_with(node: n.List, changes: Mapping[str, Any]) -> n.List:
    """A shallow copy of an R list with the named elements replaced (``node`` itself and
    the objects it shares stay untouched)."""
    copy = n.List(list(node.data), node.attributes, node.levels, node.is_object)
    for key, value in changes.items():
        copy[key] = value
    return copy
