"""R -> Python: :func:`to_python` (the natural value of any R node), :func:`to_pandas`
and :func:`named_values`."""
from __future__ import annotations

from collections.abc import Generator
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InvalidStringError, UnsupportedObjectError
from ..rds.altrep import compact_sequence
from ..rds.format import NullRoot
from ..rds.limits import DEFAULT_LIMITS
from ..rds.nodes import (NA_INTEGER, AltRep, Complex, Cons, Environment, Expr, Integer, List,
                         Logical, Raw, Real, RObject, Str, plain)
from ..rds.walk import drive
from .accessors import ATOMIC, RList, checked_strings, py_values, scalar, strings

#: Class vectors that the natural form of a vector expresses completely.
_NATURAL_CLASSES = {("factor",), ("ordered", "factor"), ("Date",), ("POSIXct", "POSIXt"),
                    ("difftime",)}
_DIFFTIME_SECONDS = {"secs": 1, "mins": 60, "hours": 3600, "days": 86_400, "weeks": 604_800}
#: Keys of ``DataFrame.attrs`` that describe columns rather than R attributes.
MATRIX_COLUMNS, COLUMN_ATTRS = "r_matrix_columns", "r_column_attrs"
#: A conversion step: yields the nodes whose natural values it needs, returns its own.
Steps = Generator[Any, Any, Any]


def _real_array(node: Real, column: bool) -> np.ndarray:
    return node.data


def _integer_array(node: Integer, column: bool) -> Any:
    mask = node.data == NA_INTEGER
    return pd.arrays.IntegerArray(node.data, mask) if column or mask.any() else node.data


def _logical_array(node: Logical, column: bool) -> Any:
    mask = node.data == NA_INTEGER
    values = node.data == 1
    return pd.arrays.BooleanArray(values, mask) if column or mask.any() else values


def _string_array(node: Str, column: bool) -> np.ndarray:
    out = np.empty(len(node.data), dtype=object)
    out[:] = checked_strings(node.data, "character vector")
    return out


def _complex_array(node: Complex, column: bool) -> np.ndarray:
    return node.data


_PLAIN_ARRAYS = {Real: _real_array, Integer: _integer_array, Logical: _logical_array,
                 Str: _string_array, Complex: _complex_array}


def _factor_array(node: Integer) -> pd.Categorical:
    levels = strings(node.attr("levels"))
    if None in levels:
        raise UnsupportedObjectError("a factor with an NA level has no pandas equivalent")
    codes = np.where(node.data == NA_INTEGER, -1, node.data - 1)
    return pd.Categorical.from_codes(codes, categories=levels, ordered=node.inherits("ordered"))


def _float_values(node: RObject) -> np.ndarray:
    """The numbers under a Date, POSIXct or difftime (R allows integer storage), with
    a quiet NaN for NA, NaN and +-Inf: datetime64 has no infinite instants (R's features
    of them are NA), and R's NA_real_ is a signalling NaN that arithmetic would flag."""
    if isinstance(node, Integer):
        return np.where(node.data == NA_INTEGER, np.nan, node.data)
    values = np.asarray(node.data, dtype="f8")
    return np.where(np.isfinite(values), values, np.nan)


#: datetime64 units, finest first, with their ticks per second
_TICKS = {"ns": 10**9, "us": 10**6, "ms": 10**3, "s": 1}
_MAX_TICKS = float(np.iinfo("i8").max)


def _far_instants(seconds: np.ndarray) -> np.ndarray:
    """Naive datetime64 of seconds since the epoch outside pandas' nanosecond range
    (before 1677 or after 2262, which R's doubles hold): in the finest unit that holds
    them, the fraction rounded to it."""
    largest = np.abs(seconds[np.isfinite(seconds)]).max()
    unit = next((u for u, ticks in _TICKS.items() if largest * ticks < _MAX_TICKS), None)
    if unit is None:
        raise UnsupportedObjectError(f"a date-time {largest:.6g} seconds from 1970 is beyond "
                                     "what datetime64 holds")
    whole = np.floor(seconds)
    ticks = whole * _TICKS[unit] + np.round((seconds - whole) * _TICKS[unit])
    missing = ~np.isfinite(seconds)
    out = np.where(missing, 0, ticks).astype("i8").view(f"datetime64[{unit}]")
    out[missing] = np.datetime64("NaT")
    return out


def _in_ns_range(seconds: np.ndarray) -> bool:
    finite = seconds[np.isfinite(seconds)]
    return not finite.size or bool(np.abs(finite).max() * _TICKS["ns"] < _MAX_TICKS)


def date_values(days: np.ndarray) -> np.ndarray:
    """R ``Date`` numbers (days since 1970, NaN for NA) as naive datetime64."""
    if _in_ns_range(days * 86_400):
        return pd.to_datetime(days, unit="D").to_numpy()
    return _far_instants(days * 86_400)


