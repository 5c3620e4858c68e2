"""Imputation steps: impute_mean, impute_median, impute_mode, impute_knn, impute_linear,
and indicate_na.

Filled values are cast like recipes casts them: an integer column gets integer fills
(rounded half to even), a factor keeps its levels.
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ...convert import datetime_numbers, flag, from_pandas, named_values, scalar, strings
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...factor import as_character, factor, unmatched
from ...rformat import cli_collapse
from ...rds import build as b
from ...formula.parse import deparse_name
from ...formula.terms import terms_from_formula
from ...rds.nodes import BaseEnv, List
from ...rlinalg import lm_coefficients, matprod
from ...rmath import na_rm_range, r_sort_strings
from ...rowblocks import row_offset, warn_rows
from ...rrng import RRandom, current_stream
from .. import selectors
from ..selectors import all_predictors, r_quosures, select
from .base import (Step, append_columns, column_names, first, ifelse_integer, is_string_column,
                   named_chr, named_dbl, register, step_to_r)
from .categorical import model_matrix_columns
from .numeric import col_mean, numeric_columns, numeric_values


def is_integer_column(column: pd.Series) -> bool:
    return pd.api.types.is_integer_dtype(column) and not pd.api.types.is_bool_dtype(column)


def cast_like(value: Any, reference: pd.Series) -> Any:
    """recipes' ``cast``: a numeric estimate rounded to an integer for integer columns."""
    if isinstance(value, str) or not is_integer_column(reference) or math.isnan(value):
        return value
    return int(np.round(value))


def fill_missing(column: pd.Series, value: Any) -> pd.Series:
    """NA entries of ``column`` replaced by ``value``, as recipes' ``vec_cast`` of a column
    with NAs to the value's type, then tibble's assignment to its NA rows: a logical column
    of NAs only (or of no rows) takes the value's type; any other column without NA keeps
    its type, the value cast to it losslessly or not at all (a fraction into an integer or
    logical column stops, as R does even when no row is assigned)."""
    unspecified = pd.api.types.is_bool_dtype(column) and not column.notna().any()
    if unspecified or column.isna().any():
        return cast_to_fill(column, value).fillna(value)
    _check_lossless(column, value)
    return column


