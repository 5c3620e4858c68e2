"""hardhat's ``shrink`` and ``scream`` and the vctrs casting rules they rely on.

New data is checked and converted against the 0-row prototypes (ptypes) saved at
mold time: required columns are selected in ptype order (:func:`shrink`), novel factor
levels are dropped with a warning or kept (:func:`scream`), and every column is cast
to its ptype's type (:func:`vec_cast`) -- losslessly, or with a :class:`ForgeError`.
Frames read from CSV cast as a Python user expects: integers to doubles,
integer-valued doubles to integers, strings to factors (with the ptype's levels) and
ISO date strings to dates. Numbers in a factor column are refused, as vctrs refuses
them, unless every one is the label of a ptype level (``4`` for a level ``"4"``: what a
CSV reader makes of such a factor).
"""
from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from ..errors import ForgeError
from ..factor import as_character, factor, factorize, from_codes, lookup, present_labels
from ..formula.parse import format_double
from ..rds.nodes import INT_MAX
from ..rformat import cli_collapse
from ..rowblocks import warn_rows


#: column kinds a CSV reader makes of factor labels that look like numbers
NUMBER_KINDS = ("double", "integer", "logical")


class NovelLevelsWarning(UserWarning):
    """hardhat's ``hardhat_warn_novel_levels``: new data had factor levels the
    training data did not; those values became missing."""


def column_kind(column: pd.Series) -> str:
    """The R type a column stands for: double, integer, logical, character, factor,
    ordered, date, datetime or other."""
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "ordered" if dtype.ordered else "factor"
    if pd.api.types.is_bool_dtype(dtype):
        return "logical"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime" if getattr(dtype, "tz", None) is not None else "date"
    if pd.api.types.is_string_dtype(dtype) or dtype == object:
        return "logical" if _all_bools(column) else "character"
    return "other"


def _all_bools(column: pd.Series) -> bool:
    if len(column) and isinstance(column.iloc[0], str):  # text: no full scan needed
        return False
    return pd.api.types.infer_dtype(column, skipna=True) == "boolean"


# --------------------------------------------------------------------------- shrink
def shrink(data: pd.DataFrame, ptype: pd.DataFrame) -> pd.DataFrame:
    """Keep only the ptype's columns, in ptype order; missing ones are an error."""
    missing = [c for c in ptype.columns if c not in data.columns]
    if missing:
        quoted = ", ".join(f"'{c}'" for c in missing)
        raise ForgeError(f"The following required columns are missing: {quoted}.")
    if not data.columns.is_unique:
        duplicated = sorted(set(data.columns[data.columns.duplicated()]))
        raise ForgeError(f"new data has duplicated column names: {', '.join(duplicated)}")
    return data.loc[:, list(ptype.columns)].reset_index(drop=True)


# --------------------------------------------------------------------------- scream
def _data_levels(column: pd.Series) -> list[str]:
    """Levels as hardhat sees them: a factor's own, or first appearance for strings."""
    return [str(label) for label in factorize(column)[1]]


def _remove_novel_levels(column: pd.Series, levels: list[str], name: str) -> pd.Series:
    codes, labels = factorize(column)
    present = [str(label) for label in labels]
    novel = [lvl for lvl in present if lvl not in levels]
    if not novel:
        return column
    outside = lookup(present, levels)[codes] < 0  # NA too: hardhat warns if any
    warn_rows(("novel levels", name), column[outside], lambda rows: _warn_novel(rows, levels, name))
    if not outside.any():
        return column
    kept = [lvl for lvl in present if lvl not in novel]
    return from_codes(lookup(present, kept)[codes], kept, ordered=column_kind(column) == "ordered", like=column)


def _warn_novel(rows: pd.Series, levels: list[str], name: str) -> None:
    """The warning for the values of a column outside ``levels`` (and its NAs), when a
    level is new: a factor's new levels (used or not), a character column's new values
    in order of appearance."""
    novel = [lvl for lvl in map(str, factorize(rows)[1]) if lvl not in levels]
    if novel:
        one = len(novel) == 1
        quoted = cli_collapse([f'"{lvl}"' for lvl in novel])
        warnings.warn(f'Novel level{"" if one else "s"} found in column "{name}": {quoted}.\n'
                      f'\u2139 The level{" has" if one else "s have"} been removed, and values have '
                      "been coerced to <NA>.", NovelLevelsWarning, stacklevel=7)


