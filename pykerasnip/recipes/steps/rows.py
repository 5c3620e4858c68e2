"""Row steps: naomit, filter, slice, arrange, sample and shuffle (``skip = TRUE`` by
default except shuffle; with ``skip = FALSE`` they act on new data too) and lag.

filter/slice/arrange hold R expressions (quosures), replayed with
:mod:`pykerasnip.rexpr`. sample and shuffle draw R's random numbers: inside
``pykerasnip.rrng.r_session(seed)`` they draw what R draws after ``set.seed(seed)``.
"""
from __future__ import annotations

import secrets
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, to_python
from ...errors import ForgeError, SpecError, UnsupportedObjectError, UnsupportedStepError
from ...formula.parse import parse
from ...rds import build as b
from ...rds.nodes import GlobalEnv, Lang, List, Sym
from ...rexpr import Context, as_double, as_logical, eval_node, evaluate
from ...rrng import RRandom, current_stream
from .base import SelectedColumnsStep, Step, append_columns, drop_inputs, register, step_to_r
from .mutate import quosure_expression


def _stream() -> RRandom:
    return current_stream() or RRandom(secrets.randbits(31))


def sample_indices(stream: RRandom, n: int, size: int, replace: bool) -> np.ndarray:
    """R's ``sample.int(n, size, replace)`` (0-based), rejection sampling as R >= 3.6."""
    if replace:
        return np.array([stream.unif_index(n) for _ in range(size)], dtype=int)
    if size > n:
        raise ForgeError("cannot take a sample larger than the population when 'replace = FALSE'")
    pool, out = list(range(n)), []
    for _ in range(size):
        j = stream.unif_index(n)
        out.append(pool[j])
        n -= 1
        pool[j] = pool[n]
    return np.array(out, dtype=int)


def _unnamed_quosures(exprs: list[Any]) -> List:
    return b.structure(b.r_list([b.quosure(e, GlobalEnv) for e in exprs], [""] * len(exprs)),
                       {"class": ["quosures", "list"]})


_NO_TERMS = b.structure(b.r_list([]), {"class": ["quosures", "list"]})


class _RowStep(Step):
    """A row step (no new columns; role NA) that is skipped on new data by default."""

    default_role = None
    whole_frame = True

    def __init__(self, *terms: Any, skip: bool = True, **common: Any):
        super().__init__(*terms, skip=skip, **common)


class _ExpressionRowStep(_RowStep):
    """filter / slice / arrange: R expressions (text in Python) in ``inputs``."""

    def __init__(self, *expressions: Any, **common: Any):
        super().__init__(**common)
        self.inputs = [parse(e) if isinstance(e, str) else e for e in expressions]

    @classmethod
    def from_r(cls, node: List) -> "_ExpressionRowStep":
        step = super().from_r(node)
        inputs = node.get("inputs")
        step.inputs = [] if inputs is None else [quosure_expression(q) for q in inputs.data]
        return step

    def to_r(self) -> List:
        return step_to_r(self, {"inputs": _unnamed_quosures(self.inputs)}, terms=_NO_TERMS)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.trained = True

    def value(self, expr: Any, data: pd.DataFrame) -> Any:
        try:
            return eval_node(expr, Context(data))
        except UnsupportedObjectError as err:
            raise UnsupportedStepError(self.r_class, str(err)) from err


@register
class StepNaomit(SelectedColumnsStep, _RowStep):
    """``step_naomit``: drop rows with a missing value in the selected columns."""

    r_class = "step_naomit"

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return data[data[self.columns].notna().all(axis=1).to_numpy()] if self.columns else data


@register
class StepFilter(_ExpressionRowStep):
    """``step_filter``: keep the rows where every condition is TRUE (``dplyr::filter``)."""

    r_class = "step_filter"

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        keep = np.ones(len(data), dtype=bool)
        for expr in self.inputs:
            try:
                value = evaluate(expr, data)
            except UnsupportedObjectError as err:
                raise UnsupportedStepError(self.r_class, str(err)) from err
            flags = as_logical(value.array if isinstance(value, pd.Series) else value)
            keep &= flags.to_numpy(dtype=bool, na_value=False)
        return data[keep]


@register
class StepSlice(_ExpressionRowStep):
    """``step_slice``: keep (positive) or drop (negative) rows by position (``dplyr::slice``)."""

    r_class = "step_slice"

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if not self.inputs:
            return data
        positions = np.concatenate([as_double(self.value(e, data)) for e in self.inputs])
        positions = positions[~np.isnan(positions) & (positions != 0)].astype(int)
        if (positions < 0).any() and (positions > 0).any():
            raise ForgeError("step_slice: can't mix positive and negative row positions")
        n = len(data)
        if (positions < 0).any():
            drop = set((-positions[-positions <= n] - 1).tolist())
            rows = [i for i in range(n) if i not in drop]
        else:
            rows = (positions[positions <= n] - 1).tolist()
        return data.iloc[rows]


