"""R vectors as the interpreter holds them: conversion from R constants, pandas columns
and Python values, R's types, and R's coercions between them.

Doubles are float64 arrays (NA = NaN), integers pandas ``Int32`` arrays, logicals pandas
``boolean`` arrays, characters object arrays (``None`` = NA), factors
:class:`pandas.Categorical`, numeric matrices DataFrames, and Date, POSIXct and difftime
pandas datetime (naive, tz-aware) and timedelta arrays.
"""
from __future__ import annotations

import warnings

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..convert import date_values, datetime_numbers, day_numbers, posixct_values
from ..errors import ForgeError, UnsupportedObjectError
from ..formula.parse import format_double
from ..rds.nodes import INT_MAX, NA_INTEGER, Integer, Logical, Real, Str

RVector = Any  # np.ndarray | IntegerArray | BooleanArray | pd.Categorical | pd.DataFrame
KIND_ORDER = ("logical", "integer", "double", "character")
#: the NA written into a vector of each kind
MISSING: dict[str, Any] = {"logical": pd.NA, "integer": pd.NA, "double": np.nan, "character": None}
#: strings ``as.logical`` understands
TRUTH = {"TRUE": True, "true": True, "True": True, "T": True,
         "FALSE": False, "false": False, "False": False, "F": False}


def as_vector(value: Any) -> RVector:
    """An R constant node, pandas column or Python value as an interpreter vector."""
    if isinstance(value, (pd.DataFrame, pd.Categorical, dict)):
        return value
    if isinstance(value, (Real, Integer, Logical, Str)):
        return _from_node(value)
    if isinstance(value, pd.Series):
        value = value.array
    if isinstance(value, pd.api.extensions.ExtensionArray):
        return _from_extension(value)
    array = np.asarray([value] if np.ndim(value) == 0 else value)
    return _from_numpy(array)


def _from_node(node: Real | Integer | Logical | Str) -> RVector:
    if isinstance(node, Str):
        return np.array(node.values, dtype=object)
    if isinstance(node, Real):
        return np.asarray(node.data, dtype=float)
    mask = node.data == NA_INTEGER
    if isinstance(node, Logical):
        return pd.arrays.BooleanArray(node.data.astype(bool) & ~mask, mask)
    levels = node.attr("levels")
    codes = np.where(mask, -1, node.data - 1)
    if isinstance(levels, Str):
        return pd.Categorical.from_codes(codes, levels.values, ordered=node.inherits("ordered"))
    return pd.arrays.IntegerArray(np.where(mask, 0, node.data).astype("int32"), mask)


def _from_extension(array: pd.api.extensions.ExtensionArray) -> RVector:
    dtype = array.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(array)
    if pd.api.types.is_bool_dtype(dtype):
        return pd.array(array, dtype="boolean")
    if pd.api.types.is_integer_dtype(dtype):
        return to_integer(array.to_numpy(dtype=float, na_value=np.nan))
    if isinstance(array, pd.arrays.NumpyExtensionArray):  # a float64 column: R's NA bits kept
        return _from_numpy(array.to_numpy())
    if pd.api.types.is_float_dtype(dtype):
        return array.to_numpy(dtype=float, na_value=np.nan)
    if pd.api.types.is_string_dtype(dtype):
        return _strings(array.to_numpy(dtype=object, na_value=None))
    if isinstance(array, (pd.arrays.DatetimeArray, pd.arrays.TimedeltaArray)):
        return array
    return _from_numpy(array.to_numpy())


def _from_numpy(array: np.ndarray) -> RVector:
    code = array.dtype.kind
    if code == "f":
        return array.astype(float)
    if code in "iu":
        return to_integer(array.astype(float))
    if code == "b":
        return pd.array(array, dtype="boolean")
    if code in "OUS":
        return _strings(array.astype(object))
    if code in "Mm":
        return pd.array(array)
    return array


def _strings(values: np.ndarray) -> np.ndarray:
    return np.array([v if isinstance(v, str) else None for v in values], dtype=object)


def to_integer(values: np.ndarray) -> pd.arrays.IntegerArray:
    """Doubles -> R integers: truncation; NaN, Inf and out-of-range values become NA."""
    mask = ~np.isfinite(values) | (np.abs(values) > INT_MAX)
    return pd.arrays.IntegerArray(np.where(mask, 0, np.trunc(np.where(mask, 0, values))).astype("int32"), mask)


def recycle(value: RVector, n: int) -> RVector:
    """R's recycling rule: repeat ``value`` to length ``n``."""
    return value if len(value) == n else value[np.arange(n) % len(value)]