def posixct_values(seconds: np.ndarray, tz: str) -> pd.arrays.DatetimeArray:
    """R ``POSIXct`` numbers (seconds since 1970, NaN for NA) as datetimes in ``tz``."""
    # nanoseconds where they reach: pandas picks a coarser unit for a 0-length vector (a
    # ptype), and casting new rows to it would drop R's sub-microsecond digits
    if _in_ns_range(seconds):
        stamps = pd.to_datetime(seconds, unit="s", utc=True).as_unit("ns")
    else:
        stamps = pd.DatetimeIndex(_far_instants(seconds)).tz_localize("UTC")
    try:
        return stamps.tz_convert(tz).array
    except (KeyError, ValueError) as exc:  # zoneinfo's unknown or malformed keys
        raise UnsupportedObjectError(f"time zone {tz!r} is not in the time zone database "
                                     "(R reads such date-times in UTC, clock stops)") from exc


def _date_array(node: RObject) -> np.ndarray:
    return date_values(_float_values(node))


def _posixct_array(node: RObject) -> Any:
    return posixct_values(_float_values(node), scalar(node.attr("tzone")) or "UTC")


def _difftime_array(node: RObject) -> np.ndarray:
    units = scalar(node.attr("units")) or "secs"
    if units not in _DIFFTIME_SECONDS:
        raise UnsupportedObjectError(f"difftime units {units!r} are not known")
    seconds = _float_values(node) * _DIFFTIME_SECONDS[units]
    return pd.to_timedelta(seconds, unit="s").to_numpy()


#: class -> (converter, attributes besides ``class`` that the result expresses)
_CLASSED_ARRAYS = {"factor": (_factor_array, {"levels"}), "Date": (_date_array, set()),
                   "POSIXct": (_posixct_array, {"tzone"}),
                   "difftime": (_difftime_array, {"units"})}


def _vector_array(node: RObject, column: bool) -> tuple[Any, set[str]]:
    """The natural array for an atomic vector, and the attribute names it expresses.

    ``column``: integer/logical become nullable arrays even without NA.
    """
    for cls, (convert, expressed) in _CLASSED_ARRAYS.items():
        if node.inherits(cls):
            if tuple(node.classes) in _NATURAL_CLASSES:
                expressed = expressed | {"class"}
            if cls == "POSIXct" and not scalar(node.attr("tzone")):
                expressed = expressed - {"tzone"}  # written back as "UTC" otherwise
            return convert(node), expressed
    return _PLAIN_ARRAYS[type(node)](node, column), set()


def _attr_steps(node: RObject, skip: set[str]) -> Steps:
    """The attributes not in ``skip`` for ``.attrs``: plain vectors as lists (pandas
    compares attrs), anything else its natural value."""
    out: dict[str, Any] = {}
    if node.attributes is None:
        return out
    for name, value in node.attributes.items():
        if name in skip:
            continue
        value = plain(value)
        if isinstance(value, ATOMIC) and value.attributes is None:
            out[name] = py_values(value)
        else:
            out[name] = yield value
    return out


def _matrix_array(node: RObject) -> np.ndarray:
    values = _vector_array(node, column=False)[0]
    if isinstance(values, pd.api.extensions.ExtensionArray):
        values = values.to_numpy(dtype="f8", na_value=np.nan)
    return np.asarray(values).reshape(node.attr("dim").data, order="F")


def _atomic_steps(node: RObject) -> Steps:
    if node.attr("dim") is not None:
        return _matrix_array(node) if node.attr_names() == ["dim"] else node
    values, expressed = _vector_array(node, column=False)
    attrs = yield from _attr_steps(node, expressed | {"names"})
    names = node.names
    if names is None and not attrs:
        return values
    series = _series(values, checked_strings(names, "names"))
    series.attrs.update(attrs)
    return series


def _list_steps(node: List) -> Steps:
    values = []
    for value in node.data:
        values.append((yield value))
    attrs = yield from _attr_steps(node, {"names"})
    return RList(values, checked_strings(node.names, "names"), attrs)


def _object_array(values: "list | np.ndarray") -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def _column_steps(name: str, col: Any) -> Steps:
    """A data-frame column: (array, its other attributes, is it a matrix column)."""
    col = plain(col)
    if isinstance(col, List) and col.inherits("data.frame"):
        raise UnsupportedObjectError(f"column {name!r} is a data frame (packed column); "
                                     "nested data frames are not converted")
    if isinstance(col, List):
        values = []
        for value in col.data:
            values.append((yield value))
        return _object_array(values), (yield from _attr_steps(col, set())), False
    if not isinstance(col, ATOMIC):
        raise UnsupportedObjectError(f"column {name!r} is a {type(col).__name__}, not a vector")
    try:
        if col.attr("dim") is not None:
            matrix = _matrix_array(col)
            return _object_array(matrix), (yield from _attr_steps(col, {"dim"})), True
        values, expressed = _vector_array(col, column=True)
    except InvalidStringError as exc:
        raise InvalidStringError(f"column {name!r}", exc.index, exc.shown) from None
    return values, (yield from _attr_steps(col, expressed)), False


