"""Navigating R trees: :class:`RList` (an R list in Python), element paths
(:func:`r_get`) and the readers of stored values (:func:`scalar`, :func:`flag`,
:func:`strings`)."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidStringError, UnsupportedObjectError
from ..rds.nodes import (NA_INTEGER, Complex, Cons, Environment, Integer, List, Logical, Raw, Real,
                         RObject, Str, Sym, is_na_real, nested_repr, plain)

#: R's atomic vector types
ATOMIC = (Logical, Integer, Real, Complex, Str)
_MISSING = object()
#: Python's stand-ins for bytes that are not UTF-8 (surrogate escapes)
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def checked_strings(values: "list[str | None] | None", what: str) -> "list[str | None] | None":
    """``values`` unchanged, or an :class:`InvalidStringError` naming the first element
    whose bytes were not valid UTF-8 (R reads such strings and prints them with
    ``\\x`` escapes; a Python ``str`` cannot hold them, so they are refused rather than
    passed on as lone surrogates)."""
    if values is None:
        return None
    present = [v for v in values if v is not None]
    joined = "".join(present)
    if joined.isascii() or _UNDECODABLE.search(joined) is None:
        return values
    for i, value in enumerate(values):
        if value is not None and _UNDECODABLE.search(value):
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            raise InvalidStringError(what, i, shown)
    return values


class RList:
    """An R list: values in order, optional names, other attributes in ``attrs``.

    Index by position or by name (the first element with that name, like R's ``[[``);
    iterating yields the values.
    """

    __slots__ = ("_values", "names", "attrs")

    def __init__(self, values: list, names: "list[str | None] | None" = None,
                 attrs: dict[str, Any] | None = None):
        self._values = list(values)
        self.names = None if names is None else list(names)
        self.attrs = dict(attrs or {})

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __getitem__(self, key: "int | str") -> Any:
        if isinstance(key, str):
            value = self.get(key, _MISSING)
            if value is _MISSING:
                raise KeyError(key)
            return value
        return self._values[key]

    def __contains__(self, name: object) -> bool:
        return name in (self.names or [])

    def get(self, name: str, default: Any = None) -> Any:
        """The first element named ``name`` (``default`` when there is none)."""
        if self.names is None or name not in self.names:
            return default
        return self._values[self.names.index(name)]

    def keys(self) -> "list[str | None]":
        return self.names if self.names is not None else [None] * len(self._values)

    def items(self) -> Iterator[tuple["str | None", Any]]:
        return zip(self.keys(), self._values)

    def __repr__(self) -> str:
        shown = ", ".join(f"{k}={nested_repr(v)}" if k else nested_repr(v)
                          for k, v in list(self.items())[:6])
        more = ", ..." if len(self) > 6 else ""
        return f"RList({shown}{more}{', attrs=' + repr(list(self.attrs)) if self.attrs else ''})"


def _na_mask(node: RObject) -> np.ndarray:
    if isinstance(node, (Integer, Logical)):
        return node.data == NA_INTEGER
    if isinstance(node, Real):
        return is_na_real(node.data)
    if isinstance(node, Complex):
        return is_na_real(node.data.real)
    return np.array([v is None for v in node.data], dtype=bool)


def py_values(node: RObject, stop: int | None = None) -> list:
    """Elements as Python scalars, ``None`` for NA (factor elements as their labels)."""
    if node.inherits("factor"):
        levels = strings(node.attr("levels"))
        return [None if c == NA_INTEGER else levels[c - 1] for c in node.data[:stop].tolist()]
    if isinstance(node, Str):
        return list(checked_strings(node.data, "character vector")[:stop])
    if isinstance(node, Raw):
        return list(node.data[:stop])
    values = node.data[:stop].tolist()
    if isinstance(node, Logical):
        values = [bool(v) for v in values]
    return [None if na else v for v, na in zip(values, _na_mask(node)[:stop].tolist())]


def _child(node: Any, key: "str | int") -> Any:
    node = plain(node)
    if isinstance(key, int):
        if isinstance(node, (List, RList, Cons)) and -len(node) <= key < len(node):
            return node[key]
        return _MISSING
    if isinstance(node, (List, RList, Cons, Environment)):
        return node.get(key, _MISSING)
    return _MISSING


def r_get(node: Any, *path: "str | int", default: Any = None) -> Any:
    """Follow ``path`` (element names or positions) through lists, pairlists and
    environments; ``default`` as soon as a step is missing."""
    for key in path:
        node = _child(node, key)
        if node is _MISSING:
            return default
    return node


def scalar(node: Any) -> Any:
    """The first element of an atomic vector as a Python scalar (a factor's label);
    ``None`` for NULL, an empty vector or NA."""
    node = plain(node)
    if node is None:
        return None
    if not isinstance(node, (*ATOMIC, Raw)):
        raise UnsupportedObjectError(f"expected an atomic R vector, got {node!r}")
    values = py_values(node, 1)
    return values[0] if values else None


def flag(node: Any, default: bool = False) -> bool:
    """An R logical scalar (a stored TRUE/FALSE setting) as ``bool``; ``default`` for
    NULL, an empty vector or NA."""
    value = scalar(node)
    return default if value is None or pd.isna(value) else bool(value)


def strings(node: Any) -> "list[str | None]":
    """A character vector (or factor, or symbol) as a list of ``str`` (``None`` = NA);
    ``[]`` for NULL."""
    node = plain(node)
    if node is None:
        return []
    if isinstance(node, Sym):
        return [node.name]
    if isinstance(node, Str) or (isinstance(node, Integer) and node.inherits("factor")):
        return py_values(node)
    raise UnsupportedObjectError(f"expected an R character vector, got {node!r}")