def _sort_key(values: Any) -> np.ndarray:
    """Ranks that order a vector as dplyr's ``arrange`` (strings in the C locale; NA is
    NaN, put last by the caller)."""
    if isinstance(values, pd.Categorical):
        return np.where(values.codes < 0, np.nan, values.codes.astype("f8"))
    array = np.asarray(values, dtype=object)
    if all(v is None or isinstance(v, str) for v in array):
        ranks = {v: i for i, v in enumerate(sorted({v for v in array if v is not None},
                                                   key=lambda t: t.encode("utf-8")))}
        return np.array([np.nan if v is None else ranks[v] for v in array], dtype="f8")
    return as_double(values)


@register
class StepArrange(_ExpressionRowStep):
    """``step_arrange``: sort the rows (``dplyr::arrange``; ``desc(x)`` descending,
    missing values last)."""

    r_class = "step_arrange"

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        order = np.arange(len(data))
        for expr in reversed(self.inputs):
            descending = isinstance(expr, Lang) and isinstance(expr.function, Sym) and \
                expr.function.name == "desc"
            key = _sort_key(self.value(expr.args[0][1] if descending else expr, data))
            if len(key) == 1:
                continue
            key = key[order]
            ranked = np.where(np.isnan(key), np.inf, -key if descending else key)
            # NA last even when descending: they sort after every finite key
            nan_last = np.isnan(key).astype(int)
            order = order[np.lexsort((ranked, nan_last))]
        return data.iloc[order]


@register
class StepSample(_RowStep):
    """``step_sample``: a random sample of rows (``size`` rows when >= 1, else that
    fraction; ``replace``)."""

    r_class = "step_sample"
    draws_random = True

    def __init__(self, *terms: Any, size: float | None = None, replace: bool = False,
                 **common: Any):
        super().__init__(*terms, **common)
        if size is not None and size < 0:
            raise SpecError("step_sample: `size` must be a number >= 0")
        self.size, self.replace = size, replace

    @classmethod
    def from_r(cls, node: List) -> "StepSample":
        if flag(node.get("case_weights")):
            raise UnsupportedStepError(cls.r_class, "case weights are not supported")
        step = super().from_r(node)
        size = node.get("size")
        step.size = None if size is None else float(scalar(size))
        step.replace = flag(node.get("replace"))
        return step

    def to_r(self) -> List:
        return step_to_r(self, {"size": None if self.size is None else b.dbl(float(self.size)),
                                "replace": b.lgl(self.replace),
                                "case_weights": b.lgl(False) if self.trained else None},
                         terms=_NO_TERMS)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        if self.size is None:
            self.size = float(len(data))
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        n = len(data)
        size = int(np.floor(min(self.size, n))) if self.size >= 1 else int(round(self.size * n))
        return data.iloc[sample_indices(_stream(), n, size, bool(self.replace))]


@register
class StepShuffle(SelectedColumnsStep):
    """``step_shuffle``: each selected column randomly permuted (``sample()``)."""

    r_class = "step_shuffle"
    whole_frame = True
    draws_random = True

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if len(data) == 1:
            warnings.warn("`new_data` contains a single row; unable to shuffle.", UserWarning,
                          stacklevel=2)
            return data
        stream = _stream()
        out = {}
        for column in self.columns:
            rows = sample_indices(stream, len(data), len(data), False)
            out[column] = data[column].iloc[rows].set_axis(data.index)
        return data.assign(**out)


@register
class StepLag(SelectedColumnsStep):
    """``step_lag``: lagged copies ``<prefix><lag>_<col>`` of the selected columns
    (``dplyr::lag``, filled with ``default``)."""

    r_class = "step_lag"
    reads_neighbours = True
    default_role = "predictor"

    def __init__(self, *terms: Any, lag: Any = 1, prefix: str = "lag_", default: Any = None,
                 keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        lags = np.atleast_1d(np.asarray(lag, dtype="f8"))
        if not (lags == np.round(lags)).all() or (lags < 0).any():
            raise SpecError("step_lag: `lag` must be non-negative whole numbers")
        self.lag = [int(v) for v in lags]
        self.prefix, self.default, self.keep_original_cols = prefix, default, keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "StepLag":
        step = super().from_r(node)
        step.lag = [int(v) for v in np.atleast_1d(to_python(node["lag"]))]
        step.prefix = scalar(node["prefix"])
        default = scalar(node.get("default"))
        step.default = None if default is None or (isinstance(default, float) and np.isnan(default)) \
            else default
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def fields_to_r(self) -> dict[str, Any]:
        default = b.lgl(None) if self.default is None else b.as_node(self.default)
        return {"lag": b.int_(*self.lag), "default": default, "prefix": b.chr(self.prefix),
                **super().fields_to_r(), "keep_original_cols": b.lgl(self.keep_original_cols)}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        for column in self.columns:
            new = pd.DataFrame({f"{self.prefix}{k}_{column}": self._lagged(data[column], k)
                                for k in self.lag}, index=data.index)
            data = append_columns(data, new, self.r_class)
        return drop_inputs(data, self.columns, self.keep_original_cols)

    def _lagged(self, column: pd.Series, k: int) -> pd.Series:
        shifted = column.shift(k) if k else column.copy()
        if self.default is not None and k:
            shifted.iloc[:min(k, len(column))] = self.default
        return shifted.array

