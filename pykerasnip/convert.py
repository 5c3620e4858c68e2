"""Natural Python values <-> R object trees, and accessors for navigating R trees.

:func:`to_python` maps R values to their natural Python form and :func:`from_python`
(:func:`from_pandas`) maps them back so that R reads back ``identical()`` objects:

=======================  ==================================================================
R                        Python
=======================  ==================================================================
NULL                     ``None``
data.frame / tibble      ``pandas.DataFrame`` (columns below); character row names -> the
                         index; integer row names -> an integer index, which (like any
                         integer index) is written back as automatic row names
double                   float64 (NA and NaN -> NaN; NaN goes back as ``NA_real_``)
integer                  ``Int32`` column / int32 array (nullable array when NA present)
logical                  ``boolean`` column / bool array (nullable array when NA present)
character                object dtype, ``None`` for NA
complex                  complex128
factor / ordered         ``pandas.Categorical`` (level order and ``ordered`` kept)
Date                     naive ``datetime64``
POSIXct                  tz-aware datetime (``tzone``; UTC when empty or absent)
difftime                 ``timedelta64`` (written back in ``units = "secs"``)
matrix (only ``dim``)    2-D numpy array (column-major data); integer/logical with NA
                         become float64 with NaN
list column              object column of converted elements
matrix column            object column holding each row as a 1-D array; the column names
                         are listed in ``DataFrame.attrs["r_matrix_columns"]``
named atomic vector      ``pandas.Series`` indexed by the names
list                     :class:`RList`
raw                      ``bytes`` (a raw vector with attributes stays the node)
=======================  ==================================================================

Writing rules beyond the inverse of the table: datetimes that are tz-aware -> POSIXct
with that ``tzone``; naive datetimes all at midnight (or missing) -> Date, other naive
ones -> POSIXct in UTC. Integers of any width -> integer (double beyond R's integer
range); object columns of strings (or pandas' string dtype) -> character, other object
columns -> list columns; dicts -> named lists, lists and tuples -> unnamed lists, Python
scalars -> length-1 vectors.

Attributes that the natural form does not already express go to ``.attrs`` (of the
Series, :class:`RList` or DataFrame; a column's under ``attrs["r_column_attrs"][name]``)
and are written back. In ``.attrs`` a plain atomic vector is a Python list (``None`` =
NA), so that pandas can compare and copy it. What has no natural form (closures,
environments, calls, symbols, formulas, pairlists, matrices with dimnames or a class,
expression vectors, S4 objects) stays the R node; nothing is silently dropped.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Generator, Iterator, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .errors import InvalidStringError, UnsupportedObjectError
from .rds import build
from .rds.altrep import compact_sequence
from .rds.limits import DEFAULT_LIMITS
from .rds.format import NullRoot
from .rds.nodes import (NA_INTEGER, NA_REAL, AltRep, Complex, Cons, Environment, Expr,
                        Integer, List, Logical, Raw, Real, RObject, Str, Sym, _Singleton,
                        is_na_real, nested_repr)
from .rds.walk import drive

_ATOMIC = (Logical, Integer, Real, Complex, Str)
_INT_MAX = 2**31 - 1
_NS_PER_SEC = 10**9
_NS_PER_DAY = 86_400 * _NS_PER_SEC
#: Class vectors that the natural form of a vector expresses completely.
_NATURAL_CLASSES = {("factor",), ("ordered", "factor"), ("Date",), ("POSIXct", "POSIXt"),
                    ("difftime",)}
_DIFFTIME_SECONDS = {"secs": 1, "mins": 60, "hours": 3600, "days": 86_400, "weeks": 604_800}
#: Keys of ``DataFrame.attrs`` that describe columns rather than R attributes.
_MATRIX_COLUMNS, _COLUMN_ATTRS = "r_matrix_columns", "r_column_attrs"
_MISSING = object()
#: A conversion step: yields the nodes whose natural values it needs, returns its own.
Steps = Generator[Any, Any, Any]
#: Python's stand-ins for bytes that are not UTF-8 (surrogate escapes)
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _checked_strings(values: "list[str | None] | None", what: str) -> "list[str | None] | None":
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


# == R -> Python ========================================================================
def _na_mask(node: RObject) -> np.ndarray:
    if isinstance(node, (Integer, Logical)):
        return node.data == NA_INTEGER
    if isinstance(node, Real):
        return is_na_real(node.data)
    if isinstance(node, Complex):
        return is_na_real(node.data.real)
    return np.array([v is None for v in node.data], dtype=bool)


def _py_values(node: RObject, stop: int | None = None) -> list:
    """Elements as Python scalars, ``None`` for NA (factor elements as their labels)."""
    if node.inherits("factor"):
        levels = strings(node.attr("levels"))
        return [None if c == NA_INTEGER else levels[c - 1] for c in node.data[:stop].tolist()]
    if isinstance(node, Str):
        return list(_checked_strings(node.data, "character vector")[:stop])
    if isinstance(node, Raw):
        return list(node.data[:stop])
    values = node.data[:stop].tolist()
    if isinstance(node, Logical):
        values = [bool(v) for v in values]
    return [None if na else v for v, na in zip(values, _na_mask(node)[:stop].tolist())]


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
    out[:] = _checked_strings(node.data, "character vector")
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
    """Doubles with NaN for NA (R allows integer storage for Date, POSIXct, difftime)."""
    if isinstance(node, Integer):
        return np.where(node.data == NA_INTEGER, np.nan, node.data)
    return np.asarray(node.data, dtype="f8")


def _date_array(node: RObject) -> np.ndarray:
    return pd.to_datetime(_float_values(node), unit="D").to_numpy()


def _posixct_array(node: RObject) -> Any:
    # always nanoseconds: pandas picks a coarser unit for a 0-length vector (a ptype),
    # and casting new rows to it would drop R's sub-microsecond digits
    tz = scalar(node.attr("tzone")) or "UTC"
    stamps = pd.to_datetime(_float_values(node), unit="s", utc=True).as_unit("ns")
    return stamps.tz_convert(tz).array


def _difftime_array(node: RObject) -> np.ndarray:
    units = scalar(node.attr("units")) or "secs"
    if units not in _DIFFTIME_SECONDS:
        raise UnsupportedObjectError(f"difftime units {units!r} are not known")
    with np.errstate(invalid="ignore"):  # R's NA is a signalling NaN
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
        if isinstance(value, AltRep):
            value = value.expand()
        if isinstance(value, _ATOMIC) and value.attributes is None:
            out[name] = _py_values(value)
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
    series = _series(values, _checked_strings(names, "names"))
    series.attrs.update(attrs)
    return series


def _list_steps(node: List) -> Steps:
    values = []
    for value in node.data:
        values.append((yield value))
    attrs = yield from _attr_steps(node, {"names"})
    return RList(values, _checked_strings(node.names, "names"), attrs)


def _object_array(values: "list | np.ndarray") -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def _column_steps(name: str, col: Any) -> Steps:
    """A data-frame column: (array, its other attributes, is it a matrix column)."""
    if isinstance(col, AltRep):
        col = col.expand()
    if isinstance(col, List) and col.inherits("data.frame"):
        raise UnsupportedObjectError(f"column {name!r} is a data frame (packed column); "
                                     "nested data frames are not converted")
    if isinstance(col, List):
        values = []
        for value in col.data:
            values.append((yield value))
        return _object_array(values), (yield from _attr_steps(col, set())), False
    if not isinstance(col, _ATOMIC):
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
    names = _checked_strings(node.names, "column names") or [""] * len(node.data)
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
        frame.attrs[_COLUMN_ATTRS] = column_attrs
    if matrix_columns:
        frame.attrs[_MATRIX_COLUMNS] = matrix_columns
    return frame


def _to_python_step(node: Any) -> Any:
    """The natural value of ``node``, or the steps that make it (see :mod:`.rds.walk`)."""
    if isinstance(node, NullRoot):
        return None
    if isinstance(node, AltRep):
        node = node.expand()
    if isinstance(node, List) and not isinstance(node, Expr):
        if node.inherits("data.frame"):
            return _frame_steps(node)
        return _list_steps(node) if node.data or node.attributes else RList([], node.names)
    if isinstance(node, _ATOMIC):
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


# == Python -> R ========================================================================
def _real_node(s: pd.Series) -> Real:
    values = s.to_numpy(dtype="f8", na_value=np.nan)
    return Real(np.where(np.isnan(values), NA_REAL, values))


def _integer_node(s: pd.Series) -> RObject:
    mask = s.isna().to_numpy()
    values = s.to_numpy(dtype="i8", na_value=0)
    if np.abs(values).max(initial=0) > _INT_MAX:
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
    return build.factor(codes, [str(c) for c in cat.categories], ordered=cat.ordered)


def _nanoseconds(values: pd.Series, unit: str) -> tuple[np.ndarray, np.ndarray]:
    """int64 nanoseconds (since the epoch, UTC, for datetimes) and the missing mask."""
    arr = values.to_numpy(dtype=f"{unit}64[ns]")
    return arr.view("i8"), np.isnat(arr)


def _seconds(ns: np.ndarray) -> np.ndarray:
    # whole seconds and the fraction separately: int64 nanoseconds exceed float precision
    return (ns // _NS_PER_SEC).astype("f8") + (ns % _NS_PER_SEC) / _NS_PER_SEC


def _datetime_node(s: pd.Series) -> Real:
    tz = getattr(s.dtype, "tz", None)
    ns, missing = _nanoseconds(s.dt.tz_convert(None) if tz is not None else s, "datetime")
    if tz is None and not np.any(ns[~missing] % _NS_PER_DAY):
        days = (ns // _NS_PER_DAY).astype("f8")
        return build.structure(Real(np.where(missing, NA_REAL, days)), {"class": "Date"})
    seconds = np.where(missing, NA_REAL, _seconds(ns))
    return build.structure(Real(seconds), {"class": ["POSIXct", "POSIXt"],
                                           "tzone": "UTC" if tz is None else str(tz)})


def datetime_numbers(s: pd.Series) -> np.ndarray:
    """The doubles R holds for a date-time column as it is written to R: days since the
    epoch for a Date, seconds for a POSIXct (NaN for NA)."""
    values = np.array(_datetime_node(s).data, dtype="f8")
    values[np.isnan(values)] = np.nan  # a plain NaN, not R's NA payload
    return values


def _timedelta_node(s: pd.Series) -> Real:
    ns, missing = _nanoseconds(s, "timedelta")
    return build.structure(Real(np.where(missing, NA_REAL, _seconds(ns))),
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
    matrix_columns = set(df.attrs.get(_MATRIX_COLUMNS, ()))
    column_attrs = df.attrs.get(_COLUMN_ATTRS, {})
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
    other = {k: v for k, v in df.attrs.items() if k not in (_MATRIX_COLUMNS, _COLUMN_ATTRS)}
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


# == accessors ============================================================================
def _child(node: Any, key: "str | int") -> Any:
    if isinstance(node, AltRep):
        node = node.expand()
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
    if isinstance(node, AltRep):
        node = node.expand()
    if node is None:
        return None
    if not isinstance(node, (*_ATOMIC, Raw)):
        raise UnsupportedObjectError(f"expected an atomic R vector, got {node!r}")
    values = _py_values(node, 1)
    return values[0] if values else None


def strings(node: Any) -> "list[str | None]":
    """A character vector (or factor, or symbol) as a list of ``str`` (``None`` = NA);
    ``[]`` for NULL."""
    if isinstance(node, AltRep):
        node = node.expand()
    if node is None:
        return []
    if isinstance(node, Sym):
        return [node.name]
    if isinstance(node, Str) or (isinstance(node, Integer) and node.inherits("factor")):
        return _py_values(node)
    raise UnsupportedObjectError(f"expected an R character vector, got {node!r}")


def named_values(node: Any) -> dict[str, Any]:
    """A named vector as ``{name: scalar}``, a named list (or pairlist, environment) as
    ``{name: natural value}``; the first of duplicated names wins; ``{}`` for NULL."""
    if isinstance(node, AltRep):
        node = node.expand()
    if node is None:
        return {}
    if isinstance(node, Environment):
        pairs = list(node.bindings().items())
    elif isinstance(node, (*_ATOMIC, Raw)) and node.names is not None:
        pairs = list(zip(node.names, _py_values(node)))
    elif isinstance(node, (List, Cons)) and not isinstance(node, Expr):
        pairs = [(k, v) for k, v in node.items() if k is not None]
    else:
        raise UnsupportedObjectError(f"expected a named R vector or list, got {node!r}")
    out: dict[str, Any] = {}
    for name, value in pairs:
        out.setdefault(name, value if isinstance(node, (*_ATOMIC, Raw)) else to_python(value))
    return out