def scream(data: pd.DataFrame, ptype: pd.DataFrame, allow_novel_levels: bool = False) -> pd.DataFrame:
    """Cast every column to its ptype (``data`` must already be shrunk). Bare factor
    columns: novel levels become NA with a :class:`NovelLevelsWarning`, or, with
    ``allow_novel_levels``, are kept with the data's levels ordered first."""
    out = {}
    for name in ptype.columns:
        column, target = data[name], ptype[name]
        if (column_kind(target) in ("factor", "ordered") and column_kind(column) in NUMBER_KINDS
                and not is_unspecified(column)):
            column = _level_labels(column, target, name)
        if column_kind(target) == "factor":
            levels = [str(c) for c in target.cat.categories]
            if allow_novel_levels:
                own = _data_levels(column) if column_kind(column) in ("factor", "character") else []
                target = target.cat.set_categories(list(dict.fromkeys(own + levels)))
            else:
                column = _remove_novel_levels(column, levels, name)
        out[name] = vec_cast(column, target, name)
    return pd.DataFrame(out, index=data.index, copy=False)  # columns kept apart, not stacked


# --------------------------------------------------------------------------- vec_cast
def _fail(column: pd.Series, target: pd.Series, name: str, why: str = "") -> ForgeError:
    detail = f" ({why})" if why else ""
    return ForgeError(f"Can't convert `{name}` <{column_kind(column)}> to <{column_kind(target)}>{detail}.")


