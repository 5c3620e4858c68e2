"""More imputation steps: step_impute_lower (values at or below the training minimum
replaced by uniform draws below it, R's ``runif``) and step_impute_roll (missing values
from a rolling window statistic, ``median`` or ``mean``)."""
from __future__ import annotations

import secrets
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import BaseNamespace, Closure, List, MissingArg, Namespace
from ...rmath import na_rm_range, r_mean
from ...rrng import RRandom, current_stream
from .base import SelectedColumnsStep, closure_body, named_dbl, named_numbers, register, step_to_r
from .numeric import NumericMapStep, numeric_columns, numeric_values


@register
class StepImputeLower(NumericMapStep):
    """``step_impute_lower``: values at or below the training minimum become uniform
    draws in (0, minimum) (inside ``r_session(seed)``, R's draws after ``set.seed``)."""

    r_class = "step_impute_lower"
    draws_random = True

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.threshold = pd.Series(dtype="f8")

    @classmethod
    def from_r(cls, node: List) -> "StepImputeLower":
        step = super().from_r(node)
        step.threshold = named_numbers(node.get("threshold"))
        return step

    def to_r(self) -> List:
        return step_to_r(self, {"threshold": named_dbl(self.threshold) if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        # not np.nanmin: NumPy's vectorised fmin lets R's NA (a signalling NaN) through
        self.threshold = pd.Series({c: na_rm_range(numeric_values(data[c]))[0] for c in columns}, dtype="f8")
        negative = list(self.threshold.index[self.threshold < 0])
        if negative:
            raise ForgeError(f"step_impute_lower: columns with negative values: {', '.join(negative)}; "
                             "lower bound imputation is for data bounded at zero")
        self.trained = True

    def bake_columns(self) -> list[str]:
        return list(self.threshold.index)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        stream = current_stream() or RRandom(secrets.randbits(31))
        out = {}
        for column, threshold in self.threshold.items():
            x = numeric_values(data[column])
            affected = np.flatnonzero(x <= threshold)
            if len(affected):
                x = x.copy()
                x[affected] = stream.runif(len(affected), 0.0, threshold)
                if np.isnan(x[affected]).any():  # a threshold of Inf, NaN or below 0
                    warnings.warn("NAs produced", UserWarning, stacklevel=2)
                out[column] = x
        return data.assign(**out)


def _median(x: np.ndarray) -> float:
    """``median(x)`` of non-missing doubles."""
    values = np.sort(x)
    half = (len(values) + 1) // 2
    return float(values[half - 1]) if len(values) % 2 else r_mean(values[half - 1:half + 1])


#: window statistics R's step_impute_roll may hold (stats' generics, by their method)
ROLL_STATISTICS: dict[str, Callable[[np.ndarray], float]] = {"median": _median, "mean": r_mean}


def _statistic_name(fn: Any) -> str:
    if isinstance(fn, str) and fn in ROLL_STATISTICS:
        return fn
    in_base = fn.env is BaseNamespace if isinstance(fn, Closure) else False
    if isinstance(fn, Closure) and (in_base or isinstance(fn.env, Namespace) and fn.env.name == "stats"):
        text = repr(closure_body(fn))
        for name in ROLL_STATISTICS:
            # stats' own generic, or the wrapper ``function(x) median(x)`` Python writes
            if (f"Str(n=1, ['{name}'])" in text and "UseMethod" in text) or \
                    text == f"Lang(Sym('{name}'), Sym('x'))":
                return name
    raise UnsupportedStepError("step_impute_roll", f"the statistic {fn!r} (only median and mean)")


def window_rows(i: int, n: int, k: int) -> range:
    """recipes' ``get_window_ind`` (0-based): the ``k`` rows around row ``i``, shifted
    inwards at the edges."""
    sides = (k - 1) // 2
    if i - sides >= 0 and i + sides < n:
        return range(i - sides, i + sides + 1)
    return range(0, k) if i - sides < 0 else range(n - k, n)


@register
class StepImputeRoll(SelectedColumnsStep):
    """``step_impute_roll``: missing values -> ``statistic`` (median or mean) of the
    non-missing values in a centred window of ``window`` rows."""

    r_class = "step_impute_roll"
    reads_neighbours = True

    def __init__(self, *terms: Any, statistic: str = "median", window: int = 5, **common: Any):
        super().__init__(*terms, **common)
        if window < 3 or window % 2 != 1:
            raise SpecError("step_impute_roll: `window` should be an odd integer >= 3")
        self.statistic, self.window = _statistic_name(statistic), int(window)

    @classmethod
    def from_r(cls, node: List) -> "StepImputeRoll":
        step = super().from_r(node)
        step.statistic = _statistic_name(node.get("statistic"))
        step.window = int(np.ravel(node.get("window").data)[0])
        return step

    def fields_to_r(self) -> dict[str, Any]:
        statistic = b.closure({"x": MissingArg}, b.call(self.statistic, b.sym("x")),
                              b.namespace("stats", "4.2.2"))
        return {**super().fields_to_r(), "statistic": statistic, "window": b.int_(self.window)}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        wrong = [c for c in self.columns if not pd.api.types.is_float_dtype(data[c])]
        if wrong:
            raise SpecError(f"step_impute_roll: columns must be double: {', '.join(wrong)}")
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        statistic, n = ROLL_STATISTICS[self.statistic], len(data)
        out = {}
        for column in self.columns:
            x = numeric_values(data[column])
            missing = np.flatnonzero(np.isnan(x))
            if not len(missing):
                continue
            filled = x.copy()
            for i in missing:
                window = x[list(window_rows(int(i), n, self.window))]
                window = window[~np.isnan(window)]
                filled[i] = statistic(window) if len(window) else np.nan
            out[column] = filled
        return data.assign(**out)
