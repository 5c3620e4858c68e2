"""Builtins: comparisons, three-valued ``&``/``|``/``!``, ``%in%``, ``is.na``, and the
conditionals ``ifelse``, dplyr's ``if_else`` and ``case_when``."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UnsupportedObjectError
from ..rds.nodes import Lang, Sym
from .evaluator import Context, builtin, eval_node
from .values import (COERCE, MISSING, RVector, as_character, as_double, as_logical, common_kind,
                     kind, recycle)


COMPARISON: dict[str, Callable[[Any, Any], Any]] = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, ">": np.greater,
    "<=": np.less_equal, ">=": np.greater_equal,
}


def _comparison(op: str) -> Callable[[RVector, RVector], pd.arrays.BooleanArray]:
    def apply(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
        textual = {"character", "factor"} & {kind(a), kind(b)}
        if textual:
            x, y = np.broadcast_arrays(as_character(a), as_character(b))
            na = pd.isna(x) | pd.isna(y)
            result = COMPARISON[op](np.where(na, "", x), np.where(na, "", y))
            return pd.arrays.BooleanArray(result.astype(bool), na)
        x, y = np.broadcast_arrays(as_double(a), as_double(b))
        with np.errstate(invalid="ignore"):
            return pd.arrays.BooleanArray(COMPARISON[op](x, y), np.isnan(x) | np.isnan(y))
    return apply


def _logicals(a: RVector, b: RVector) -> tuple[pd.arrays.BooleanArray, pd.arrays.BooleanArray]:
    n = max(len(a), len(b))
    return recycle(as_logical(a), n), recycle(as_logical(b), n)


def _and(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
    x, y = _logicals(a, b)
    return x & y


def _or(a: RVector, b: RVector) -> pd.arrays.BooleanArray:
    x, y = _logicals(a, b)
    return x | y


def _not(a: RVector) -> pd.arrays.BooleanArray:
    return ~as_logical(a)


for _op in COMPARISON:
    builtin(_op)(_comparison(_op))
builtin("&", "&&")(_and)
builtin("|", "||")(_or)
builtin("!")(_not)


@builtin("ifelse")
def _ifelse(test: RVector, yes: RVector, no: RVector) -> RVector:
    """R's ``ifelse``: NA where ``test`` is NA; the result type is the test's (logical)
    widened by ``yes`` if some test is TRUE and by ``no`` if some is FALSE."""
    condition = as_logical(test)
    used = [condition] + [v for v, side in ((yes, condition), (no, ~condition))
                          if side.to_numpy(dtype=bool, na_value=False).any()]
    target = common_kind(used)
    when_true, when_false = (recycle(COERCE[target](v), len(condition)) for v in (yes, no))
    chosen = when_true.copy()
    pick_no = ~condition.to_numpy(dtype=bool, na_value=False)
    chosen[pick_no] = when_false[pick_no]
    missing = condition.isna()
    if missing.any():
        chosen[missing] = MISSING[target]
    return chosen


@builtin("%in%")
def _in(x: RVector, table: RVector) -> pd.arrays.BooleanArray:
    """``x %in% table``: numbers by value, anything else (factors included) by its
    ``as.character`` text; NA matches NA."""
    numeric = {"logical", "integer", "double"}
    if kind(x) in numeric and kind(table) in numeric:
        values, pool = as_double(x), as_double(table)
        found = np.isin(values, pool) | (np.isnan(values) & np.isnan(pool).any())
    else:
        values, pool = as_character(x), as_character(table)
        present = pd.notna(pool)
        found = np.isin(values.astype(object), pool[present].astype(object)) | (pd.isna(values) & (~present).any())
    return pd.array(found, dtype="boolean")


@builtin("if_else")
def _if_else(condition: RVector, true: RVector, false: RVector,
             missing: RVector | None = None) -> RVector:
    """dplyr's ``if_else``: ``ifelse`` whose NA conditions take ``missing`` when given."""
    chosen = _ifelse(condition, true, false)
    return chosen if missing is None else _ifelse(pd.array(as_logical(condition).isna(), dtype="boolean"), missing, chosen)


@builtin("case_when", lazy=True)
def _case_when(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """dplyr's (1.0) ``case_when(condition ~ value, ...)``: each row takes the value of
    the first TRUE condition, NA when none is. Conditions must be logical and every
    value must have the first value's type, as dplyr requires."""
    pairs = [_case(formula, ctx) for formula in _case_formulas(args)]
    size = max(len(part) for pair in pairs for part in pair)
    target = kind(pairs[0][1])
    if target not in COERCE or any(kind(value) != target for _, value in pairs):
        raise UnsupportedObjectError("case_when() values must all have the first value's type "
                                     f"(here {target}; dplyr refuses to mix types)")
    if any(len(part) not in (1, size) for pair in pairs for part in pair):
        raise UnsupportedObjectError(f"case_when() conditions and values must have length 1 or {size}")
    out = COERCE[target](np.full(size, np.nan))
    decided = np.zeros(size, dtype=bool)
    for condition, value in pairs:
        hit = recycle(condition, size).to_numpy(dtype=bool, na_value=False)
        take = hit & ~decided
        out[take] = recycle(value, size)[take]
        decided |= hit
    return out


def _case_formulas(args: list[tuple[str | None, Any]]) -> list[Lang]:
    formulas = [e for name, e in args if not name and isinstance(e, Lang) and len(e.args) == 2
                and isinstance(e.function, Sym) and e.function.name == "~"]
    if not formulas or len(formulas) != len(args):
        raise UnsupportedObjectError("case_when() takes only two-sided formulas condition ~ value")
    return formulas


def _case(formula: Lang, ctx: Context) -> tuple[pd.arrays.BooleanArray, RVector]:
    (_, lhs), (_, rhs) = formula.args
    condition = eval_node(lhs, ctx)
    if kind(condition) != "logical":
        raise UnsupportedObjectError(f"case_when() conditions must be logical, not {kind(condition)}")
    return condition, eval_node(rhs, ctx)


@builtin("is.na")
def _is_na(x: RVector) -> pd.arrays.BooleanArray:
    missing = np.asarray(pd.isna(x), dtype=bool)
    return pd.arrays.BooleanArray(missing, np.zeros_like(missing))
