"""Distances to classes: step_classdist (Mahalanobis distances to each class centroid),
step_classdist_shrunken (distances to nearest shrunken centroids) and step_depth (data
depth of each row within each class, ddalpha).

The Mahalanobis distances replay ``stats::mahalanobis`` through
:mod:`pykerasnip.rlinalg` (``solve`` as LAPACK's ``dgesv``, ``%*%``, ``rowSums``), and
the shrunken centroids replay recipes' dplyr pipeline, whose sums run in the order of
its joins and groupings (classes in order of first appearance in the training data).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, from_pandas, scalar, to_python
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...factor import is_factor
from ...rds import build as b
from ...native import ddalpha
from ...rds.nodes import BaseNamespace, Bytecode, Closure, Lang, List, MissingArg, Namespace, Str, Sym
from ...rlinalg import cov, mahalanobis
from ...rmath import libm, quantile7, r_mean, r_mean_one_pass, r_sort_strings, r_sum
from ..selectors import r_quosures, select
from .base import Step, append_columns, drop_inputs, named_dbl, register, step_to_r
from .mutate import quosure_expression
from .numeric import numeric_columns, numeric_values, r_matrix, r_matrix_node

_log = libm("log")


# --------------------------------------------------------------------------- shared helpers
def _whole_numbers(column: pd.Series) -> bool:
    if not pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return False
    values = column.dropna().to_numpy("f8")
    if not (values == np.round(values)).all():
        raise SpecError(f"class column `{column.name}`: only factors, characters and whole "
                        "numbers are replayed as classes")
    return True


def class_levels(column: pd.Series) -> list[str]:
    """The groups ``split()`` makes of a class column: a factor's levels (empty ones
    included), else the sorted distinct values."""
    if is_factor(column):
        return [str(c) for c in column.cat.categories]
    if _whole_numbers(column):
        return [str(v) for v in sorted(set(column.dropna().astype(int)))]
    return r_sort_strings({str(v) for v in column.dropna()})


def class_labels(column: pd.Series) -> np.ndarray:
    """The class of each row as a string (None for NA)."""
    whole = not is_factor(column) and _whole_numbers(column)
    return np.array([None if pd.isna(v) else str(int(v)) if whole else str(v) for v in column],
                    dtype=object)


def selected_class(step: Step, info: pd.DataFrame) -> str:
    """The one column the step's ``class_`` selects."""
    chosen = select([step.class_], info)
    if len(chosen) != 1:
        raise SpecError(f"{step.r_class}: `class` must select exactly one column, not {chosen}")
    return chosen[0]


def class_name_from_r(node: Any) -> str | None:
    """The class column a step stores: a name, or the quosure of a name or string."""
    if isinstance(node, Str):
        return scalar(node)
    if isinstance(node, List) and len(node.data) == 1:
        expr = quosure_expression(node.data[0])
        if isinstance(expr, Sym):
            return expr.name
        if isinstance(expr, Str):
            return scalar(expr)
    return None


def new_columns(data: pd.DataFrame, values: dict[str, np.ndarray], prefix: str, step: Step,
                inputs: list[str]) -> pd.DataFrame:
    """recipes' tail of these bakes: ``<prefix><class>`` columns bound to the data, the
    inputs dropped unless ``keep_original_cols``."""
    new = pd.DataFrame({f"{prefix}{k}": v for k, v in values.items()}, index=data.index)
    return drop_inputs(append_columns(data, new, step.r_class), inputs, step.keep_original_cols)


