"""Python -> R: :func:`from_python` (the R node of a natural Python value, inverse of
:func:`~pykerasnip.convert.to_python`) and :func:`from_pandas`."""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import UnsupportedObjectError
from ..factor import level_label, with_text_levels
from ..rds import build
from ..rds.limits import DEFAULT_LIMITS
from ..rds.nodes import (INT_MAX, NA_INTEGER, NA_REAL, Complex, Integer, List, Logical, Raw, Real,
                         RObject, Str, Sym, _Singleton)
from ..rds.walk import drive
from .accessors import RList
from .r_to_python import COLUMN_ATTRS, MATRIX_COLUMNS, Steps



def _real_node(s: pd.Series) -> Real:
    values = s.to_numpy(dtype="f8", na_value=np.nan)
    return Real(np.where(np.isnan(values), NA_REAL, values))


def _integer_node(s: pd.Series) -> RObject:
    mask = s.isna().to_numpy()
    values = s.to_numpy(dtype="i8", na_value=0)
    if np.abs(values).max(initial=0) > INT_MAX:
        return _real_node(s)  # like R, integers beyond its range are stored as doubles
    return Integer(np.where(mask, NA_INTEGER, values).astype("i4"))


def _logical_node(s: pd.Series) -> Logical:
    mask = s.isna().to_numpy()
    values = s.to_numpy(dtype=bool, na_value=False)
    return Logical(np.where(mask, NA_INTEGER, values.astype("i4")))


def _object_node(s: pd.Series) -> RObject:
    """Strings (``None``/NaN = NA) become character; anything else a list."""
    if pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty"):
        return Str(s.to_numpy(dtype=object, na_value=None).tolist())
    return List(_converted(_each(s)))


def _str_node(s: pd.Series) -> Str:
    return Str(s.tolist())


def _complex_node(s: pd.Series) -> Complex:
    return Complex(s.to_numpy(dtype="c16"))


def _factor_node(s: pd.Series) -> Integer:
    cat = s.array
    codes = np.where(cat.codes < 0, NA_INTEGER, cat.codes.astype("i8") + 1)
    return build.factor(codes, [level_label(c) for c in cat.categories], ordered=cat.ordered)


#: ticks per second of the datetime64/timedelta64 units pandas holds
_TICKS_PER_SEC = {"ns": 10**9, "us": 10**6, "ms": 10**3, "s": 1}


def _ticks(values: pd.Series) -> tuple[np.ndarray, int, np.ndarray]:
    """int64 ticks of the column's own unit (since the epoch, UTC, for datetimes), ticks
    per second, and the missing mask (no cast to nanoseconds: R's dates reach far
    beyond 1677-2262)."""
    arr = values.to_numpy()
    return arr.view("i8"), _TICKS_PER_SEC[np.datetime_data(arr.dtype)[0]], np.isnat(arr)


