"""Helpers on R trees that reading and writing share.

* Structural checks before a stored tree is interpreted: a decodable file may still hold
  a list whose names do not match its elements, a data frame whose columns differ in
  length, a record without a field every R object of its class has, or a number out of
  range. These helpers refuse such trees with :class:`MalformedObjectError`, naming the
  object, before the code that reads them meets the problem as an index or key error.
* Quosures, bundles and shallow list copies (R's trees are shared, never modified).
* :func:`to_tree`: the R tree of any pykerasnip object or Python value.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from collections.abc import Mapping

from .convert import from_python, strings, to_pandas
from .errors import MalformedObjectError, UnsupportedObjectError
from .rds import nodes as n


def _check_names(node: n.Vector, what: str) -> None:
    names = n.plain(node.attr("names"))
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
    column = n.plain(column)
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
    row_names = n.plain(node.attr("row.names"))
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


def frame(node: Any, what: str, columns: tuple[str, ...] = (), distinct: bool = True) -> pd.DataFrame:
    """An R data frame as a DataFrame, once its columns are vectors of one length
    (that of its row names), ``columns`` are among them and (``distinct``, as in every
    frame tidymodels stores) no name is used twice."""
    record(node, what, ())
    names = _check_frame(node, what)
    missing = [c for c in columns if c not in names]
    if missing:
        raise MalformedObjectError(f"{what} has no column {', '.join(missing)}")
    twice = sorted({name for name in names if names.count(name) > 1}, key=str) if distinct else []
    if twice:
        raise MalformedObjectError(f"{what} names column {', '.join(map(repr, twice))} twice")
    return to_pandas(node)


def numbers(node: Any, what: str, doubles: bool = False) -> np.ndarray:
    """A numeric R vector's values (float64), all finite; ``doubles``: stored as doubles,
    as R computes them (an integer there is not something R wrote)."""
    node = n.plain(node)
    kinds = (n.Real,) if doubles else (n.Real, n.Integer)
    if not isinstance(node, kinds) or node.inherits("factor"):
        kind = "double" if doubles else "numeric"
        raise MalformedObjectError(f"{what} must be a {kind} vector, not {type(node).__name__}")
    values = node.data.astype(np.float64)  # the values, whatever names or dimnames they carry
    if isinstance(node, n.Integer):
        values[node.data == n.NA_INTEGER] = np.nan
    if not np.isfinite(values).all():
        raise MalformedObjectError(f"{what} holds NA, NaN or infinite values")
    return values


def number(node: Any, what: str, low: float, strict: bool = True, doubles: bool = False) -> float:
    """One finite number above ``low`` (or at least ``low`` when not ``strict``)."""
    values = numbers(node, what, doubles)
    if len(values) != 1:
        raise MalformedObjectError(f"{what} must be one number, not {len(values)}")
    value = float(values[0])
    if value < low or (strict and value == low):
        raise MalformedObjectError(f"{what} is {value}; it must be {'>' if strict else '>='} {low}")
    return value


def count(node: Any, what: str) -> int | None:
    """An optional positive whole number."""
    if node is None:
        return None
    value = number(node, what, 1, strict=False)
    if not value.is_integer():
        raise MalformedObjectError(f"{what} is {value}; it must be a whole number")
    return int(value)


def labels(node: Any, what: str) -> list[str]:
    """A character vector of distinct, non-missing labels (factor levels)."""
    node = n.plain(node)
    if not isinstance(node, n.Str):
        raise MalformedObjectError(f"{what} must be a character vector, not "
                                   f"{type(node).__name__}")
    try:
        values = strings(node)
    except UnsupportedObjectError as exc:
        raise MalformedObjectError(f"{what}: {exc}") from exc
    if None in values and len(set(values)) == len(values):
        raise UnsupportedObjectError(f"{what} include an NA level (addNA()): a factor with an "
                                     "NA level has no pandas equivalent")
    if not values or None in values or len(set(values)) != len(values):
        raise MalformedObjectError(f"{what} must be distinct, non-missing labels; got {values}")
    return values


def raw_bytes(node: Any, what: str) -> bytes | None:
    """The bytes of an optional raw vector."""
    if node is None:
        return None
    if not isinstance(node, n.Raw):
        raise MalformedObjectError(f"{what} must be a raw vector, not {type(node).__name__}")
    return node.data


def required(node: n.List, name: str, what: str) -> Any:
    """Element ``name`` of a record, which must be there."""
    value = node.get(name)
    if value is None:
        raise MalformedObjectError(f"{what} has no {name!r}")
    return value


def quosure_expr(q: Any) -> Any:
    """The expression inside an rlang quosure (``~expr``); other values unchanged."""
    if isinstance(q, n.Lang) and isinstance(q.function, n.Sym) and q.function.name == "~":
        return q.cdr.car if isinstance(q.cdr, n.Cons) else None
    return q


def copy_with(node: n.List, changes: Mapping[str, Any]) -> n.List:
    """A shallow copy of an R list with the named elements replaced (``node`` itself and
    the objects it shares stay untouched)."""
    copy = n.List(list(node.data), node.attributes, node.levels, node.is_object)
    for key, value in changes.items():
        copy[key] = value
    return copy


def is_r_bundle(node: Any) -> bool:
    """Is this R tree a bundle (``list(object, situate)`` of class ``bundle``)?"""
    return isinstance(node, n.List) and node.inherits("bundle") and "object" in node


def unbundle_r(node: Any) -> Any:
    """The payload of an R bundle (through nested bundles); anything else unchanged.
    Inside a bundled workflow the model fit and the trained recipe are bundles too:
    readers pass those through this function as they reach them."""
    while is_r_bundle(node):
        node = node["object"]
    return node


def to_tree(obj: Any) -> Any:
    """The R tree for a pykerasnip object (R's own when it was read from R and is
    unchanged, else its ``to_r()``) or a Python value."""
    if isinstance(obj, n.RObject) or obj is None:
        return obj
    if getattr(obj, "r_node", None) is not None:
        return obj.r_node
    to_r = getattr(obj, "to_r", None)
    if callable(to_r):
        return to_r()
    return from_python(obj)


def r_form(obj: Any, what: str) -> Any:
    """:func:`to_tree` of a pykerasnip part, which must have been read from R or have a
    ``to_r()``."""
    if getattr(obj, "r_node", None) is None and not callable(getattr(obj, "to_r", None)):
        raise UnsupportedObjectError(
            f"cannot write the {what} ({type(obj).__name__}) to R: it was not read from R "
            f"and has no to_r()")
    return to_tree(obj)
