"""Structural checks of stored R lists and data frames before they are interpreted.

A decodable file may still hold a list whose names do not match its elements, a data
frame whose columns differ in length, or a record without a field every R object of
its class has. These helpers refuse such trees with :class:`MalformedObjectError`,
naming the object, before the code that reads them meets the problem as an index or
key error.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .convert import to_pandas
from .errors import MalformedObjectError
from .rds import nodes as n


def _check_names(node: n.Vector, what: str) -> None:
    names = node.attr("names")
    if names is not None and (not isinstance(names, n.Str) or len(names) != len(node.data)):
        raise MalformedObjectError(f"{what} has {len(node.data)} elements but "
                                   f"{len(names) if isinstance(names, n.Str) else 'no valid'} names")


def record(node: Any, what: str, fields: tuple[str, ...] = ()) -> n.List:
    """``node`` as an R list whose names match its elements and hold ``fields``."""
    if not isinstance(node, n.List):
        raise MalformedObjectError(f"{what} must be an R list, not {type(node).__name__}")
    _check_names(node, what)
    missing = [f for f in fields if node.get(f) is None]
    if missing:
        raise MalformedObjectError(f"{what} has no {', '.join(missing)}")
    return node


def check_lists(root: Any, what: str) -> None:
    """Every R vector in ``root`` (and in its attributes) has as many names as
    elements, and every data frame columns of one length; closures and environments,
    which are never read, are not entered."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, n.RObject) or id(node) in seen or isinstance(
                node, (n.Closure, n.Environment, n.Bytecode, n.Builtin)):
            continue
        seen.add(id(node))
        if isinstance(node, n.Vector) and not isinstance(node, n.Raw):
            _check_names(node, f"a vector in {what}")
        if node.inherits("factor") and not isinstance(node, n.AltRep):  # ALTREP: lazy
            _check_factor(node, f"a vector in {what}")
        if isinstance(node, n.List):
            if node.inherits("data.frame"):
                _check_frame(node, f"a data frame in {what}")
            stack.extend(node.data)
        elif isinstance(node, n.Cons):
            stack.extend(cell.car for cell in node.cells())
        if node.attributes is not None:
            stack.extend(cell.car for cell in node.attributes.cells())


def named(node: Any, what: str) -> n.List:
    """An R list whose every element has a name (a mapping such as per-column levels)."""
    record(node, what)
    if len(node.data) and (node.names is None or None in node.names or "" in node.names):
        raise MalformedObjectError(f"{what} must name every element")
    return node


def _rows(column: Any, what: str, name: str) -> int:
    if isinstance(column, n.AltRep):
        column = column.expand()
    if not isinstance(column, n.Vector):
        raise MalformedObjectError(f"{what}: column {name!r} is not a vector "
                                   f"({type(column).__name__})")
    dim = column.attr("dim")
    if dim is not None:
        if not isinstance(dim, (n.Integer, n.Real)) or len(dim) != 2:
            raise MalformedObjectError(f"{what}: matrix column {name!r} has a malformed dim")
        return int(dim.data[0])
    return len(column)


def _declared_rows(node: n.List, what: str) -> int | None:
    row_names = node.attr("row.names")
    if row_names is None:
        return None
    if not isinstance(row_names, (n.Integer, n.Str, n.Real)):
        raise MalformedObjectError(f"{what} has row names of type {type(row_names).__name__}")
    if isinstance(row_names, n.Integer) and len(row_names) == 2 and row_names.data[0] == n.NA_INTEGER:
        return abs(int(row_names.data[1]))
    return len(row_names)


def _check_factor(node: Any, what: str) -> None:
    """A factor: integer codes within its character levels (or NA)."""
    levels = node.attr("levels")
    if not isinstance(node, n.Integer) or not isinstance(levels, n.Str):
        raise MalformedObjectError(f"{what} is a factor without integer codes and character levels")
    if len(set(levels.data)) != len(levels) or None in levels.data:
        raise MalformedObjectError(f"{what} is a factor with duplicated or missing levels")
    codes = np.asarray(node.data)
    valid = (codes == n.NA_INTEGER) | ((codes >= 1) & (codes <= len(levels)))
    if not valid.all():
        raise MalformedObjectError(f"{what} is a factor with codes outside its {len(levels)} levels")


def _check_frame(node: n.List, what: str) -> list[str]:
    """A data frame's column names, once its columns are vectors of one length (that
    of its row names)."""
    names = node.names or [""] * len(node.data)
    lengths = {_rows(col, what, name) for name, col in zip(names, node.data)}
    declared = _declared_rows(node, what)
    if len(lengths) > 1 or (declared is not None and lengths and lengths != {declared}):
        raise MalformedObjectError(f"{what} has columns of lengths {sorted(lengths)} for "
                                   f"{declared} rows")
    return names


def frame(node: Any, what: str, columns: tuple[str, ...] = ()) -> pd.DataFrame:
    """An R data frame as a DataFrame, once its columns are vectors of one length
    (that of its row names) and ``columns`` are among them."""
    record(node, what, ())
    names = _check_frame(node, what)
    missing = [c for c in columns if c not in names]
    if missing:
        raise MalformedObjectError(f"{what} has no column {', '.join(missing)}")
    return to_pandas(node)
