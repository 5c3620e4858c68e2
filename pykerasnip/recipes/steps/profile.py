"""``step_profile``: replace the data by a profile grid: every selected column fixed at
one value (a quantile, or a level) and one ``profile`` column varying over a grid of its
training values (for partial-dependence style plots)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, from_python, scalar, to_python
from ...errors import SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import GlobalEnv, List
from ...rmath import quantile7, r_sort_strings
from .. import selectors
from ..selectors import as_selector, select
from .base import Step, is_string_column, register, step_to_r


def r_seq(start: float, stop: float, length: int) -> np.ndarray:
    """``seq(from, to, length.out)``: interior points ``from + i * ((to - from) / n1)``
    with both ends exact."""
    if length <= 2:
        return np.array([start, stop][:length], dtype="f8")
    if start == stop:
        return np.full(length, start, dtype="f8")
    n1 = length - 1
    inner = start + np.arange(1, n1) * ((stop - start) / n1)
    return np.concatenate([[start], inner, [stop]])


def _kind(column: pd.Series) -> str:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return "factor"
    if pd.api.types.is_integer_dtype(column.dtype):
        return "integer"
    if pd.api.types.is_float_dtype(column.dtype):
        return "double"
    if is_string_column(column):
        return "character"
    raise UnsupportedStepError("step_profile", f"columns of type {column.dtype}")


def fixed_value(column: pd.Series, pct: float, index: int) -> Any:
    """recipes' ``fixed()``: the value a column is held at."""
    kind = _kind(column)
    if kind == "factor":
        levels = list(column.cat.categories)
        return pd.Categorical([levels[min(index, len(levels)) - 1]], categories=levels,
                              ordered=column.cat.ordered)
    if kind == "character":
        values = r_sort_strings(set(column.dropna()))
        return np.array([values[min(index, len(values)) - 1]], dtype=object)
    x = column.to_numpy(dtype="f8", na_value=np.nan)
    value = quantile7(x[~np.isnan(x)], [pct])
    return pd.array(np.unique(np.trunc(value)).astype("int64"), dtype="Int32") \
        if kind == "integer" else value


def profile_values(column: pd.Series, pctl: bool, length: int) -> Any:
    """recipes' ``prof()``: the grid the profiled column runs over."""
    kind = _kind(column)
    if kind == "factor":
        return np.array(list(column.cat.categories), dtype=object)
    if kind == "character":
        return np.array(r_sort_strings(set(column.dropna())), dtype=object)
    x = column.to_numpy(dtype="f8", na_value=np.nan)
    x = x[~np.isnan(x)]
    grid = quantile7(x, r_seq(0.0, 1.0, length)) if pctl else r_seq(x.min(), x.max(), length)
    if kind == "integer":
        return pd.array(pd.unique(np.trunc(grid)).astype("int64"), dtype="Int32")
    return pd.unique(grid)


@register
class StepProfile(Step):
    """``step_profile``: a grid over the ``profile`` column with the selected columns
    fixed (numbers at their ``pct`` quantile, factors at level ``index``)."""

    r_class = "step_profile"
    default_role = None

    def __init__(self, *terms: Any, profile: Any = None, pct: float = 0.5, index: int = 1,
                 grid: dict[str, Any] | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.profile_selector, self.pct, self.index = profile, pct, index
        self.grid = {"pctl": True, "len": 100} if grid is None else dict(grid)
        if sorted(self.grid) != ["len", "pctl"] or self.grid["len"] < 2:
            raise SpecError("step_profile: `grid` must be {'pctl': bool, 'len': whole number >= 2}")
        if not 0 <= pct <= 1:
            raise SpecError("step_profile: `pct` must be between 0 and 1")
        self.fixed: dict[str, Any] = {}
        self.profile: dict[str, Any] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepProfile":
        step = super().from_r(node)
        step.profile_selector = None
        step.pct, step.index = float(scalar(node["pct"])), int(scalar(node["index"]))
        grid = node["grid"]
        step.grid = {"pctl": flag(grid["pctl"]), "len": int(scalar(grid["len"]))}
        step.fixed = {c: to_python(v) for c, v in (node.get("columns") or List()).items()}
        step.profile = {c: to_python(v) for c, v in (node.get("profile") or List()).items()
                        if not isinstance(v, List)}
        return step

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        self.profile_selector = selectors.one_from_r(self.r_node["profile"], "step_profile's profile")

    def to_r(self) -> List:
        profile = (b.named_list({c: from_python(v) for c, v in self.profile.items()}) if self.trained
                   else b.structure(b.r_list([b.quosure(as_selector(self.profile_selector).r_expr(),
                                                        GlobalEnv)], [""]),
                                    {"class": ["quosures", "list"]}))
        return step_to_r(self, {
            "profile": profile, "pct": b.dbl(self.pct), "index": b.dbl(float(self.index)),
            "grid": b.named_list(pctl=b.lgl(bool(self.grid["pctl"])), len=b.dbl(float(self.grid["len"]))),
            "columns": b.named_list({c: from_python(v) for c, v in self.fixed.items()})
            if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        fixed = self.select(info)
        profiled = select([self.profile_selector], info) if self.profile_selector is not None else []
        if len(profiled) != 1:
            raise SpecError(f"step_profile: `profile` should select one column, not {len(profiled)}")
        if profiled[0] in fixed:
            raise SpecError(f"step_profile: `{profiled[0]}` is both profiled and fixed")
        self.fixed = {c: fixed_value(data[c], self.pct, self.index) for c in fixed}
        self.profile = {profiled[0]: profile_values(data[profiled[0]], bool(self.grid["pctl"]),
                                                    int(self.grid["len"]))}
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        (name, grid), = self.profile.items()
        n = len(grid)
        columns = {c: pd.Series(v).iloc[np.zeros(n, dtype=int)].reset_index(drop=True).array
                   for c, v in self.fixed.items()}
        columns[name] = pd.Series(grid).reset_index(drop=True).array
        return pd.DataFrame(columns)
