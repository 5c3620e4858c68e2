"""Builtins that convert types: ``as.numeric``/``as.integer``/``as.character``/
``as.logical``, ``factor``/``as.factor`` and ``cut``."""
from __future__ import annotations

import numpy as np
import pandas as pd

from .. import rmath
from ..errors import ForgeError, UnsupportedObjectError
from ..factor import match
from .evaluator import builtin
from .values import (COERCE, TIME_KINDS, RVector, as_character, as_double, as_logical, kind,
                     logical_arg, numeric_arg, time_like, to_integer)


@builtin("as.numeric", "as.double")
def _as_numeric(x: RVector) -> np.ndarray:
    return as_double(x)


@builtin("as.integer")
def _as_integer(x: RVector) -> pd.arrays.IntegerArray:
    return COERCE["integer"](x)


@builtin("as.character")
def _as_character(x: RVector) -> np.ndarray:
    return as_character(x)


@builtin("as.logical")
def _as_logical(x: RVector) -> pd.arrays.BooleanArray:
    return as_logical(x)


def default_levels(x: RVector) -> list[str]:
    """The levels ``factor(x)`` gives: sorted unique values as R sorts them."""
    k = kind(x)
    if k == "factor":
        return list(x.remove_unused_categories().categories)
    if k == "character":
        return rmath.r_sort_strings(pd.factorize(x)[1])
    if k == "logical":
        present = set(as_character(x))
        return [lvl for lvl in ("FALSE", "TRUE") if lvl in present]
    numbers = np.unique(as_double(x))
    numbers = numbers[~np.isnan(numbers)]
    return list(dict.fromkeys(as_character(time_like(numbers, x) if k in TIME_KINDS else numbers)))


@builtin("factor")
def _factor(x: RVector, levels: RVector | None = None, labels: RVector | None = None,
            ordered: RVector | None = None) -> pd.Categorical:
    level_values = default_levels(x) if levels is None else list(as_character(levels))
    text = pd.Series(x) if kind(x) == "factor" else pd.Series(as_character(x), dtype=object)
    codes = match(text, level_values)
    names = level_values if labels is None else list(as_character(labels))
    is_ordered = logical_arg(ordered)
    return pd.Categorical.from_codes(codes, names, ordered=is_ordered)


def cut_labels(breaks: np.ndarray, right: bool, include_lowest: bool, dig_lab: int) -> list[str]:
    """``cut``'s default interval labels: the fewest digits (from ``dig_lab``) that tell
    the breaks apart, ``(a,b]`` (or ``[a,b)``), the outer end closed by ``include.lowest``."""
    for digits in range(dig_lab, max(12, dig_lab) + 1):
        text = rmath.format_breaks(breaks, digits)
        if all(a != b for a, b in zip(text[:-1], text[1:])):
            break
    else:
        raise UnsupportedObjectError("cut() labels for breaks that 12 digits cannot tell apart")
    opening, closing = ("(", "]") if right else ("[", ")")
    labels = [f"{opening}{a},{b}{closing}" for a, b in zip(text[:-1], text[1:])]
    if include_lowest and labels:
        if right:
            labels[0] = "[" + labels[0][1:]
        else:
            labels[-1] = labels[-1][:-1] + "]"
    return labels


@builtin("cut")
def _cut(x: RVector, breaks: RVector, labels: RVector | None = None,
         include_lowest: RVector | None = None, right: RVector | None = None,
         dig_lab: RVector | None = None, ordered_result: RVector | None = None) -> RVector:
    """``cut`` with explicit breaks (a number of intervals depends on the batch's range
    and is refused)."""
    edges = np.sort(numeric_arg(breaks, "cut"))
    if len(edges) < 2:
        raise UnsupportedObjectError("cut() with a number of intervals depends on the data's "
                                     "range; only explicit breaks are supported")
    lowest, closed_right, ordered = logical_arg(include_lowest), logical_arg(right, True), logical_arg(ordered_result)
    codes = rmath.bin_codes(numeric_arg(x, "cut"), edges, closed_right, lowest)
    if labels is not None and kind(labels) == "logical" and not logical_arg(labels):
        return to_integer(np.where(codes < 0, np.nan, codes + 1.0))
    digits = 3 if dig_lab is None else int(as_double(dig_lab)[0])
    names = cut_labels(edges, closed_right, lowest, digits) if labels is None \
        else list(as_character(labels))
    if len(names) != len(edges) - 1:
        raise ForgeError("cut(): number of intervals and length of 'labels' differ")
    return pd.Categorical.from_codes(codes, names, ordered=ordered)


@builtin("as.factor")
def as_factor(x: RVector) -> pd.Categorical:
    """``as.factor``: factors unchanged, other vectors with R's default levels."""
    return x if kind(x) == "factor" else _factor(x)


@builtin("droplevels")
def _droplevels(x: RVector) -> pd.Categorical:
    """``droplevels``: a factor without its unused levels (order kept)."""
    if kind(x) != "factor":
        raise UnsupportedObjectError("droplevels() of anything but a factor is not supported")
    return x.remove_unused_categories()