def _seconds(ticks: np.ndarray, per_second: int) -> np.ndarray:
    # whole seconds and the fraction separately: int64 ticks exceed float precision
    return (ticks // per_second).astype("f8") + (ticks % per_second) / per_second


def _has_times(s: pd.Series) -> bool:
    """Naive datetimes with a time of day, which R receives as a POSIXct in UTC."""
    if not pd.api.types.is_datetime64_dtype(s.dtype):
        return False
    ticks, per_second, missing = _ticks(s)
    return bool(np.any(ticks[~missing] % (86_400 * per_second)))


def as_r_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Python's training data with its columns of the types R receives
    (:func:`from_pandas`): factors with text levels, and naive datetimes with a time of
    day as date-times in UTC, so that preparing in Python sees a Date or a POSIXct where
    R will. Data read from R needs no such rule (R's Dates may hold fractions of days)."""
    frame = with_text_levels(frame)
    timed = {name: column.dt.tz_localize("UTC")
             for name, column in frame.items() if _has_times(column)}
    return frame.assign(**timed) if timed else frame


def _datetime_node(s: pd.Series) -> Real:
    tz = getattr(s.dtype, "tz", None)
    ticks, per_second, missing = _ticks(s.dt.tz_convert(None) if tz is not None else s)
    per_day = 86_400 * per_second
    if tz is None and not np.any(ticks[~missing] % per_day):
        days = (ticks // per_day).astype("f8")
        return build.structure(Real(np.where(missing, NA_REAL, days)), {"class": "Date"})
    seconds = np.where(missing, NA_REAL, _seconds(ticks, per_second))
    return build.structure(Real(seconds), {"class": ["POSIXct", "POSIXt"],
                                           "tzone": "UTC" if tz is None else str(tz)})


def datetime_numbers(s: pd.Series) -> np.ndarray:
    """The doubles R holds for a date-time column as it is written to R: days since the
    epoch for a Date, seconds for a POSIXct (NaN for NA)."""
    values = np.array(_datetime_node(s).data, dtype="f8")
    values[np.isnan(values)] = np.nan  # a plain NaN, not R's NA payload
    return values


def day_numbers(s: pd.Series) -> np.ndarray:
    """The days since the epoch (with their fraction; NaN for NA) of naive datetimes,
    which R reads as ``Date`` even when not at midnight."""
    ticks, per_second, missing = _ticks(s)
    days = _seconds(ticks, 86_400 * per_second)
    days[missing] = np.nan
    return days


def _timedelta_node(s: pd.Series) -> Real:
    ticks, per_second, missing = _ticks(s)
    return build.structure(Real(np.where(missing, NA_REAL, _seconds(ticks, per_second))),
                           {"class": "difftime", "units": "secs"})


#: numpy/pandas dtype kind -> vector builder
_FROM_KIND = {"f": _real_node, "i": _integer_node, "u": _integer_node, "b": _logical_node,
              "O": _object_node, "U": _str_node, "M": _datetime_node, "m": _timedelta_node,
              "c": _complex_node}


def _vector_node(values: Any) -> RObject:
    """The R vector (no names) for a 1-D array, pandas array or Series."""
    s = values if isinstance(values, pd.Series) else pd.Series(values, copy=False)
    if isinstance(s.dtype, pd.CategoricalDtype):
        return _factor_node(s)
    builder = _FROM_KIND.get(s.dtype.kind)
    if builder is None:
        raise UnsupportedObjectError(f"no R vector type for dtype {s.dtype}")
    return builder(s)


def _array_node(values: Any) -> RObject:
    if isinstance(values, np.ndarray) and values.ndim > 1:
        return build.structure(_vector_node(values.ravel(order="F")),
                               dim=build.int_(list(values.shape)))
    return _vector_node(values)


def _apply_attrs(node: RObject, attrs: Mapping[str, Any]) -> RObject:
    return build.structure(node, _converted(_attr_node_steps(attrs)))


def _names(index: pd.Index) -> "Str | None":
    """Index labels as R names / row names; an integer index means "no names"."""
    if pd.api.types.is_integer_dtype(index.dtype):
        return None
    return Str([str(v) for v in index])


def _series_node(s: pd.Series) -> RObject:
    node = build.structure(_vector_node(s), names=_names(s.index))
    return _apply_attrs(node, s.attrs)


def _each(values: Any) -> Steps:
    """The nodes of ``values``, converted one step at a time."""
    nodes = []
    for value in values:
        nodes.append((yield value))
    return nodes


def _attr_node_steps(attrs: Mapping[str, Any]) -> Steps:
    """Inverse of :func:`_attr_steps`: a list of scalars is an atomic vector."""
    out = {}
    for name, value in attrs.items():
        if isinstance(value, list) and all(v is None or np.isscalar(v) for v in value):
            out[name] = build.as_node(value)
        else:
            out[name] = yield value
    return out


def _rlist_steps(rl: RList) -> Steps:
    names = None if rl.names is None else ["" if n is None else n for n in rl.names]
    node = build.r_list((yield from _each(rl)), names)
    return build.structure(node, (yield from _attr_node_steps(rl.attrs)))


def _rlist_node(rl: RList) -> Any:
    if len(rl) or rl.attrs:
        return _rlist_steps(rl)
    return build.r_list([], None if rl.names is None else [])


def _dict_steps(value: dict) -> Steps:
    return build.named_list(dict(zip(map(str, value), (yield from _each(value.values())))))


def _sequence_steps(value: "list | tuple") -> Steps:
    return build.r_list((yield from _each(value)))


def _matrix_column_node(s: pd.Series) -> RObject:
    return _array_node(np.vstack(s.to_numpy()))


def from_pandas(df: pd.DataFrame, tibble: bool | None = None) -> List:
    """The R data.frame for ``df``: a tibble when ``tibble`` is true, a data.frame when
    false, and when ``None`` the class recorded in ``df.attrs["class"]`` (by
    :func:`to_python`; plain data.frame otherwise). A non-integer index becomes character
    row names (data.frame only)."""
    matrix_columns = set(df.attrs.get(MATRIX_COLUMNS, ()))
    column_attrs = df.attrs.get(COLUMN_ATTRS, {})
    columns = [(str(name), _apply_attrs(
        _matrix_column_node(s) if name in matrix_columns else _vector_node(s),
        column_attrs.get(name, {}))) for name, s in df.items()]
    classes = df.attrs.get("class") if tibble is None else None
    if tibble is None:
        tibble = classes is not None and "tbl_df" in classes
    if tibble:
        node = build.tibble(columns, len(df))
    else:
        row_names = _names(df.index)
        node = build.data_frame(columns, len(df), None if row_names is None else row_names.data)
    other = {k: v for k, v in df.attrs.items() if k not in (MATRIX_COLUMNS, COLUMN_ATTRS)}
    if classes is None:
        other.pop("class", None)
    return _apply_attrs(node, other)


def _scalar_node(value: Any) -> RObject:
    return _vector_node(np.asarray([value]))


def _datetime_scalar_node(value: Any) -> RObject:
    return _vector_node(pd.to_datetime([value]))


def _timedelta_scalar_node(value: Any) -> RObject:
    return _vector_node(pd.to_timedelta([value]))


#: Python type -> R node builder (checked in order: bool before int, datetime before date)
_FROM_PYTHON: list[tuple[Any, Any]] = [
    (pd.DataFrame, from_pandas), (pd.Series, _series_node), (RList, _rlist_node),
    ((np.ndarray, pd.api.extensions.ExtensionArray, pd.Index), _array_node),
    ((bytes, bytearray), lambda v: Raw(bytes(v))),
    (dict, _dict_steps), ((list, tuple), _sequence_steps),
    ((dt.date, np.datetime64), _datetime_scalar_node),
    ((dt.timedelta, np.timedelta64), _timedelta_scalar_node),
    ((bool, int, float, complex, str, np.generic), _scalar_node),
    (type(pd.NA), lambda v: build.lgl(None)),
]


def _from_python_step(value: Any) -> Any:
    if value is None or isinstance(value, (RObject, Sym, _Singleton)):
        return value
    for kinds, convert in _FROM_PYTHON:
        if isinstance(value, kinds):
            return convert(value)
    raise UnsupportedObjectError(f"no R equivalent for a Python {type(value).__name__}")


#: Conversions running in this thread: a DataFrame or Series inside a converted value
#: starts one more (lists, dicts and RLists nest without any).
_active = threading.local()
_MAX_NESTED_FRAMES = 64


def _converted(first: Any) -> Any:
    """The node a Python value (or a step of :func:`_from_python_step`) stands for."""
    level = getattr(_active, "level", 0)
    if level >= _MAX_NESTED_FRAMES:
        raise UnsupportedObjectError(f"DataFrames and Series nested more than "
                                     f"{_MAX_NESTED_FRAMES} levels deep are not converted")
    _active.level = level + 1
    try:
        return drive(_from_python_step, first, DEFAULT_LIMITS.max_depth, _too_deep_python)
    finally:
        _active.level = level


def _too_deep_python() -> UnsupportedObjectError:
    return UnsupportedObjectError(f"Python values nested deeper than "
                                  f"{DEFAULT_LIMITS.max_depth:,} levels (Limits.max_depth) "
                                  "are not converted")


def from_python(value: Any) -> Any:
    """The R node for a natural Python value (inverse of :func:`to_python`); R nodes and
    ``None`` (NULL) pass through. Lists, dicts and :class:`RList` nest to any depth up to
    ``Limits.max_depth``; nothing recurses."""
    return _converted(value)
