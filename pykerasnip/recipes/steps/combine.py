"""Steps computing across columns: step_ratio (pairwise ratios), step_spatialsign (rows
scaled to unit length), step_intercept (a constant column) and step_geodist (distance
to a reference point)."""
from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, to_pandas
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...formula.parse import parse
from ...rds import build as b
from ...rds.nodes import Closure, GlobalEnv, List, MissingArg
from ...rmath import libm, make_names
from .. import selectors
from ..selectors import as_selector, select
from .base import (SelectedColumnsStep, Step, append_columns, closure_body, drop_inputs, named_chr,
                  register, step_to_r, with_columns)
from .numeric import numeric_columns, numeric_values

#: the body of step_ratio's default ``naming`` function
RATIO_NAMING = b.call("{", parse('make.names(paste(numer, denom, sep = "_o_"))'))


def _ratio_naming_is_default(fn: Any) -> bool:
    if not isinstance(fn, Closure) or fn.arg_names != ["numer", "denom"]:
        return False
    return repr(closure_body(fn)) == repr(RATIO_NAMING)


@register
class StepRatio(Step):
    """``step_ratio``: ``numerator / denominator`` for every pair of selected columns,
    named ``<num>_o_<denom>`` (``make.names``)."""

    r_class = "step_ratio"

    def __init__(self, *terms: Any, denom: Any = (), keep_original_cols: bool = True,
                 **common: Any):
        super().__init__(*terms, **common)
        self.denom = [denom] if isinstance(denom, str) else list(denom)
        self.keep_original_cols = keep_original_cols
        self.pairs: list[tuple[str, str]] = []

    @classmethod
    def from_r(cls, node: List) -> "StepRatio":
        if not _ratio_naming_is_default(node.get("naming")):
            raise UnsupportedStepError(cls.r_class, "a custom `naming` function (R code) cannot be "
                                                    "run in Python")
        step = super().from_r(node)
        columns = node.get("columns")
        frame = to_pandas(columns) if isinstance(columns, List) and columns.inherits("data.frame") \
            else pd.DataFrame({"top": [], "bottom": []})
        step.pairs = list(zip(frame["top"].astype(str), frame["bottom"].astype(str)))
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        self.denom = selectors.from_r(self.r_node["denom"])

    def to_r(self) -> List:
        naming = b.closure({"numer": MissingArg, "denom": MissingArg}, RATIO_NAMING,
                           b.namespace("recipes", "1.3.2"))
        denom = b.call("denom_vars", *(as_selector(t).r_expr() for t in self.denom))
        denom = b.structure(b.r_list([b.quosure(denom, GlobalEnv)], [""]),
                            {"class": ["quosures", "list"]})
        columns = None
        if self.trained:
            tops, bottoms = zip(*self.pairs) if self.pairs else ((), ())
            columns = b.tibble({"top": b.chr(*tops), "bottom": b.chr(*bottoms)}, n=len(self.pairs))
        return step_to_r(self, {"denom": denom, "naming": naming, "columns": columns,
                                "keep_original_cols": b.lgl(self.keep_original_cols)})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        tops = self.select(info)
        bottoms = select(self.denom, info)
        self.pairs = [(t, d) for d in bottoms for t in tops if t != d]
        numeric_columns(_Selected(self, [c for pair in self.pairs for c in pair]), data, info)
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(dict.fromkeys(c for pair in self.pairs for c in pair))

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratios = {name: numeric_values(data[t]) / numeric_values(data[d]) for name, (t, d) in
                      zip(make_names([f"{t}_o_{d}" for t, d in self.pairs]), self.pairs)}
        data = append_columns(data, pd.DataFrame(ratios, index=data.index), self.r_class)
        return drop_inputs(data, self.required_columns(), self.keep_original_cols)