def _to_double(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    if column.dtype == np.float64:  # already R's double: nothing to convert
        return column
    if column_kind(column) not in ("double", "integer", "logical"):
        raise _fail(column, target, name)
    return column.astype("Float64").astype(float)


def _to_integer(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    if column.dtype == "Int32":  # already R's integer
        return column
    if column_kind(column) not in ("double", "integer", "logical"):
        raise _fail(column, target, name)
    values = column.astype("Float64")
    finite = values.dropna()
    if not ((finite == np.trunc(finite)) & (finite.abs() <= INT_MAX)).all():
        raise _fail(column, target, name, "lossy cast: values are not whole numbers")
    return values.astype("Int32")


def _to_logical(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    if column_kind(column) not in ("double", "integer", "logical"):
        raise _fail(column, target, name)
    values = column.astype("Float64")
    if not values.dropna().isin([0.0, 1.0]).all():
        raise _fail(column, target, name, "lossy cast: only 0, 1 and NA convert to logical")
    return values.astype("boolean")


def _to_character(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    if column_kind(column) not in ("character", "factor", "ordered"):
        raise _fail(column, target, name)
    return as_character(column)


def number_labels(column: pd.Series) -> pd.Series:
    """R's ``as.character`` of a numeric or logical column (object, ``None`` for NA): the
    factor labels a CSV reader turned into numbers (``4`` or ``4.0`` -> ``"4"``)."""
    codes, uniques = pd.factorize(column)
    if column_kind(column) == "logical":
        labels = ["TRUE" if value else "FALSE" for value in uniques]
    else:
        labels = [format_double(float(value)) for value in uniques]
    return pd.Series(np.array(labels + [None], dtype=object)[codes], index=column.index, dtype=object)


def _level_labels(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    """A number column as the factor labels a CSV reader turned into numbers; numbers
    that are not all labels of the ptype's levels are a type error, as in R, and so is
    a column without any number (but a float column of NaN only: a CSV reader's empty
    column)."""
    labels = number_labels(column)
    levels = {str(level) for level in target.cat.categories}
    if not (labels.notna().any() or len(column) and column.dtype == np.float64):
        raise _fail(column, target, name)  # no value says these are labels: R's type error
    if not set(labels.dropna()) <= levels:
        raise _fail(column, target, name, "numbers are not factor levels; pass the "
                    "column as strings or a factor")
    return labels


def _to_factor(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    if column_kind(column) in NUMBER_KINDS:
        column = _level_labels(column, target, name)
    kind = column_kind(column)
    levels = list(target.cat.categories)
    if kind not in ("character", "factor", "ordered"):
        raise _fail(column, target, name)
    if kind in ("factor", "ordered") and kind != column_kind(target):
        raise _fail(column, target, name)
    if kind == "ordered" and list(column.cat.categories) != levels:
        raise _fail(column, target, name, "ordered factors need the same levels")
    lost = sorted({str(v) for v in present_labels(column)} - {str(lvl) for lvl in levels})
    if lost:
        raise _fail(column, target, name, f"lossy cast: unknown levels {', '.join(lost)}")
    return factor(column, levels, ordered=bool(target.cat.ordered))


def _to_datetime(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    kind = column_kind(column)
    if kind not in ("character", "date", "datetime"):
        raise _fail(column, target, name)
    values = pd.to_datetime(column, format="ISO8601") if kind == "character" else column
    tz = getattr(target.dtype, "tz", None)
    if tz is None:
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_localize(None)
        if (values.dropna() != values.dropna().dt.normalize()).any():
            raise _fail(column, target, name, "lossy cast: times are not at midnight")
        return values.astype(f"datetime64[{_cast_unit(values, target.dt.unit)}]")
    values = values.dt.tz_localize(tz) if getattr(values.dtype, "tz", None) is None else values.dt.tz_convert(tz)
    unit = _cast_unit(values, _finer_unit(values.dtype, target.dtype))
    return values.astype(pd.DatetimeTZDtype(unit, tz))


_UNITS = ("s", "ms", "us", "ns")


def _cast_unit(values: pd.Series, wanted: str) -> str:
    """``wanted``, unless the values lie beyond it (nanoseconds reach 1677-2262 only,
    R's dates further): then their own unit."""
    own = values.dt.unit
    if _UNITS.index(wanted) <= _UNITS.index(own):
        return wanted  # no finer: nothing overflows
    ticks = values.dropna().array.asi8  # in the values' own unit
    scale = np.timedelta64(1, own) // np.timedelta64(1, wanted)
    fits = not len(ticks) or float(np.abs(ticks).max()) * scale < np.iinfo("i8").max
    return wanted if fits else own


def _finer_unit(*dtypes: pd.DatetimeTZDtype) -> str:
    """The finest resolution among tz-aware dtypes: a POSIXct cast is lossless in R."""
    return max((dtype.unit for dtype in dtypes), key=_UNITS.index)


CASTS: dict[str, Callable[[pd.Series, pd.Series, str], pd.Series]] = {
    "double": _to_double, "integer": _to_integer, "logical": _to_logical,
    "character": _to_character, "factor": _to_factor, "ordered": _to_factor,
    "date": _to_datetime, "datetime": _to_datetime,
}


def is_unspecified(column: pd.Series) -> bool:
    """vctrs' unspecified vector: logical, not empty, every value missing (``NA`` or
    ``c(NA, NA)``), which casts to any type."""
    return len(column) > 0 and column_kind(column) == "logical" and bool(column.isna().all())


def _missing_like(target: pd.Series, index: pd.Index) -> pd.Series:
    """A column of ``target``'s type with every value missing (R's ``NA`` of that type)."""
    kind = column_kind(target)
    if kind == "double":
        return pd.Series(np.full(len(index), np.nan), index=index)
    if kind == "character":
        return pd.Series([None] * len(index), index=index, dtype=object)
    return target.reindex(range(len(index))).set_axis(index)


def vec_cast(column: pd.Series, target: pd.Series, name: str) -> pd.Series:
    """Cast ``column`` to the type of the 0-length ``target`` as vctrs does."""
    cast = CASTS.get(column_kind(target))
    if cast is None:
        return column
    if is_unspecified(column):
        return _missing_like(target, column.index)
    return cast(column, target, name)
