"""Steps that recode values into factors or integers and back: relevel, unorder,
bin2factor, num2factor and integer.

``step_num2factor`` holds an R function (``transform``); it is replayed when its body is
an expression :func:`pykerasnip.rexpr.evaluate` understands (``x``, ``x + 1``...), and
written back as such a function.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, from_python, named_values, strings, to_python
from ...errors import ForgeError, SpecError, UnsupportedObjectError, UnsupportedStepError
from ...factor import from_codes, is_factor, match
from ...formula.parse import parse
from ...rds import build as b
from ...rds.nodes import Closure, GlobalEnv, List, MissingArg
from ...rexpr import as_character as r_as_character
from ...rexpr import evaluate
from ...rmath import r_sort_strings
from .base import SelectedColumnsStep, Step, closure_body, is_string_column, register, step_to_r
from .categorical import LevelsStep, require_factors
from .numeric import numeric_columns, numeric_values


def as_r_factor(column: pd.Series) -> pd.Series:
    """``as.factor``: a factor stays as it is, strings get their sorted distinct values
    as levels."""
    if is_factor(column):
        return column
    levels = r_sort_strings(column.dropna().unique())
    return from_codes(match(column, levels), levels, like=column)


@register
class StepRelevel(LevelsStep):
    """``step_relevel``: make ``ref_level`` the first level (``stats::relevel``)."""

    r_class = "step_relevel"
    level_field = "ref_level"

    def __init__(self, *terms: Any, ref_level: str = "", **common: Any):
        super().__init__(*terms, **common)
        self.ref_level = ref_level

    def check_levels(self) -> None:
        if not isinstance(self.ref_level, str) or not self.ref_level:
            raise SpecError("step_relevel: `ref_level` must be a single non-empty string")
        lacking = [c for c, (levels, _) in self.objects.items() if self.ref_level not in levels]
        if lacking:
            raise ForgeError(f"step_relevel: these columns do not include the reference level "
                             f"{self.ref_level!r}: {', '.join(lacking)}")

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: self._relevel(as_r_factor(data[c]), c) for c in self.objects})

    def _relevel(self, column: pd.Series, name: str) -> pd.Series:
        if column.cat.ordered:
            raise ForgeError(f"step_relevel: `{name}` is an ordered factor; 'relevel' only "
                             "works on unordered factors")
        levels = list(column.cat.categories)
        if self.ref_level not in levels:
            raise ForgeError(f"step_relevel: 'ref' must be an existing level of `{name}`: "
                             f"{self.ref_level!r} is not")
        order = [self.ref_level] + [lvl for lvl in levels if lvl != self.ref_level]
        return from_codes(match(column, order), order, like=column)


@register
class StepUnorder(SelectedColumnsStep):
    """``step_unorder``: ordered factors -> unordered factors with the same levels."""

    r_class = "step_unorder"

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        require_factors(data, self.columns, self.r_class, allow_strings=True)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: self._unordered(data[c]) for c in self.columns})

    @staticmethod
    def _unordered(column: pd.Series) -> pd.Series:
        # factor(as.character(x), levels(x)): a character column has no levels, so R
        # gives an all-missing factor without levels
        levels = list(column.cat.categories) if is_factor(column) else []
        return from_codes(match(column, levels), levels, like=column)


@register
class StepBin2factor(SelectedColumnsStep):
    """``step_bin2factor``: 0/1 (or logical) columns -> two-level factors; 1 is
    ``levels[0]``."""

    r_class = "step_bin2factor"

    def __init__(self, *terms: Any, levels: tuple[str, str] = ("yes", "no"),
                 ref_first: bool = True, **common: Any):
        super().__init__(*terms, **common)
        if len(levels) != 2:
            raise SpecError("step_bin2factor: `levels` must hold exactly two values")
        self.levels, self.ref_first = list(levels), ref_first

    @classmethod
    def from_r(cls, node: List) -> "StepBin2factor":
        step = super().from_r(node)
        step.levels, step.ref_first = strings(node["levels"]), flag(node["ref_first"])
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {"levels": b.chr(*self.levels), "ref_first": b.lgl(self.ref_first),
                **super().fields_to_r()}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        wrong = [c for c in self.columns if not (pd.api.types.is_numeric_dtype(data[c])
                                                 or pd.api.types.is_bool_dtype(data[c]))]
        if wrong:
            raise SpecError(f"step_bin2factor: columns must be numeric or logical: {', '.join(wrong)}")
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        order = self.levels if self.ref_first else self.levels[::-1]
        out = {}
        for column in self.columns:
            x = numeric_values(data[column])
            label = np.where(x == 1, order.index(self.levels[0]), order.index(self.levels[1]))
            out[column] = from_codes(np.where(np.isnan(x), -1, label), order, like=data[column])
        return data.assign(**out)


def closure_expression(fn: Any, step: str) -> tuple[str, Any]:
    """(argument name, body) of a one-argument R function."""
    if not isinstance(fn, Closure) or len(fn.arg_names) != 1:
        raise UnsupportedStepError(step, f"the stored function {fn!r} does not take exactly one "
                                         "argument")
    return fn.arg_names[0], closure_body(fn)


@register
class StepNum2factor(Step):
    """``step_num2factor``: numbers -> factor ``levels[transform(x)]``.

    ``transform`` is an R expression in ``x`` (default ``"x"``), e.g. ``"x + 1"``.
    """

    r_class = "step_num2factor"
    default_role = None

    def __init__(self, *terms: Any, levels: list[str] | None = None, transform: str = "x",
                 ordered: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.factor_levels = list(levels or [])
        self.argument, self.expression = "x", parse(transform)
        self.ordered: dict[str, bool] | bool = ordered
        self.column_levels: dict[str, list[str]] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepNum2factor":
        step = super().from_r(node)
        step.argument, step.expression = closure_expression(node["transform"], cls.r_class)
        levels = node["levels"]
        if isinstance(levels, List):
            entries = {k: strings(v) for k, v in levels.items()}
            step.factor_levels = entries.pop("..levels")
            step.column_levels = entries
        else:
            step.factor_levels, step.column_levels = strings(levels), {}
        ordered = node.get("ordered")
        step.ordered = ({k: bool(v) for k, v in named_values(ordered).items()}
                        if ordered.names else flag(ordered))
        return step

    def to_r(self) -> List:
        transform = b.closure({self.argument: MissingArg}, self.expression, GlobalEnv)
        if self.trained:
            levels = b.named_list({**{c: b.chr(*v) for c, v in self.column_levels.items()},
                                   "..levels": b.chr(*self.factor_levels)})
            ordered = b.structure(b.lgl(*self.ordered.values()), {"names": b.chr(*self.ordered)})
        else:
            levels, ordered = b.chr(*self.factor_levels), b.lgl(bool(self.ordered))
        return step_to_r(self, {"transform": transform, "levels": levels, "ordered": ordered})

    def _transformed(self, column: pd.Series) -> Any:
        try:
            return evaluate(self.expression, pd.DataFrame({self.argument: column}))
        except UnsupportedObjectError as err:
            raise UnsupportedStepError(self.r_class, f"the transform function: {err}") from err

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        if not self.factor_levels:
            raise SpecError("step_num2factor: give the factor `levels`")
        columns = numeric_columns(self, data, info)
        self.column_levels = {c: r_sort_strings(
            {v for v in r_as_character(self._transformed(data[c]).array) if v is not None})
            for c in columns}
        self.ordered = dict.fromkeys(columns, bool(self.ordered))
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.ordered) if isinstance(self.ordered, dict) else []

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        columns = self.required_columns()
        if len(columns) > 1:
            # recipes 1.3.2 assigns to new_data[[col_names]], which fails for several columns
            raise ForgeError("step_num2factor: R's bake() fails when the step has more than "
                             f"one column ({', '.join(columns)})")
        ordered = next(iter(self.ordered.values()), False) if columns else False
        out = {}
        for column in columns:
            y = np.trunc(numeric_values(pd.Series(self._transformed(data[column]))))
            if (y[~np.isnan(y)] < 1).any():
                raise ForgeError(f"step_num2factor: `{column}` gives level positions below 1")
            codes = np.where(np.isnan(y) | (y > len(self.factor_levels)), 0, y).astype(int) - 1
            out[column] = from_codes(codes, self.factor_levels, ordered, like=data[column])
        return data.assign(**out)


def unique_values(column: pd.Series) -> Any:
    """recipes' ``get_unique_values``: a factor's levels, else the sorted distinct values."""
    if is_factor(column):
        return list(column.cat.categories)
    if is_string_column(column):
        return r_sort_strings(column.dropna().unique())
    present = column.dropna()
    if pd.api.types.is_datetime64_any_dtype(column.dtype):  # dates and date-times, time zone kept
        return present.drop_duplicates().sort_values().array
    for test, dtype in ((pd.api.types.is_bool_dtype, bool), (pd.api.types.is_integer_dtype, "int64"),
                        (pd.api.types.is_float_dtype, "f8")):
        if test(column.dtype):
            return np.unique(present.to_numpy(dtype))
    raise UnsupportedStepError("step_integer", f"columns of type {column.dtype}")


@register
class StepInteger(Step):
    """``step_integer``: values -> their position among the training values (0 for
    values not seen; ``zero_based``: from 0, unseen values one past the last)."""

    r_class = "step_integer"
    default_role = "predictor"

    def __init__(self, *terms: Any, strict: bool = True, zero_based: bool = False,
                 **common: Any):
        super().__init__(*terms, **common)
        self.strict, self.zero_based = strict, zero_based
        self.key: dict[str, Any] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepInteger":
        step = super().from_r(node)
        step.strict, step.zero_based = flag(node["strict"]), flag(node["zero_based"])
        key = node.get("key")
        step.key = {} if key is None else {c: _key_values(k.get("value")) for c, k in key.items()}
        return step

    def to_r(self) -> List:
        def key_tibble(values: Any) -> List:
            ints = np.arange(len(values)) + 1
            integer = b.dbl(*(ints - 1.0)) if self.zero_based else b.int_(*ints.tolist())
            return b.tibble({"value": _key_node(values), "integer": integer}, n=len(values))
        key = b.named_list({c: key_tibble(v) for c, v in self.key.items()})
        return step_to_r(self, {"strict": b.lgl(self.strict), "zero_based": b.lgl(self.zero_based),
                                "key": key if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.key = {c: unique_values(data[c]) for c in self.select(info)}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.key)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data.assign(**{c: self._positions(data[c], self.key[c]) for c in self.key})

    def _positions(self, column: pd.Series, values: Any) -> pd.Series:
        base = 0 if self.zero_based else 1
        if is_factor(column) or is_string_column(column):
            codes = match(column, list(values), missing=-2)
            missing = codes == -2
        else:
            present = pd.Series(column).astype(object).where(column.notna(), None)
            codes = pd.Index(list(values), dtype=object).get_indexer(present.to_numpy())
            missing = column.isna().to_numpy()
        unseen = len(values) if self.zero_based else 0
        out = np.where(codes >= 0, codes + base, unseen).astype("f8")
        out[missing] = np.nan
        if self.strict:
            return pd.Series(pd.array(np.where(missing, 0, out).astype("int64"), dtype="Int32"),
                             index=column.index).mask(missing)
        return pd.Series(out, index=column.index)


def _key_values(node: Any) -> Any:
    values = to_python(node)
    if isinstance(values, pd.Categorical) or np.asarray(values).dtype == object:
        return [str(v) for v in np.asarray(values, dtype=object)]
    return np.asarray(values)


def _key_node(values: Any) -> Any:
    if isinstance(values, list):
        return b.chr(*values)
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return from_python(pd.Series(values))
    if values.dtype == bool:
        return b.lgl(*values.tolist())
    if np.issubdtype(values.dtype, np.integer):
        return b.int_(*values.tolist())
    return b.dbl(*values.tolist())