class _Selected(Step):
    """A stand-in step selecting fixed columns (for the shared type check)."""

    def __init__(self, step: Step, columns: list[str]):
        super().__init__(*dict.fromkeys(columns))
        self.r_class = step.r_class


@register
class StepSpatialsign(SelectedColumnsStep):
    """``step_spatialsign``: each row of the selected columns divided by its Euclidean
    norm (``na_rm``: missing values left out of the norm)."""

    r_class = "step_spatialsign"
    default_role = "predictor"

    def __init__(self, *terms: Any, na_rm: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.na_rm = na_rm

    @classmethod
    def from_r(cls, node: List) -> "StepSpatialsign":
        step = super().from_r(node)
        step.na_rm = flag(node.get("na_rm"), True)
        if flag(node.get("case_weights")):
            raise UnsupportedStepError(cls.r_class, "case weights are not supported")
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {"na_rm": b.lgl(self.na_rm), **super().fields_to_r(),
                "case_weights": b.lgl(False) if self.trained else None}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not self.columns:
            return data
        columns = {c: numeric_values(data[c]) for c in self.columns}
        norms = np.sqrt(row_sums_of_squares(list(columns.values()), self.na_rm))
        with np.errstate(divide="ignore", invalid="ignore"):
            return with_columns(data, {c: x / norms for c, x in columns.items()})


def row_sums_of_squares(columns: list[np.ndarray], na_rm: bool) -> np.ndarray:
    """``rowSums(x^2, na.rm)`` of the matrix of ``columns``: R accumulates the rows in long
    double, column after column."""
    total = np.zeros(len(columns[0]), dtype=np.longdouble)
    for x in columns:
        with np.errstate(over="ignore", invalid="ignore"):
            square = x * x
        if na_rm:
            square[np.isnan(square)] = 0.0
        total += square
    return total.astype("f8")


@register
class StepIntercept(Step):
    """``step_intercept``: a constant column ``name`` (= ``value``) put first."""

    r_class = "step_intercept"

    def __init__(self, *terms: Any, name: str = "intercept", value: int | float = 1, **common: Any):
        if terms:
            raise SpecError("step_intercept: selectors are not used for this step")
        super().__init__(**common)
        if not isinstance(name, str) or not isinstance(value, (int, float)) or isinstance(value, bool):
            raise SpecError("step_intercept: `name` must be a string and `value` a number")
        self.intercept_name, self.value = name, value

    @classmethod
    def from_r(cls, node: List) -> "StepIntercept":
        step = super().from_r(node)
        step.intercept_name = scalar(node["name"])
        value = scalar(node["value"])
        step.value = value if isinstance(value, float) else int(value)
        return step

    def to_r(self) -> List:
        value = b.int_(self.value) if isinstance(self.value, int) else b.dbl(self.value)
        return step_to_r(self, {"name": b.chr(self.intercept_name), "value": value},
                         with_terms=False)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        n = len(data)
        column = (pd.array(np.full(n, self.value), dtype="Int32") if isinstance(self.value, int)
                  else np.full(n, float(self.value)))
        constant = pd.DataFrame({self.intercept_name: column}, index=data.index)
        return append_columns(constant, data, self.r_class)



_sin, _cos, _log = libm("sin"), libm("cos"), libm("log")
#: haversine's arguments are square roots of terms of checked coordinates: never NA (NaN
#: only past the antipode, by rounding, where any NaN is R's)
_atan2 = libm("atan2", 2, finite=True)


def haversine(lon: np.ndarray, lat: np.ndarray, ref_lon: float, ref_lat: float,
              radius: float = 6371e3) -> np.ndarray:
    """recipes' great-circle distance (metres) from (``ref_lon``, ``ref_lat``), degrees."""
    to_rad = math.pi / 180.0
    y1, y2, x1, x2 = lat * to_rad, ref_lat * to_rad, lon * to_rad, ref_lon * to_rad
    half_lat, half_lon = (y2 - y1) / 2.0, (x2 - x1) / 2.0
    s_lat, s_lon = _sin(half_lat), _sin(half_lon)
    a = s_lat * s_lat + _cos(y1) * math.cos(y2) * (s_lon * s_lon)
    return radius * (2.0 * _atan2(np.sqrt(a), np.sqrt(1 - a)))


@register
class StepGeodist(Step):
    """``step_geodist``: the distance of each (``lon``, ``lat``) point from a reference
    point (great-circle metres, or Euclidean with ``is_lat_lon = FALSE``; ``log``)."""

    r_class = "step_geodist"

    def __init__(self, *terms: Any, lat: Any = None, lon: Any = None, ref_lat: float = math.nan,
                 ref_lon: float = math.nan, is_lat_lon: bool = True, log: bool = False,
                 name: str = "geo_dist", keep_original_cols: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.lat, self.lon = lat, lon
        self.ref_lat, self.ref_lon, self.is_lat_lon = ref_lat, ref_lon, is_lat_lon
        self.log, self.geo_name, self.keep_original_cols = log, name, keep_original_cols
        self.columns: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "StepGeodist":
        step = super().from_r(node)
        step.lat = step.lon = None
        step.ref_lat, step.ref_lon = float(scalar(node["ref_lat"])), float(scalar(node["ref_lon"]))
        step.is_lat_lon = flag(node.get("is_lat_lon"), True)
        step.log, step.geo_name = flag(node.get("log")), scalar(node["name"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        columns = node.get("columns")
        step.columns = [] if columns is None else [str(v) for v in columns.data]
        return step

    def selectors_from_r(self) -> None:
        super().selectors_from_r()
        self.lat = selectors.one_from_r(self.r_node["lat"], "step_geodist's lat")
        self.lon = selectors.one_from_r(self.r_node["lon"], "step_geodist's lon")

    def to_r(self) -> List:
        def quosures(selector: Any) -> List:
            exprs = [] if selector is None else [as_selector(selector).r_expr()]
            return b.structure(b.r_list([b.quosure(e, GlobalEnv) for e in exprs], [""] * len(exprs)),
                               {"class": ["quosures", "list"]})
        fields = {"lon": quosures(self.lon), "lat": quosures(self.lat), "ref_lon": b.dbl(self.ref_lon),
                  "ref_lat": b.dbl(self.ref_lat), "is_lat_lon": b.lgl(self.is_lat_lon),
                  "log": b.lgl(self.log), "name": b.chr(self.geo_name),
                  "columns": named_chr(self.columns) if self.trained else None,
                  "keep_original_cols": b.lgl(self.keep_original_cols)}
        return step_to_r(self, fields, with_terms=False)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        lat, lon = select([self.lat], info), select([self.lon], info)
        if len(lat) > 1 or len(lon) > 1:
            raise SpecError("step_geodist: `lat` and `lon` should each select at most one variable")
        self.columns = lat + lon
        numeric_columns(_Selected(self, self.columns), data, info)
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.columns

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        if not self.columns:
            return data
        lat, lon = (numeric_values(data[c]) for c in self.columns)
        if self.is_lat_lon:
            if np.isnan(lon).any() or np.isnan(lat).any():
                raise ForgeError("step_geodist: missing coordinates make R's bake() fail "
                                 "(missing value where TRUE/FALSE needed)")
            if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
                raise ForgeError("step_geodist: `lon` must be within [-180, 180] and `lat` within "
                                 "[-90, 90]")
            dist = haversine(lon, lat, self.ref_lon, self.ref_lat)
        else:
            dx, dy = lon - self.ref_lon, lat - self.ref_lat
            dist = np.sqrt(dx * dx + dy * dy)
        if self.log:
            dist = _log(dist)
        data = append_columns(data, pd.DataFrame({self.geo_name: dist}, index=data.index), self.r_class)
        return drop_inputs(data, self.columns, self.keep_original_cols)
