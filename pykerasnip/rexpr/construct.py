"""Builtins that build vectors: ``c``, ``from:to``, ``list``, and ``(``/``I``."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ..errors import ForgeError
from .evaluator import builtin
from .values import COERCE, INT_MAX, RVector, as_double, common_kind


@builtin("(", "I", "offset")
def _identity(x: RVector) -> RVector:
    """``(x)``, ``I(x)`` and ``stats::offset(x)``: ``x`` itself."""
    return x


@builtin(":")
def _colon(start: RVector, end: RVector) -> RVector:
    """``from:to``: integers when ``from`` is a whole number in integer range, else doubles;
    of a longer ``from`` or ``to``, the first value, with R's warning."""
    a, z = (float(_first(as_double(bound))) for bound in (start, end))
    if np.isnan(a) or np.isnan(z):
        raise ForgeError("NA/NaN argument to ':'")
    values = a + np.arange(int(abs(z - a) + 1e-10) + 1) * (1 if z >= a else -1)
    whole = a == int(a) and abs(a) <= INT_MAX and abs(values[-1]) <= INT_MAX
    return pd.array(values.astype("int64"), dtype="Int32") if whole else values


def _first(values: np.ndarray) -> float:
    if len(values) != 1:
        if not len(values):
            raise ForgeError("argument of length 0 (in ':')")
        warnings.warn(f"numerical expression has {len(values)} elements: only the first used", UserWarning,
                      stacklevel=5)
    return values[0]


@builtin("c")
def combine(*values: RVector) -> RVector:
    """``c(...)``: the values coerced to their common type, concatenated."""
    if not values:
        return np.array([], dtype=float)
    target = common_kind(list(values))
    parts = [COERCE[target](v) for v in values]
    if target in ("logical", "integer"):
        return type(parts[0])._concat_same_type(parts)
    return np.concatenate(parts)


@builtin("list")
def _list(*values: RVector, **named: RVector) -> dict[str, RVector]:
    return {**{str(i): v for i, v in enumerate(values)}, **named}
