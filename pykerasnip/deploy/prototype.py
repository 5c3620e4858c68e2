"""R prototypes (0-row ptypes) as request schemas, and request rows as R-typed frames.

A vetiver prototype is the 0-row tibble of the predictors hardhat saw at mold time. Here
it becomes a pydantic model FastAPI validates ``/predict`` bodies against: one required,
nullable field per column, typed as R's column (double, integer, logical, character,
Date, POSIXct), a factor as the choice of its levels unless the blueprint allows novel
levels. Whatever fails that check (or pykerasnip's own forge casts) is a
:class:`RequestError`, which the API answers with 422 naming the column.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, Literal, Optional

import pandas as pd
import pydantic
from vetiver.types import Prototype

from ..errors import ForgeError
from ..hardhat.cast import column_kind


class RequestError(ForgeError):
    """A prediction request does not fit the model's prototype (HTTP 422)."""


def _factor_type(column: pd.Series, allow_novel_levels: bool) -> Any:
    levels = tuple(str(c) for c in column.cat.categories)
    return str if allow_novel_levels or not levels else Literal[levels]


#: R column kind -> (pydantic type of one value, description); factors are made per column
_SCALAR_TYPES: dict[str, tuple[Any, str]] = {
    "double": (float, "R double"),
    "integer": (int, "R integer"),
    "logical": (bool, "R logical"),
    "character": (str, "R character"),
    "date": (datetime.date, "R Date"),
    "datetime": (datetime.datetime, "R POSIXct"),
}


def _field(column: pd.Series, allow_novel_levels: bool) -> tuple[Any, Any]:
    kind = column_kind(column)
    if kind in ("factor", "ordered"):
        levels = [str(c) for c in column.cat.categories]
        novel = " (new levels allowed)" if allow_novel_levels else ""
        value_type = _factor_type(column, allow_novel_levels)
        description = f"R {kind} with levels {levels}{novel}"
    elif kind in _SCALAR_TYPES:
        value_type, description = _SCALAR_TYPES[kind]
    else:
        raise RequestError(f"prototype column {column.name!r} has a type ({column.dtype}) "
                           "a request cannot carry")
    # required (no default) but nullable: JSON null is R's NA
    return Optional[value_type], pydantic.Field(..., description=description)


def prototype_model(ptype: pd.DataFrame, allow_novel_levels: bool = False) -> type[Prototype]:
    """The pydantic model of one request row for the 0-row frame ``ptype``."""
    fields = {str(name): _field(ptype[name], allow_novel_levels) for name in ptype.columns}
    return pydantic.create_model("prototype", __base__=Prototype, **fields)


def _describe(error: dict) -> str:
    if error.get("type") == "json_invalid":  # its location is a character position
        return f"request body: {error.get('msg')}"
    loc = [p for p in error.get("loc", ()) if p != "body"]
    row = next((f" (row {p + 1})" for p in loc if isinstance(p, int)), "")
    column = next((p for p in reversed(loc) if isinstance(p, str)), None)
    where = "request body" if column is None else f"column '{column}'"
    return f"{where}{row}: {error.get('msg', 'invalid')}"


def validation_message(errors: Sequence[dict]) -> str:
    """One line per problem, each naming its column and row (from pydantic's errors)."""
    return "\n".join(dict.fromkeys(_describe(e) for e in errors))


#: R kind -> (dtype check of a frame column that needs no conversion, conversion) for the
#: kinds JSON values need converting to before pykerasnip's forge casts them
_COLUMN_MAKERS: dict[str, tuple[Callable[[Any], bool], Callable[[pd.Series], pd.Series]]] = {
    "double": (pd.api.types.is_float_dtype,
               lambda s: pd.to_numeric(s, errors="raise").astype("float64")),
    "date": (pd.api.types.is_datetime64_dtype, pd.to_datetime),  # any unit: R's dates pass 2262
}


def _json_column(values: pd.Series, target: pd.Series) -> pd.Series:
    ready, make = _COLUMN_MAKERS.get(column_kind(target), (None, None))
    if make is None or ready(values.dtype):
        return values
    try:
        return make(values)
    except (ValueError, TypeError) as exc:
        raise RequestError(f"column '{values.name}': {exc}") from None


def _check_levels(values: pd.Series, target: pd.Series) -> None:
    levels = {str(c) for c in target.cat.categories}
    novel = sorted({str(v) for v in values.dropna()} - levels)
    if novel:
        raise RequestError(f"column '{values.name}': unknown level(s) "
                           f"{', '.join(repr(v) for v in novel)}; the model knows "
                           f"{sorted(levels)} and its blueprint does not allow novel levels")


def rows_to_frame(rows: Any, ptype: pd.DataFrame, allow_novel_levels: bool = False) -> pd.DataFrame:
    """A frame of request ``rows`` (list of records, one record, or a DataFrame) with
    ptype's columns in order. A missing column, a value of the wrong type or (unless
    ``allow_novel_levels``) an unknown factor level is a :class:`RequestError` naming
    the column."""
    if isinstance(rows, pd.DataFrame):
        frame = rows
    else:
        records = [rows] if isinstance(rows, dict) else rows
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise RequestError("the request body must be a JSON array of records "
                               "(one object per row)")
        frame = pd.DataFrame.from_records([r if isinstance(r, dict) else dict(r) for r in records])
    if frame.empty and frame.columns.empty:  # `[]`: no rows, and so no columns to check
        frame = ptype
    missing = [str(c) for c in ptype.columns if c not in frame.columns]
    if missing:
        raise RequestError("missing column(s): " + ", ".join(f"'{c}'" for c in missing))
    frame = frame.loc[:, list(ptype.columns)]
    if not allow_novel_levels:
        for name in ptype.columns:
            if column_kind(ptype[name]) in ("factor", "ordered"):
                _check_levels(frame[name], ptype[name])
    return pd.DataFrame({name: _json_column(frame[name], ptype[name]) for name in ptype.columns})