class _ClassScoresStep(Step):
    """A step adding one ``<prefix><class>`` column per outcome class, scored from the
    selected numeric columns (:meth:`scores`)."""

    def scores(self, data: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
        """Each class's score for every row of ``data``."""
        raise NotImplementedError

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        columns = self.required_columns()
        if not columns:
            return data
        return new_columns(data, self.scores(data, columns), self.prefix, self, columns)


# --------------------------------------------------------------------------- stored R functions
def _median(x: np.ndarray) -> float:
    """``median(x)`` (NA when any value is missing)."""
    if np.isnan(x).any() or not len(x):
        return np.nan
    values, half = np.sort(x), (len(x) + 1) // 2
    return float(values[half - 1]) if len(x) % 2 else r_mean(values[half - 1:half + 1])


def _mean(x: np.ndarray, integer: bool) -> float:
    return r_mean_one_pass(x) if integer else r_mean(x)


#: the centring functions step_classdist can replay: (values, integer column?) -> centre
CENTERS: dict[str, Callable[[np.ndarray, bool], float]] = {
    "mean": _mean, "median": lambda x, integer: _median(x)}
_NAMESPACES = {"mean": BaseNamespace, "median": "stats", "cov": "stats"}


def stored_function_name(fn: Any, allowed: tuple[str, ...], step: str) -> str:
    """Which of ``allowed`` (base/stats functions) a stored R function is: the function
    itself (its ``UseMethod`` generic, or stats' ``cov`` by its arguments) or the
    wrapper ``function(x) name(x)`` Python writes."""
    if isinstance(fn, Closure) and (fn.env is BaseNamespace or isinstance(fn.env, Namespace)
                                    and fn.env.name in ("base", "stats")):
        body = fn.body.source if isinstance(fn.body, Bytecode) else fn.body
        if isinstance(body, Lang) and isinstance(body.function, Sym):
            called, args = body.function.name, body.args
            if called == "UseMethod" and isinstance(args[0][1], Str):
                called = scalar(args[0][1])
            elif not (len(args) == 1 and not args[0][0] and isinstance(args[0][1], Sym)
                      and args[0][1].name == "x"):
                called = None  # a call with more than ``x`` is not the plain function
            if called in allowed:
                return called
        if "cov" in allowed and fn.arg_names == ["x", "y", "use", "method"]:
            return "cov"
    raise UnsupportedStepError(step, f"the stored function {fn!r} (only {', '.join(allowed)} "
                                     "can be replayed)")


def function_to_r(name: str) -> Closure:
    """``function(x) name(x)`` in the namespace ``name`` comes from."""
    where = _NAMESPACES[name]
    env = where if where is BaseNamespace else b.namespace(where, "4.2.2")
    return b.closure({"x": MissingArg}, b.call(name, b.sym("x")), env)


# --------------------------------------------------------------------------- step_classdist
def _center(frame: pd.DataFrame, name: str) -> pd.Series:
    return pd.Series({c: CENTERS[name](numeric_values(frame[c]),
                                       pd.api.types.is_integer_dtype(frame[c]))
                      for c in frame.columns}, dtype="f8")


def _scale(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(cov(frame.to_numpy("f8", na_value=np.nan)), index=frame.columns,
                        columns=frame.columns)


@register
class StepClassdist(_ClassScoresStep):
    """``step_classdist``: Mahalanobis distance of each row to each class centroid
    (``<prefix><class>``, logged unless ``log = FALSE``; per-class covariances, or the
    pooled one with ``pool = TRUE``)."""

    r_class = "step_classdist"

    def __init__(self, *terms: Any, class_: Any = None, mean_func: str = "mean",
                 cov_func: str = "cov", pool: bool = False, log: bool = True,
                 prefix: str = "classdist_", keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        if mean_func not in CENTERS or cov_func != "cov":
            raise SpecError("step_classdist: `mean_func` must be 'mean' or 'median' and "
                            "`cov_func` 'cov'")
        self.class_, self.mean_func, self.cov_func = class_, mean_func, cov_func
        self.pool, self.log, self.prefix = pool, log, prefix
        self.keep_original_cols = keep_original_cols
        self.objects: dict[str, Any] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepClassdist":
        step = super().from_r(node)
        step.class_ = class_name_from_r(node.get("class"))
        step.mean_func = stored_function_name(node.get("mean_func"), tuple(CENTERS), cls.r_class)
        step.cov_func = stored_function_name(node.get("cov_func"), ("cov",), cls.r_class)
        step.pool, step.log = flag(node.get("pool")), flag(node.get("log"), True)
        step.prefix = scalar(node["prefix"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        step.objects = _objects_from_r(node.get("objects"), step.pool) if step.trained else {}
        return step

    def to_r(self) -> List:
        return step_to_r(self, {
            "class": b.chr(self.class_) if self.trained else r_quosures([self.class_]),
            "mean_func": function_to_r(self.mean_func), "cov_func": function_to_r(self.cov_func),
            "pool": b.lgl(self.pool), "log": b.lgl(self.log),
            "objects": _objects_to_r(self.objects, self.pool) if self.trained else None,
            "prefix": b.chr(self.prefix), "keep_original_cols": b.lgl(self.keep_original_cols),
            "case_weights": None})

    def inputs(self) -> list[str]:
        """The columns the distances are computed from."""
        first = self.objects["center"] if self.pool else self.objects
        if not first:
            return []
        head = next(iter(first.values()))
        return list((head if self.pool else head["center"]).index)

    def required_columns(self) -> list[str]:
        return self.inputs() if self.trained else []

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.class_ = selected_class(self, info)
        labels = class_labels(data[self.class_])
        groups = {level: data.loc[labels == level, columns]
                  for level in class_levels(data[self.class_])}
        if self.pool:
            self.objects = {"center": {k: _center(g, self.mean_func) for k, g in groups.items()},
                            "scale": _scale(data[columns])}
        else:
            self.objects = {k: {"center": _center(g, self.mean_func), "scale": _scale(g)}
                            for k, g in groups.items()}
        self.trained = True

    def scores(self, data: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
        x = data[columns].to_numpy("f8", na_value=np.nan)
        if self.pool:
            scale = self.objects["scale"].to_numpy()
            params = {k: (c.to_numpy(), scale) for k, c in self.objects["center"].items()}
        else:
            params = {k: (o["center"].to_numpy(), o["scale"].to_numpy())
                      for k, o in self.objects.items()}
        values = {k: mahalanobis(x, center, scale) for k, (center, scale) in params.items()}
        if self.log:
            values = {k: _log(v) for k, v in values.items()}
        return values


def _named_numbers(node: Any) -> pd.Series:
    values = to_python(node)
    return values.astype("f8") if isinstance(values, pd.Series) else pd.Series(values, dtype="f8")


def _objects_from_r(node: Any, pool: bool) -> dict[str, Any]:
    if node is None:
        return {}
    if pool:
        centers = node.get("center")
        return {"center": {k: _named_numbers(v) for k, v in zip(centers.names, centers.data)},
                "scale": r_matrix(node.get("scale"))}
    return {k: {"center": _named_numbers(v.get("center")), "scale": r_matrix(v.get("scale"))}
            for k, v in zip(node.names, node.data)}


def _objects_to_r(objects: dict[str, Any], pool: bool) -> List:
    if pool:
        centers = objects["center"]
        return b.named_list({"center": b.named_list({k: named_dbl(v) for k, v in centers.items()}),
                             "scale": r_matrix_node(objects["scale"])})
    return b.named_list({k: b.named_list({"center": named_dbl(o["center"]),
                                          "scale": r_matrix_node(o["scale"])})
                         for k, o in objects.items()})


# --------------------------------------------------------------------------- step_classdist_shrunken
def _first_appearance(labels: np.ndarray) -> list[str]:
    return list(dict.fromkeys(v for v in labels if v is not None))


def _global_centroid(x: np.ndarray) -> float:
    """``cov.wt(x, wt = 1)$center`` over the complete values: ``colSums(x / n)``, each
    term ``(1 / n) * x`` summed in long double; cov.wt refuses infinite values."""
    present = x[~np.isnan(x)]
    if np.isinf(present).any():
        raise ForgeError("step_classdist_shrunken: 'x' must contain finite values only "
                         "(stats::cov.wt)")
    return r_sum((1.0 / float(len(present))) * present) if len(present) else np.nan


def shrunken_centroids(data: pd.DataFrame, columns: list[str], labels: np.ndarray,
                       num_levels: int, threshold: float, sd_offset: float) -> pd.DataFrame:
    """recipes' ``compute_shrunken_centroids`` (unit case weights): one row per
    (variable, class) with the global and class centroids, the shrunken centroid and the
    offset pooled standard deviation."""
    classes = _first_appearance(labels)
    n = float(len(labels))
    rows, deviations = [], {}
    for column in columns:
        x = numeric_values(data[column])
        by_class, squares = {}, []
        for level in classes:
            values = x[labels == level]
            present = values[~np.isnan(values)]
            by_class[level] = r_sum(present) / float(len(present)) if len(present) else np.nan
            squares.append((present - by_class[level]) * (present - by_class[level]))
        squares = np.concatenate(squares)
        msq = (r_sum(squares) / float(len(squares)) * n) / (n - num_levels)
        deviations[column] = float(np.sqrt(msq))
        rows += [(column, level, by_class[level], float(np.sum(labels == level)))
                 for level in classes]
    offset = float(quantile7(list(deviations.values()), [sd_offset])[0])
    out = pd.DataFrame(rows, columns=["variable", "class", "by_class", "class_n"])
    out["std_dev"] = [deviations[v] + offset for v in out["variable"]]
    out["global"] = [_global_centroid(numeric_values(data[v])) for v in out["variable"]]
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = (out["by_class"] - out["global"]) / out["std_dev"]
        delta_wts = np.sqrt(1.0 / out["class_n"] - 1.0 / n)
        delta = delta / delta_wts
        cut = threshold * float(np.max(delta.to_numpy())) if len(delta) else np.nan
        shrink = np.abs(delta) - cut
        kept = np.where(np.isnan(shrink), np.nan, np.where(shrink > 0, shrink, 0.0))
        out["shrunken"] = np.sign(delta) * kept * delta_wts
    return out[["variable", "class", "global", "by_class", "shrunken", "std_dev"]]


def shrunken_scores(objects: pd.DataFrame, data: pd.DataFrame) -> dict[str, np.ndarray]:
    """recipes' ``new_shrunken_scores`` (before the log): per class, the sum over the
    variables (in stored order) of ``((x - global) / std_dev - shrunken)^2``."""
    out = {}
    for level in dict.fromkeys(objects["class"]):
        rows = objects[objects["class"] == level]
        total = np.zeros(len(data), dtype=np.longdouble)
        with np.errstate(invalid="ignore", over="ignore"):
            for variable, glob, shrunken, sd in zip(rows["variable"], rows["global"],
                                                    rows["shrunken"], rows["std_dev"]):
                diff = (numeric_values(data[variable]) - glob) / sd - shrunken
                total = total + diff * diff
        out[level] = total.astype("f8")
    return out


@register
class StepClassdistShrunken(_ClassScoresStep):
    """``step_classdist_shrunken``: distance of each row to each class's nearest
    shrunken centroid (``<prefix><class>``, logged unless ``log = FALSE``)."""

    r_class = "step_classdist_shrunken"
    default_role = None

    def __init__(self, *terms: Any, class_: Any = None, threshold: float = 0.5,
                 sd_offset: float = 0.5, log: bool = True, prefix: str = "classdist_",
                 keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        for name, value in (("threshold", threshold), ("sd_offset", sd_offset)):
            if not 0 <= value <= 1:
                raise SpecError(f"step_classdist_shrunken: `{name}` must be a number between "
                                f"0 and 1, not {value}")
        self.class_, self.threshold, self.sd_offset = class_, float(threshold), float(sd_offset)
        self.log, self.prefix, self.keep_original_cols = log, prefix, keep_original_cols
        self.objects: pd.DataFrame | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepClassdistShrunken":
        step = super().from_r(node)
        step.class_ = class_name_from_r(node.get("class"))
        step.threshold, step.sd_offset = (float(scalar(node[k])) for k in ("threshold", "sd_offset"))
        step.log = flag(node.get("log"), True)
        step.prefix = scalar(node["prefix"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        objects = node.get("objects")
        step.objects = None if objects is None else pd.DataFrame(to_python(objects)).reset_index(drop=True)
        return step

    def to_r(self) -> List:
        objects = None if self.objects is None else from_pandas(self.objects, tibble=True)
        return step_to_r(self, {
            "class": r_quosures([self.class_]), "threshold": b.dbl(self.threshold),
            "sd_offset": b.dbl(self.sd_offset), "log": b.lgl(self.log), "prefix": b.chr(self.prefix),
            "keep_original_cols": b.lgl(self.keep_original_cols), "objects": objects})

    def required_columns(self) -> list[str]:
        return [] if self.objects is None else list(dict.fromkeys(self.objects["variable"]))

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.class_ = selected_class(self, info)
        if not is_factor(data[self.class_]):
            raise SpecError(f"step_classdist_shrunken: the class column `{self.class_}` must be "
                            "a factor")
        labels = class_labels(data[self.class_])
        self.objects = shrunken_centroids(data, columns, labels, len(class_levels(data[self.class_])),
                                          self.threshold, self.sd_offset) if columns else \
            pd.DataFrame({"variable": pd.Series(dtype=object), "class": pd.Series(dtype=object),
                          **{k: pd.Series(dtype="f8")
                             for k in ("global", "by_class", "shrunken", "std_dev")}})
        self.trained = True

    def scores(self, data: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
        values = shrunken_scores(self.objects, data)
        return {k: _log(v) for k, v in values.items()} if self.log else values


# --------------------------------------------------------------------------- step_depth
def _option_value(node: Any) -> Any:
    """One element of step_depth's ``options`` list as a Python value (a length-one
    vector as its scalar)."""
    if node is None:
        return None
    value = to_python(node)
    if isinstance(value, np.ndarray) and value.size == 1:
        item = value.ravel()[0]
        return item.item() if isinstance(item, np.generic) else item
    return value


def _option_node(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return b.lgl(bool(value))
    if isinstance(value, str):
        return b.chr(value)
    return b.dbl(*np.atleast_1d(np.asarray(value, dtype="f8")).tolist())


def _matrix_node(frame: pd.DataFrame) -> Any:
    """A double matrix with column names only, as ``as.matrix()`` of a tibble."""
    values = b.dbl(frame.to_numpy("f8").ravel(order="F"))
    return b.structure(b.matrix(values, *frame.shape),
                       {"dimnames": b.r_list([None, b.chr(*map(str, frame.columns))])})


@register
class StepDepth(_ClassScoresStep):
    """``step_depth``: the data depth of each row within each class's training points
    (``<prefix><class>``; ddalpha's halfspace, Mahalanobis, potential, simplicialVolume,
    spatial or zonoid depth, with its ``options``).

    Like ddalpha, a random algorithm with ``seed = 0`` (the default) seeds from the
    clock. The MCD estimates (robustbase) are refused (see
    :mod:`pykerasnip.native.ddalpha`)."""

    r_class = "step_depth"

    def __init__(self, *terms: Any, class_: Any = None, metric: str = "halfspace",
                 options: dict[str, Any] | None = None, prefix: str = "depth_",
                 keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        if metric not in ddalpha.METRICS:
            raise SpecError(f"step_depth: `metric` must be one of {', '.join(ddalpha.METRICS)}, "
                            f"not {metric!r}")
        self.options = dict(options or {})
        if {"data", "x"} & set(self.options):
            raise SpecError("step_depth: `options` cannot hold `data` or `x`")
        ddalpha.match_options(metric, self.options)
        self.class_, self.metric, self.prefix = class_, metric, prefix
        self.keep_original_cols = keep_original_cols
        self.data: dict[str, pd.DataFrame] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepDepth":
        step = super().from_r(node)
        step.class_ = class_name_from_r(node.get("class"))
        step.metric = scalar(node["metric"])
        if step.metric not in ddalpha.METRICS:
            raise UnsupportedStepError(cls.r_class, f"the depth metric {step.metric!r}")
        options = node.get("options")
        step.options = {} if options is None else \
            {k: _option_value(v) for k, v in zip(options.names or (), options.data)}
        step.prefix = scalar(node["prefix"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        data = node.get("data")
        step.data = {} if data is None else \
            {k: r_matrix(v).reset_index(drop=True) for k, v in zip(data.names, data.data)}
        return step

    def to_r(self) -> List:
        options = b.named_list({k: _option_node(v) for k, v in self.options.items()})
        data = b.named_list({k: _matrix_node(v) for k, v in self.data.items()}) \
            if self.trained else None
        return step_to_r(self, {
            "class": b.chr(self.class_) if self.trained else r_quosures([self.class_]),
            "metric": b.chr(self.metric), "options": options, "data": data,
            "prefix": b.chr(self.prefix), "keep_original_cols": b.lgl(self.keep_original_cols)})

    def required_columns(self) -> list[str]:
        return list(next(iter(self.data.values())).columns) if self.data else []

    def row_dependence(self) -> str | None:
        """Why a row's depth depends on the rows baked before it, if it does: ddalpha
        draws random simplices row after row from one stream (approximate
        simplicialVolume), and breaks the zonoid simplex's ties from it."""
        exact = ddalpha.match_options(self.metric, self.options).get("exact", False)
        if self.metric == "zonoid" or (self.metric == "simplicialVolume" and not exact):
            return (f"draws each row's random numbers after the previous rows' ({self.metric} "
                    "depth)")
        return None

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.class_ = selected_class(self, info)
        labels = class_labels(data[self.class_])
        self.data = {level: data.loc[labels == level, columns].astype("f8").reset_index(drop=True)
                     for level in class_levels(data[self.class_])}
        self.trained = True

    def scores(self, data: pd.DataFrame, columns: list[str]) -> dict[str, np.ndarray]:
        x = data[columns].to_numpy("f8", na_value=np.nan)
        return {level: np.full(len(x), np.nan) if not len(x) else
                ddalpha.depth(self.metric, x, train.to_numpy("f8"), self.options)
                for level, train in self.data.items()}