def recycled(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two operands at one length, as R's arithmetic recycles them: the shorter repeated
    to the longer's length (none when either is empty), with R's warning when the
    longer is not a multiple of the shorter."""
    if len(a) == len(b) or len(a) == 1 or len(b) == 1:
        return a, b
    if not (len(a) and len(b)):
        return a[:0], b[:0]
    n = max(len(a), len(b))
    if n % min(len(a), len(b)):
        warnings.warn("longer object length is not a multiple of shorter object length", UserWarning,
                      stacklevel=4)
    return recycle(a, n), recycle(b, n)


def kind(value: RVector) -> str:
    """R's type of an interpreter vector: logical, integer, double, character, factor."""
    if isinstance(value, pd.Categorical):
        return "factor"
    if isinstance(value, pd.arrays.BooleanArray):
        return "logical"
    if isinstance(value, pd.arrays.IntegerArray):
        return "integer"
    if isinstance(value, pd.DataFrame):
        return "matrix"
    if isinstance(value, pd.arrays.DatetimeArray):
        return "datetime" if value.tz is not None else "date"
    if isinstance(value, pd.arrays.TimedeltaArray):
        return "difftime"
    return {"f": "double", "O": "character"}.get(np.asarray(value).dtype.kind, "other")


#: the kinds of R's time classes, with the class R names in its errors
TIME_KINDS = {"date": "Date", "datetime": "POSIXct", "difftime": "difftime"}


def time_like(numbers: np.ndarray, like: RVector) -> RVector:
    """Days (a Date) or seconds (a POSIXct) as a vector of the class of ``like``."""
    if kind(like) == "date":
        return pd.array(date_values(numbers))
    return posixct_values(numbers, str(like.tz))


def is_integer_like(value: RVector) -> bool:
    """Integer or logical: the kinds R's integer arithmetic keeps."""
    return kind(value) in ("integer", "logical")


def as_double(value: RVector) -> np.ndarray:
    """``as.double``: factors give their codes, strings are parsed (NA when not numbers)."""
    k = kind(value)
    if k == "double":
        return value
    if k == "factor":
        return np.where(value.codes < 0, np.nan, value.codes + 1.0)
    if k == "character":
        return pd.to_numeric(pd.Series(value, dtype=object), errors="coerce").to_numpy(dtype=float)
    if k in ("integer", "logical"):
        return value.to_numpy(dtype=float, na_value=np.nan)
    if k == "date":  # R's numbers under the class: days, seconds
        return day_numbers(pd.Series(value, copy=False))
    if k == "datetime":
        return datetime_numbers(pd.Series(value, copy=False))
    raise UnsupportedObjectError(f"cannot use a {k} value as a number")


def numeric_arg(value: RVector, what: str) -> np.ndarray:
    """Doubles for arithmetic; characters and factors are errors as in R."""
    if kind(value) in ("character", "factor"):
        raise UnsupportedObjectError(f"non-numeric argument to {what}")
    if kind(value) in TIME_KINDS:
        raise UnsupportedObjectError(f"{what} of {TIME_KINDS[kind(value)]} values is not supported")
    return as_double(value)


def as_logical(value: RVector) -> pd.arrays.BooleanArray:
    """``as.logical``: numbers are TRUE when non-zero; strings "TRUE"/"true"/"T"/..."""
    k = kind(value)
    if k == "logical":
        return value
    if k in ("character", "factor"):
        return pd.array(pd.Series(as_character(value), dtype=object).map(TRUTH), dtype="boolean")
    doubles = as_double(value)
    return pd.arrays.BooleanArray(np.nan_to_num(doubles) != 0, np.isnan(doubles))


def logical_arg(value: RVector | None, default: bool = False) -> bool:
    """A TRUE/FALSE argument of a call (``as.logical`` of its first value), ``default``
    when it was not given. Arguments are evaluated vectors, not stored R nodes, hence
    not :func:`pykerasnip.convert.flag`; NA or an empty vector is R's error."""
    if value is None:
        return default
    first = as_logical(value)[:1]
    if len(first) == 0 or first.isna().any():
        raise ForgeError("missing value or empty vector where TRUE/FALSE needed")
    return bool(first[0])


def as_character(value: RVector) -> np.ndarray:
    """``as.character``: numbers formatted with 15 significant digits, as R does; NaN
    is missing (pandas' NA), so it becomes NA rather than "NaN"."""
    k = kind(value)
    if k == "character":
        return value
    if k == "factor":
        return _strings(np.asarray(value.astype(object)))
    if k == "date":
        text = np.datetime_as_string(value.to_numpy(), unit="D").astype(object)
        return np.where(value.isna(), None, text)
    if k in TIME_KINDS:  # R's formats of times depend on the values' precision
        raise UnsupportedObjectError(f"as.character() of {TIME_KINDS[k]} values is not supported")
    if k in ("logical", "integer"):
        text = (np.where(value.to_numpy(dtype=bool, na_value=False), "TRUE", "FALSE") if k == "logical"
                else value.to_numpy(dtype="int64", na_value=0).astype(str))
        return np.where(value.isna(), None, text.astype(object))
    doubles = as_double(value)
    return np.array([None if np.isnan(v) else format_double(v) for v in doubles], dtype=object)


COERCE: dict[str, Callable[[RVector], RVector]] = {
    "logical": as_logical,
    "integer": lambda v: v if kind(v) == "integer" else to_integer(as_double(v)),
    "double": as_double,
    "character": as_character,
}


def common_kind(values: list[RVector]) -> str:
    """The type R coerces ``values`` to when combining them (factors count as characters)."""
    kinds = ["character" if kind(v) == "factor" else kind(v) for v in values]
    other = [k for k in kinds if k not in KIND_ORDER]
    if other:
        raise UnsupportedObjectError(f"combining {other[0]} values (c, ifelse, if_else, ...) "
                                     "is not supported")
    return max(kinds, key=KIND_ORDER.index)