def _check_lossless(column: pd.Series, value: Any) -> None:
    """``vctrs::vec_cast(value, column)`` for a number into an integer or logical column."""
    if isinstance(value, (str, bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        return
    if pd.api.types.is_bool_dtype(column):
        lossy, kind = not (value in (0, 1) or np.isnan(value)), "logical"
    elif pd.api.types.is_integer_dtype(column):
        lossy, kind = not (np.isnan(value) or float(value).is_integer()), "integer"
    else:
        return
    if lossy:
        raise ForgeError(f"Can't convert the imputed value {value!r} to <{kind}> `{column.name}` "
                         "due to loss of precision")


def cast_to_factor_like(column: pd.Series, like: pd.Series, step: str) -> pd.Series:
    """``vctrs::vec_cast(column, <training factor>)``: the training levels, refused
    ("loss of generality") when a value is not among them; a factor and an ordered
    factor never cast to each other, nor ordered factors of other levels; other types
    are left as is."""
    if not isinstance(like.dtype, pd.CategoricalDtype):
        return column
    if isinstance(column.dtype, pd.CategoricalDtype) and (
            column.cat.ordered != like.cat.ordered
            or (like.cat.ordered and list(column.cat.categories) != list(like.cat.categories))):
        kinds = ["ordered" if c.cat.ordered else "factor" for c in (column, like)]
        raise ForgeError(f"{step}: can't convert `{column.name}` <{kinds[0]}> to match type of "
                         f"`{column.name}` <{kinds[1]}> (the training levels)")
    lost = unmatched(column, list(like.dtype.categories))
    if lost:
        raise ForgeError(f"{step}: can't convert `{column.name}` to the training factor due to "
                         f"loss of generality: {', '.join(map(str, lost))} not among its levels")
    return column.astype(like.dtype)


def cast_to_fill(column: pd.Series, value: Any) -> pd.Series:
    """``column`` cast to the type of the fill ``value`` as ``vctrs::vec_cast`` does
    (integer: lossless only; double: plain float64); any other value leaves it as is."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        values = numeric_values(column)
        present = values[~np.isnan(values)]
        if not np.array_equal(present, np.round(present)):
            raise ForgeError(f"Can't convert column `{column.name}` <double> to <integer>: "
                             "the imputed value is an integer and the column has fractions")
        return column.astype("Int32")
    if isinstance(value, (float, np.floating)):
        return pd.Series(numeric_values(column), index=column.index, name=column.name)
    return column


class _StatisticImpute(Step):
    """impute_mean / impute_median: one statistic per column, stored as a named list."""

    default_role = None
    stat_field = ""

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.values: dict[str, Any] = {}

    @classmethod
    def from_r(cls, node: List) -> "_StatisticImpute":
        step = super().from_r(node)
        stored = node.get(cls.stat_field)
        step.values = {} if stored is None else {k: scalar(v) for k, v in stored.items()}
        return step

    def statistic(self, x: np.ndarray) -> float:
        raise NotImplementedError

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.values = {c: cast_like(self.statistic(numeric_values(data[c])), data[c])
                       for c in numeric_columns(self, data, info)}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.values)

    def settings_to_r(self) -> dict[str, Any]:
        return {}

    def to_r(self) -> List:
        values = b.named_list({k: b.int_(v) if isinstance(v, (int, np.integer)) else b.dbl(v)
                               for k, v in self.values.items()})
        return step_to_r(self, {self.stat_field: values, **self.settings_to_r(),
                                "case_weights": None})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = data.copy(deep=False)
        for column, value in self.values.items():
            out[column] = fill_missing(out[column], value)
        return out


def trimmed(x: np.ndarray, trim: float) -> np.ndarray:
    """recipes' ``trim``: drop NA and the ``trim`` fraction at each end (median for >= 0.5);
    with no trim the values keep their order, which the mean sums them in."""
    x = x[~np.isnan(x)]
    if trim <= 0 or not len(x):
        return x
    x = np.sort(x)
    if trim >= 0.5:
        return np.array([np.median(x)])
    # recipes' seq(1, lo - 1) is c(1, 0) when floor(n * trim) is 0: one value still goes
    low = max(1, math.floor(len(x) * trim))
    return x[low:len(x) - low]


@register
class StepImputeMean(_StatisticImpute):
    """``step_impute_mean``: fill NA with the (trimmed) training mean."""

    r_class = "step_impute_mean"
    stat_field = "means"
    r_fields = ("trim",)

    def __init__(self, *terms: Any, trim: float = 0.0, **common: Any):
        super().__init__(*terms, **common)
        self.trim = trim

    def statistic(self, x: np.ndarray) -> float:
        return col_mean(trimmed(x, float(first(self.trim))))

    def settings_to_r(self) -> dict[str, Any]:
        return {"trim": b.dbl(float(first(self.trim)))}


@register
class StepImputeMedian(_StatisticImpute):
    """``step_impute_median``: fill NA with the training median."""

    r_class = "step_impute_median"
    stat_field = "medians"

    def statistic(self, x: np.ndarray) -> float:
        x = x[~np.isnan(x)]
        return float(np.median(x)) if len(x) else math.nan


def level_counts(column: pd.Series) -> pd.Series:
    """R's ``table()`` of a nominal column: counts per level (every level of a factor,
    the sorted values of a character column)."""
    counts = column.value_counts(sort=False, dropna=True)
    if not isinstance(column.dtype, pd.CategoricalDtype):
        counts = counts.reindex(r_sort_strings(counts.index))
    return counts


def sampled_mode(column: pd.Series, stream: RRandom | None) -> str | None:
    """recipes' ``mode_est``: one of the most frequent values, drawn with R's
    ``sample()`` from ``stream`` (the first of them without a stream)."""
    counts = level_counts(column)
    modes = counts.index[counts == counts.max()].tolist() if len(counts) else []
    if not modes:
        return None
    return str(stream.sample_one(modes) if stream is not None else modes[0])


@register
class StepImputeMode(Step):
    """``step_impute_mode``: fill NA of nominal columns with the training mode."""

    r_class = "step_impute_mode"
    default_role = None
    r_fields = ("ptype",)

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.modes: dict[str, str] = {}
        self.ptype: pd.DataFrame | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepImputeMode":
        step = super().from_r(node)
        step.modes = {k: str(v) for k, v in named_values(node.get("modes")).items()}
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = self.select(info)
        wrong = [c for c in columns if not (isinstance(data[c].dtype, pd.CategoricalDtype)
                                            or is_string_column(data[c]))]
        if wrong:
            raise SpecError("The data should be character or factor to compute the mode: "
                            + ", ".join(wrong))
        stream = current_stream()  # recipes' mode_est() draws among tied modes
        self.modes = {c: sampled_mode(data[c], stream) for c in columns}
        empty = [c for c, mode in self.modes.items() if mode is None]
        if empty:
            raise ForgeError(f"step_impute_mode: no values in `{empty[0]}` to take the mode of "
                             "(R: cannot take a sample larger than the population)")
        self.ptype = data[columns].iloc[:0]
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.modes)

    def to_r(self) -> List:
        modes = b.structure(b.chr(*self.modes.values()), {"names": b.chr(*self.modes)})
        ptype = None if self.ptype is None else from_pandas(self.ptype, tibble=True)
        return step_to_r(self, {"modes": modes, "ptype": ptype, "case_weights": None})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = data.copy(deep=False)
        for column, mode in self.modes.items():
            if out[column].isna().any():
                out[column] = self._cast(out[column]).fillna(mode)
        return out

    def _cast(self, column: pd.Series) -> pd.Series:
        if self.ptype is None or column.name not in self.ptype.columns:
            return column
        return cast_to_factor_like(column, self.ptype[column.name], self.r_class)


def _gower_kind(column: pd.Series) -> str:
    """gower's kind of a column: by R type, so dates and date-times (doubles) are numbers."""
    if pd.api.types.is_bool_dtype(column):
        return "logical"
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return "numeric"
    return "nominal"


def _gower_numbers(a: pd.Series, b: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Two columns as the doubles R holds (days or seconds for dates and date-times, told
    apart on both together)."""
    if not pd.api.types.is_datetime64_any_dtype(a):
        return numeric_values(a), numeric_values(b)
    both = datetime_numbers(pd.concat([a, b], ignore_index=True))
    return both[:len(a)], both[len(a):]


def gower_topn(x: pd.DataFrame, y: pd.DataFrame, n: int, eps: float = 1e-8) -> np.ndarray:
    """``gower::gower_topn(x, y, n)$index`` (0-based, shape n x nrow(x); -1 where fewer
    than ``n`` rows of ``y`` are comparable): for each row of ``x`` the ``n`` rows of
    ``y`` nearest by Gower distance. Numeric ranges span ``x`` and ``y`` together; a
    variable whose range is below ``eps`` is skipped."""
    similarity = np.zeros((len(x), len(y)))
    weight = np.zeros((len(x), len(y)))
    for name in x.columns:
        sijk, dijk = _gower_term(x[name], y[name], eps)
        similarity += dijk * sijk
        weight += dijk
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.where(weight == 0, np.nan, 1.0 - similarity / weight)
    return np.column_stack([_push_top_n(row, n) for row in distance]) if len(x) else \
        np.empty((n, 0), dtype=int)


def _push_top_n(distance: np.ndarray, n: int) -> np.ndarray:
    """gower's ``push``: candidates in row order enter a sorted list of length ``n``
    before the first larger entry, or before an equal one unless it is the last slot.
    Only candidates up to the n-th smallest distance can end in the list."""
    finite = np.sort(distance[~np.isnan(distance)])
    values, index = [np.inf] * n, [-1] * n
    if not finite.size:
        return np.array(index)
    for k in np.flatnonzero(distance <= finite[min(n, finite.size) - 1]):
        slot = next((i for i in range(n) if distance[k] < values[i]
                     or (distance[k] == values[i] and i < n - 1)), None)
        if slot is not None:
            values.insert(slot, distance[k])
            index.insert(slot, int(k))
            del values[n:], index[n:]
    return np.array(index)


def _gower_term(a: pd.Series, b: pd.Series, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """Per-pair similarity ``sijk`` and comparability ``dijk`` (0/1) of one variable."""
    kind = _gower_kind(a)
    if kind == "numeric":
        xa, xb = _gower_numbers(a, b)
        both = np.concatenate([xa, xb])
        low, high = na_rm_range(both)
        spread = high - low
        comparable = (~np.isnan(xa)[:, None] & ~np.isnan(xb)[None, :]).astype(float)
        if not spread >= eps:
            return np.zeros(comparable.shape), np.zeros(comparable.shape)
        with np.errstate(invalid="ignore"):
            return np.where(comparable == 1, 1.0 - np.abs(xa[:, None] - xb[None, :]) / spread, 0.0), comparable
    if kind == "logical":
        va = a.to_numpy(dtype="f8", na_value=np.nan)[:, None]
        vb = b.to_numpy(dtype="f8", na_value=np.nan)[None, :]
        known = ~np.isnan(va) & ~np.isnan(vb)
        comparable = (known & ((va == 1) | (vb == 1))).astype(float)
        return np.where(comparable == 1, va * vb, 0.0), comparable
    sa = a.astype(object).to_numpy()
    sb = b.astype(object).to_numpy()
    comparable = (pd.notna(sa)[:, None] & pd.notna(sb)[None, :]).astype(float)
    return np.where(comparable == 1, (sa[:, None] == sb[None, :]).astype(float), 0.0), comparable


def neighbour_estimates(target: pd.Series, index: np.ndarray) -> Any:
    """recipes' ``nn_pred`` for every query (a column of ``index``, -1 = no neighbour):
    the mode of the neighbours' nominal values (ties drawn from the current R stream,
    :func:`pykerasnip.rrng.r_session`), else their mean as R's ``mean()`` computes it
    (long double, two passes), rounded for integer columns."""
    if isinstance(target.dtype, pd.CategoricalDtype) or is_string_column(target):
        stream = current_stream()
        return [sampled_mode(target.iloc[col[col >= 0]].dropna(), stream) for col in index.T]
    values = numeric_values(target)[np.maximum(index, 0)].astype(np.longdouble)
    valid = (index >= 0) & ~np.isnan(values)
    count = valid.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(valid, values, 0).sum(axis=0) / count
        mean = mean + np.where(valid, values - mean, 0).sum(axis=0) / count
    mean = mean.astype("f8")
    return np.round(mean).astype(int) if is_integer_column(target) and count.all() else mean


@register
class StepImputeKnn(Step):
    """``step_impute_knn``: fill NA with the mean (mode for nominal columns) of the
    nearest training rows by Gower distance."""

    r_class = "step_impute_knn"
    draws_random = True  # ties among the neighbours' levels
    default_role = None
    r_fields = ("neighbors", "ref_data")

    def __init__(self, *terms: Any, neighbors: int = 5, impute_with: Any = None,
                 eps: float = 1e-8, **common: Any):
        super().__init__(*terms, **common)
        self.neighbors, self.impute_with, self.eps = neighbors, impute_with, eps
        self.columns: list[tuple[str, list[str]]] = []
        self.ref_data = pd.DataFrame()

    @classmethod
    def from_r(cls, node: List) -> "StepImputeKnn":
        step = super().from_r(node)
        step.neighbors = int(first(step.neighbors))
        step.eps = float(first(named_values(node.get("options")).get("eps", 1e-8)))
        pairs = node.get("columns")
        step.columns = [] if pairs is None else [(strings(pair.get("y"))[0], strings(pair.get("x")))
                                                 for pair in pairs.data]
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = impute_var_lists(self, info)
        involved = list(dict.fromkeys(c for y, xs in self.columns for c in (*xs, y)))
        self.ref_data = data[involved].reset_index(drop=True)
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(dict.fromkeys(c for _, xs in self.columns for c in xs))

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        if self.r_node.get("impute_with") is not None:
            self.impute_with = selectors.from_r(self.r_node["impute_with"])

    def to_r(self) -> List:
        columns = b.r_list([b.named_list(y=named_chr([y]), x=b.chr(*xs)) for y, xs in self.columns])
        return step_to_r(self, {
            "neighbors": b.dbl(first(self.neighbors)),
            "impute_with": r_quosures(self.impute_with or [all_predictors()]),
            "ref_data": from_pandas(self.ref_data, tibble=True),
            "options": b.named_list(nthread=b.dbl(1), eps=b.dbl(first(self.eps))),
            "columns": columns})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = data.copy(deep=False)
        for target, predictors in self.columns:
            missing = imputable_rows(self, data, target, predictors)
            if not missing.any():
                continue
            if pd.api.types.is_datetime64_any_dtype(data[target]):
                # apply() drops the class of the neighbours' mean date: R casts a date to a double
                raise ForgeError(f"step_impute_knn: can't convert `{target}` <date> to <double>")
            # as recipes: the rows' predictors and the column cast to the training types
            queries = data.loc[missing, predictors]
            queries = queries.assign(**{
                c: cast_to_factor_like(queries[c], self.ref_data[c], self.r_class) for c in predictors})
            reference = self.ref_data[self.ref_data[target].notna()].reset_index(drop=True)
            index = gower_topn(queries, reference[predictors], self.neighbors, self.eps)
            estimates = neighbour_estimates(reference[target], index)
            column = cast_to_factor_like(out[target], self.ref_data[target], self.r_class)
            out[target] = _fill_rows(column, missing, estimates)
        return out


def imputable_rows(step: Step, data: pd.DataFrame, column: str, predictors: list[str]) -> np.ndarray:
    """The rows of ``column`` that bag and knn imputation fill: the missing ones with an
    ``impute_with`` value. recipes leaves the others missing and warns naming them."""
    rows = data[column].isna().to_numpy(copy=True)
    if rows.any():
        hopeless = np.flatnonzero(rows)[data.loc[rows, predictors].isna().all(axis=1).to_numpy()]
        warn_rows(("impute_with all missing", step.id, column),
                  row_offset() + hopeless if len(hopeless) else None,
                  lambda numbers: _warn_hopeless(numbers, column))
        rows[hopeless] = False
    return rows


def _warn_hopeless(rows: np.ndarray, column: str) -> None:
    """recipes' warning for the rows (0-based) whose ``impute_with`` columns are all NA."""
    shown = cli_collapse([str(i + 1) for i in rows])
    warnings.warn(f"The `impute_with` variables for `{column}` only contains missing "
                  f"values for row: {shown}. Cannot impute for those rows.", stacklevel=4)


def _fill_rows(column: pd.Series, rows: np.ndarray, values: Any) -> pd.Series:
    """``column`` with ``rows`` set to ``values``, cast first to the values' type."""
    values = np.asarray(values)
    column = cast_to_fill(column, values[0].item() if values.dtype.kind in "iuf" else None).copy()
    column.iloc[np.flatnonzero(rows)] = values
    return column


def impute_var_lists(step: Step, info: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """recipes' ``impute_var_lists``: per imputed column, the predictors used (every
    ``impute_with`` column except itself)."""
    targets = step.select(info)
    using = select(step.impute_with or [all_predictors()], info)
    return [(y, [x for x in using if x != y]) for y in targets]


@register
class StepImputeLinear(Step):
    """``step_impute_linear``: fill NA of numeric columns with a least-squares linear
    model (intercept + numeric predictors) fitted on the complete training rows."""

    r_class = "step_impute_linear"
    default_role = None

    def __init__(self, *terms: Any, impute_with: Any = None, **common: Any):
        super().__init__(*terms, **common)
        self.impute_with = impute_with
        self.models: dict[str, tuple[list[str], pd.Series]] = {}
        #: per imputed column, the factor predictors' stored levels and orderedness
        self.xlevels: dict[str, dict[str, tuple[list[str], bool]]] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepImputeLinear":
        step = super().from_r(node)
        models = node.get("models") or {}
        step.xlevels = {name: _lm_xlevels(name, model) for name, model in models.items()}
        step.models = {name: _lm_from_r(name, model, step.xlevels[name])
                       for name, model in models.items()}
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.models = {y: (xs, fit_lm(data, y, xs)) for y, xs in impute_var_lists(self, info)}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.models)

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        if self.r_node.get("impute_with") is not None:
            self.impute_with = selectors.from_r(self.r_node["impute_with"])

    def to_r(self) -> List:
        if any(self.xlevels.values()):
            raise UnsupportedStepError("step_impute_linear", "writing linear models with "
                                                             "factor predictors is not supported")
        models = b.named_list({y: lm_to_r(y, xs, coefs) for y, (xs, coefs) in self.models.items()})
        return step_to_r(self, {"impute_with": r_quosures(self.impute_with or [all_predictors()]),
                                "models": models, "case_weights": None})

    def row_dependence(self) -> str | None:
        """R imputes none of a column's rows when one of them misses a predictor."""
        return "imputes no row of a column when any of its missing rows misses a predictor"

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = data.copy(deep=False)
        for target, (predictors, coefficients) in self.models.items():
            missing = data[target].isna().to_numpy()
            rows = data.loc[missing, predictors]
            if not missing.any():
                continue
            if rows.isna().any().any():
                warnings.warn("There were missing values in the predictor(s) used to impute; "
                              "imputation did not occur.", UserWarning, stacklevel=2)
                continue
            design = lm_design(rows, predictors, self.xlevels.get(target, {}))
            keep = coefficients.notna().to_numpy()   # aliased terms (NA coefficients) are dropped
            predicted = matprod(design[:, keep], coefficients.to_numpy()[keep, None])[:, 0]
            if is_integer_column(data[target]):
                predicted = np.round(predicted).astype(int)
            out[target] = _fill_rows(out[target], missing, predicted)
        return out


def fit_lm(data: pd.DataFrame, target: str, predictors: list[str]) -> pd.Series:
    """``lm(target ~ predictors)`` coefficients on the complete rows, as R's ``lm.fit``
    (LINPACK QR; aliased terms NaN)."""
    frame = data[[target, *predictors]].dropna()
    if frame.empty:
        raise SpecError("The data used by step_impute_linear() did not have any rows where "
                        "the imputation values were all complete.")
    nominal = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if nominal:
        raise UnsupportedStepError("step_impute_linear", "only numeric variables are supported, "
                                   f"not {', '.join(nominal)}")
    design = np.column_stack([np.ones(len(frame))] + [numeric_values(frame[c]) for c in predictors])
    beta, _ = lm_coefficients(design, numeric_values(frame[target]))
    return pd.Series(beta, index=["(Intercept)", *predictors])


def lm_to_r(target: str, predictors: list[str], coefficients: pd.Series) -> List:
    """The parts of an ``lm`` fit that ``predict.lm`` reads, as recipes' ``lm_wrap``
    keeps them (no ``qr$qr``, residuals or call); aliased (NA) terms pivoted last, as
    ``dqrdc2`` leaves them."""
    terms = terms_from_formula(f"{target} ~ {' + '.join(map(deparse_name, predictors))}")
    terms.data_classes = {name: "numeric" for name in [target, *predictors]}
    estimated = coefficients.notna().to_numpy()
    rank = int(estimated.sum())
    pivot = [i + 1 for i in np.flatnonzero(estimated)] + [i + 1 for i in np.flatnonzero(~estimated)]
    qr = b.structure(b.named_list(qraux=b.dbl([0.0] * len(coefficients)), pivot=b.int_(pivot),
                                  tol=b.dbl(1e-7), rank=b.int_(rank)), {"class": "qr"})
    fields = {"coefficients": named_dbl(coefficients), "rank": b.int_(rank), "qr": qr,
              "xlevels": b.structure(b.r_list([]), {"names": b.chr()}),
              "terms": terms.to_r(env=BaseEnv), "..imp_vars": b.chr(*predictors)}
    return b.structure(b.named_list(fields), {"class": "lm"})


def lm_design(rows: pd.DataFrame, predictors: list[str],
              xlevels: dict[str, tuple[list[str], bool]]) -> np.ndarray:
    """``predict.lm``'s model matrix: an intercept, numbers as they are, factors through
    their stored levels (treatment or polynomial contrasts); an unseen level is an
    error, as in R."""
    columns = [pd.DataFrame({"(Intercept)": np.ones(len(rows))}, index=rows.index)]
    for name in predictors:
        if name not in xlevels:
            columns.append(pd.DataFrame({name: numeric_values(rows[name])}, index=rows.index))
            continue
        levels, ordered = xlevels[name]
        unseen = unmatched(rows[name], levels)
        if unseen:
            raise ForgeError(f"step_impute_linear: factor {name} has new levels "
                             f"{', '.join(map(str, unseen))}")
        coded = factor(as_character(rows[name]), levels, ordered)
        columns.append(model_matrix_columns(coded, deparse_name(name)).set_axis(rows.index))
    return pd.concat(columns, axis=1).to_numpy(dtype="f8")


def _lm_term_names(predictors: list[str], xlevels: dict[str, tuple[list[str], bool]]) -> list[str]:
    """The coefficient names ``lm`` gives an intercept plus these predictors."""
    empty = pd.DataFrame({name: pd.Series(dtype="f8") for name in predictors})
    for name, (levels, ordered) in xlevels.items():
        empty[name] = pd.Categorical([], categories=levels, ordered=ordered)
    return ["(Intercept)", *(column for name in predictors
                             for column in model_matrix_columns(empty[name], deparse_name(name)))]


def _lm_xlevels(name: str, model: Any) -> dict[str, tuple[list[str], bool]]:
    contrasts = {var: scalar(kind) for var, kind in (model.get("contrasts") or {}).items()}
    odd = {var: kind for var, kind in contrasts.items()
           if kind not in ("contr.treatment", "contr.poly")}
    if odd:
        raise UnsupportedStepError("step_impute_linear", f"the model for {name!r} uses "
                                   f"contrasts {odd}; only contr.treatment/contr.poly are supported")
    return {var: (strings(levels), contrasts.get(var) == "contr.poly")
            for var, levels in (model.get("xlevels") or {}).items()}


def _lm_from_r(name: str, model: Any, xlevels: dict[str, tuple[list[str], bool]]
               ) -> tuple[list[str], pd.Series]:
    coefficients = pd.Series(named_values(model.get("coefficients")), dtype="f8")
    predictors = strings(model.get("..imp_vars"))
    if list(coefficients.index) != _lm_term_names(predictors, xlevels):
        raise UnsupportedStepError("step_impute_linear", f"the model for {name!r} has terms "
                                   f"{list(coefficients.index)}; only numeric and factor "
                                   "main effects are supported")
    return predictors, coefficients


@register
class StepIndicateNa(Step):
    """``step_indicate_na``: new integer columns ``<prefix>_<col>`` (1 where NA)."""

    r_class = "step_indicate_na"
    r_fields = ("columns", "prefix", "keep_original_cols")

    def __init__(self, *terms: Any, prefix: str = "na_ind", keep_original_cols: bool = True,
                 **common: Any):
        super().__init__(*terms, **common)
        self.prefix, self.keep_original_cols = prefix, keep_original_cols
        self.columns: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "StepIndicateNa":
        step = super().from_r(node)
        step.columns = column_names(step.columns)
        step.prefix = str(first(step.prefix))
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.columns

    def to_r(self) -> List:
        return step_to_r(self, {"columns": named_chr(self.columns), "prefix": b.chr(first(self.prefix)),
                                "sparse": b.chr("auto"),
                                "keep_original_cols": b.lgl(first(self.keep_original_cols))})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        flags = pd.DataFrame({f"{self.prefix}_{c}": ifelse_integer(data[c].isna().to_numpy())
                              for c in self.columns}, index=data.index)
        out = append_columns(data, flags, "step_indicate_na")
        return out if self.keep_original_cols else out.drop(columns=self.columns)
