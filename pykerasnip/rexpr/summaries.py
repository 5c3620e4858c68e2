"""Builtins: summaries (``mean``, ``var``, ``sd``, ``median``, ``sum``, ``min``, ``max``,
``range``) with R's long-double arithmetic, and dplyr's ``n()``.

Aggregates see the whole column as ``dplyr::mutate`` (ungrouped) passes it -- the batch
being baked -- and give one value that the surrounding arithmetic recycles to every row.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import rmath
from ..errors import UnsupportedObjectError
from .construct import combine
from .evaluator import Context, builtin
from .values import (COERCE, INT_MAX, RVector, is_integer_like, kind, logical_arg, numeric_arg,
                     to_integer)


# Aggregates see the whole column as ``dplyr::mutate`` (ungrouped) passes it -- the batch
# being baked -- and give one value that the surrounding arithmetic recycles to every row.

def _present(values: tuple[RVector, ...], na_rm: RVector | None, what: str) -> np.ndarray | None:
    """The numbers to summarise, or None when the result is NA (an NA and no ``na.rm``)."""
    numbers = np.concatenate([numeric_arg(v, what) for v in values]) if values else np.array([])
    missing = np.isnan(numbers)
    if not missing.any():
        return numbers
    return numbers[~missing] if logical_arg(na_rm) else None


def _all_integer(values: tuple[RVector, ...]) -> bool:
    return all(is_integer_like(v) for v in values)


@builtin("mean")
def _mean(x: RVector, *, na_rm: RVector | None = None) -> np.ndarray:
    """``mean(x, na.rm)``: R's long-double mean (two passes for doubles)."""
    numbers = _present((x,), na_rm, "mean")
    if numbers is None:
        return np.array([np.nan])
    return np.array([rmath.r_mean_one_pass(numbers) if is_integer_like(x) else rmath.r_mean(numbers)])


@builtin("var")
def _var(x: RVector, *, na_rm: RVector | None = None) -> np.ndarray:
    """``var(x, na.rm)``: the sample variance (n - 1); NA below two values."""
    numbers = _present((x,), na_rm, "var")
    return np.array([np.nan if numbers is None else rmath.r_var(numbers)])


@builtin("sd")
def _sd(x: RVector, na_rm: RVector | None = None) -> np.ndarray:
    """``sd(x, na.rm)``: the square root of ``var``."""
    return np.sqrt(_var(x, na_rm=na_rm))


@builtin("median")
def _median(x: RVector, na_rm: RVector | None = None) -> RVector:
    """``median(x, na.rm)``: the middle value keeps x's type; the mean of the two
    middle values (even length) is a double."""
    numbers = _present((x,), na_rm, "median")
    if numbers is None or not len(numbers):
        return COERCE[kind(x)](np.array([np.nan]))
    ordered = np.sort(numbers)
    half = (len(ordered) + 1) // 2
    if len(ordered) % 2:
        return COERCE[kind(x)](ordered[half - 1:half])
    return _mean(COERCE[kind(x)](ordered[half - 1:half + 1]))


@builtin("sum")
def _sum(*values: RVector, na_rm: RVector | None = None) -> RVector:
    """``sum(..., na.rm)``: an integer for integers and logicals (a double when it
    leaves the integer range), otherwise each argument's long-double sum, added up."""
    if _present(values, na_rm, "sum") is None:
        return COERCE["integer" if _all_integer(values) else "double"](np.array([np.nan]))
    parts = [rmath.r_sum(_present((v,), na_rm, "sum")) for v in values]
    total = functools.reduce(lambda a, b: a + b, parts, 0.0)
    if _all_integer(values) and abs(total) <= INT_MAX:
        return to_integer(np.array([total]))
    return np.array([total])


def _extreme(reduce: Callable[[np.ndarray], Any], empty: float) -> Callable[..., RVector]:
    def apply(*values: RVector, na_rm: RVector | None = None) -> RVector:
        numbers = _present(values, na_rm, "min/max")
        integer = _all_integer(values) and (numbers is None or len(numbers) > 0)
        result = np.array([np.nan if numbers is None else reduce(numbers) if len(numbers) else empty])
        return to_integer(result) if integer else result
    return apply


_min = builtin("min")(_extreme(np.min, np.inf))
_max = builtin("max")(_extreme(np.max, -np.inf))


@builtin("range")
def _range(*values: RVector, na_rm: RVector | None = None) -> RVector:
    """``range(..., na.rm)``: ``c(min, max)``."""
    return combine(_min(*values, na_rm=na_rm), _max(*values, na_rm=na_rm))


@builtin("n", lazy=True)
def _n(args: list[tuple[str | None, Any]], ctx: Context) -> pd.arrays.IntegerArray:
    """dplyr's ``n()``: the number of rows being mutated."""
    if args:
        raise UnsupportedObjectError("n() takes no arguments")
    return pd.array([len(ctx.data)], dtype="Int32")