def _row_index(node: List, n_rows: int) -> pd.Index:
    """The index for a frame's row names (``n_rows``: the length when they are absent)."""
    row_names = node.attr("row.names")
    if isinstance(row_names, AltRep):
        if compact_sequence(row_names) == (len(row_names), 1, 1):  # 1:n, kept compact
            return pd.RangeIndex(len(row_names))
        row_names = row_names.expand()
    if isinstance(row_names, Str):
        return pd.Index(_string_array(row_names, True), dtype=object)
    if isinstance(row_names, Integer):
        data = row_names.data
        if len(data) == 2 and data[0] == NA_INTEGER:
            return pd.RangeIndex(abs(int(data[1])))
        if np.array_equal(data, np.arange(1, len(data) + 1)):
            return pd.RangeIndex(len(data))
        return pd.Index(data)
    return pd.RangeIndex(n_rows)


def _series(values: Any, index: "pd.Index | list | None") -> pd.Series:
    """A Series that keeps object arrays object (pandas would infer its string dtype)."""
    is_object = isinstance(values, np.ndarray) and values.dtype == object
    return pd.Series(values, index=index, dtype=object if is_object else None, copy=False)


def _frame_steps(node: List) -> Steps:
    names = checked_strings(node.names, "column names") or [""] * len(node.data)
    parts = []
    for name, col in zip(names, node.data):
        parts.append((yield from _column_steps(name, col)))
    index = _row_index(node, len(parts[0][0]) if parts else 0)
    frame = pd.DataFrame({i: _series(values, index) for i, (values, _, _) in enumerate(parts)},
                         index=index, copy=False)
    frame.columns = pd.Index(names)
    frame.attrs.update((yield from _attr_steps(node, {"names", "row.names"})))
    column_attrs = {n: attrs for n, (_, attrs, _) in zip(names, parts) if attrs}
    matrix_columns = [n for n, (_, _, is_matrix) in zip(names, parts) if is_matrix]
    if column_attrs:
        frame.attrs[COLUMN_ATTRS] = column_attrs
    if matrix_columns:
        frame.attrs[MATRIX_COLUMNS] = matrix_columns
    return frame


def _to_python_step(node: Any) -> Any:
    """The natural value of ``node``, or the steps that make it (see :mod:`.rds.walk`)."""
    if isinstance(node, NullRoot):
        return None
    node = plain(node)
    if isinstance(node, List) and not isinstance(node, Expr):
        if node.inherits("data.frame"):
            return _frame_steps(node)
        return _list_steps(node) if node.data or node.attributes else RList([], node.names)
    if isinstance(node, ATOMIC):
        if node.attributes is None:
            return _vector_array(node, column=False)[0]
        return _atomic_steps(node)
    if isinstance(node, Raw) and node.attributes is None:
        return node.data
    return node


def _too_deep() -> UnsupportedObjectError:
    return UnsupportedObjectError(f"R lists nested deeper than {DEFAULT_LIMITS.max_depth:,} "
                                  "levels (Limits.max_depth) are not converted")


def to_python(node: Any) -> Any:
    """The natural Python value of an R node (see the module table); nodes without a
    natural form are returned unchanged. Any nesting depth up to ``Limits.max_depth``
    converts; nothing recurses."""
    return drive(_to_python_step, node, DEFAULT_LIMITS.max_depth, _too_deep)


def to_pandas(node: Any) -> pd.DataFrame:
    """The DataFrame for an R data.frame/tibble node; a typed error for anything else."""
    if isinstance(node, List) and node.inherits("data.frame"):
        return to_python(node)
    what = "NULL" if node is None else (
        f"{type(node).__name__} of class {node.classes}" if isinstance(node, RObject)
        else type(node).__name__)
    raise UnsupportedObjectError(f"expected an R data.frame or tibble, got {what}")


def named_values(node: Any) -> dict[str, Any]:
    """A named vector as ``{name: scalar}``, a named list (or pairlist, environment) as
    ``{name: natural value}``; the first of duplicated names wins; ``{}`` for NULL."""
    node = plain(node)
    if node is None:
        return {}
    if isinstance(node, Environment):
        pairs = list(node.bindings().items())
    elif isinstance(node, (*ATOMIC, Raw)) and node.names is not None:
        pairs = list(zip(node.names, py_values(node)))
    elif isinstance(node, (List, Cons)) and not isinstance(node, Expr):
        pairs = [(k, v) for k, v in node.items() if k is not None]
    else:
        raise UnsupportedObjectError(f"expected a named R vector or list, got {node!r}")
    out: dict[str, Any] = {}
    for name, value in pairs:
        out.setdefault(name, value if isinstance(node, (*ATOMIC, Raw)) else to_python(value))
    return out
