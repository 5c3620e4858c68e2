"""step_window: a centred moving-window statistic (RcppRoll's ``roll_<stat>``).

RcppRoll 0.3.0 computes each window in plain double arithmetic, in window order: sums
and means accumulate from 0, ``var``/``sd`` are Rcpp sugar's ``var()`` (a long-double
two-pass mean, then a double sum of squared deviations), ``median`` takes
``std::partial_sort_copy`` of the window under ``<`` (so a missing value lands where
libstdc++'s heap puts it: the median ignores ``na_rm``). recipes then copies the first
and last full windows into the ``size %/% 2`` rows at either end.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag, scalar, strings
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List, Str
from ...native.cxxalgo import partial_sort_copy
from .base import SelectedColumnsStep, append_columns, drop_inputs, register
from .numeric import numeric_columns, numeric_values


# --------------------------------------------------------------------------- window statistics
def _windows(x: np.ndarray, n: int) -> np.ndarray:
    """The ``len(x) - n + 1`` windows of ``x`` as rows (a view)."""
    return np.lib.stride_tricks.sliding_window_view(x, n)


def _running(x: np.ndarray, n: int, step: Callable[[np.ndarray, np.ndarray], np.ndarray],
             start: float) -> np.ndarray:
    """``acc = step(acc, value)`` over each window in order, for all windows at once."""
    acc = np.full(len(x) - n + 1, start)
    for i in range(n):
        acc = step(acc, x[i:i + len(acc)])
    return acc


def _sum(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    # the accumulator starts at +0 and never becomes -0, so adding 0 equals skipping
    values = np.where(np.isnan(x), 0.0, x) if na_rm else x
    with np.errstate(invalid="ignore", over="ignore"):
        return _running(values, n, np.add, 0.0)


def _mean(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    count = _running((~np.isnan(x)).astype("f8"), n, np.add, 0.0) if na_rm else float(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return _sum(x, n, na_rm) / count


def _prod(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    values = np.where(np.isnan(x), 1.0, x) if na_rm else x
    with np.errstate(invalid="ignore", over="ignore"):
        return _running(values, n, np.multiply, 1.0)


def _extreme(smaller: bool) -> Callable[[np.ndarray, int, bool], np.ndarray]:
    def roll(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
        # min keeps ``value < acc ? value : acc`` (a NaN never wins); max skips NaNs
        # explicitly before ``value < acc ? acc : value``
        if smaller:
            out = _running(x, n, lambda acc, v: np.where(v < acc, v, acc), np.inf)
        else:
            out = _running(np.where(np.isnan(x), -np.inf, x), n,
                           lambda acc, v: np.where(v < acc, acc, v), -np.inf)
        if not na_rm:
            out[_windows(np.isnan(x), n).any(axis=1)] = np.nan
        return out
    return roll


def _var(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    """Rcpp sugar ``var()`` of each window (its NAs dropped first with ``na_rm``)."""
    windows = _windows(x, n)
    keep = ~np.isnan(windows) if na_rm else np.ones(windows.shape, dtype=bool)
    count = keep.sum(axis=1)
    with np.errstate(all="ignore"):
        wide = np.where(keep, windows, 0.0).astype(np.longdouble)
        mean = np.zeros(len(windows), dtype=np.longdouble)
        for i in range(n):
            mean = mean + wide[:, i]
        mean = mean / count
        finite = np.isfinite(mean.astype("f8"))
        shift = np.zeros(len(windows), dtype=np.longdouble)
        for i in range(n):
            shift = shift + np.where(keep[:, i], wide[:, i] - mean, 0.0)
        mean = np.where(finite, mean + shift / count, mean).astype("f8")
        squares = np.zeros(len(windows))
        for i in range(n):
            deviation = windows[:, i] - mean
            squares = squares + np.where(keep[:, i], deviation * deviation, 0.0)
        return squares / (count - 1).astype("f8")


def _sd(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        return np.sqrt(_var(x, n, na_rm))


def _median(x: np.ndarray, n: int, na_rm: bool) -> np.ndarray:
    half = n // 2
    out = np.empty(len(x) - n + 1)
    for i, window in enumerate(_windows(x, n).tolist()):
        head = partial_sort_copy(window, half + 1)
        out[i] = head[half] if n % 2 else (head[half - 1] + head[half]) / 2
    return out


#: RcppRoll's ``roll_<statistic>``: (values, window size, na.rm) -> one value per full window
ROLL_FUNCTIONS: dict[str, Callable[[np.ndarray, int, bool], np.ndarray]] = {
    "mean": _mean, "median": _median, "sd": _sd, "var": _var, "sum": _sum, "prod": _prod,
    "min": _extreme(True), "max": _extreme(False),
}


def roller(x: np.ndarray, statistic: str, size: int, na_rm: bool) -> np.ndarray:
    """recipes' ``roller``: the centred ``size``-row statistic, the ends filled with the
    first and last full windows."""
    m, gap = len(x), size // 2
    if m - size <= 2:
        raise ForgeError(f"step_window: the window is too large ({size} rows for {m} rows "
                         "of data; it needs more than size + 2)")
    full = ROLL_FUNCTIONS[statistic](x, size, na_rm)
    return np.concatenate([np.repeat(full[:1], gap), full, np.repeat(full[-1:], gap)])


# --------------------------------------------------------------------------- the step
@register
class StepWindow(SelectedColumnsStep):
    """``step_window``: a moving-window statistic (mean, median, sd, var, sum, prod,
    min, max) of ``size`` rows centred on each row, replacing the columns or added as
    ``names``."""

    r_class = "step_window"
    reads_neighbours = True

    def __init__(self, *terms: Any, size: int = 3, na_rm: bool = True, statistic: str = "mean",
                 names: list[str] | None = None, keep_original_cols: bool = True,
                 **common: Any):
        super().__init__(*terms, **common)
        if statistic not in ROLL_FUNCTIONS:
            raise SpecError(f"step_window: `statistic` must be one of {', '.join(ROLL_FUNCTIONS)}, "
                            f"not {statistic!r}")
        self.size, self.na_rm, self.statistic = size, bool(na_rm), statistic
        self.names = None if names is None else list(names)
        self.keep_original_cols = keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "StepWindow":
        step = super().from_r(node)
        statistic = node.get("statistic")
        step.statistic = scalar(statistic) if isinstance(statistic, Str) else None
        if step.statistic not in ROLL_FUNCTIONS:
            raise UnsupportedStepError(cls.r_class, f"the statistic {statistic!r} (one of "
                                                    f"{', '.join(ROLL_FUNCTIONS)} expected)")
        step.size = scalar(node["size"])
        step.na_rm = flag(node.get("na_rm"), True)
        names = node.get("names")
        step.names = None if names is None else strings(names)
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def fields_to_r(self) -> dict[str, Any]:
        size = b.int_(int(self.size)) if self.trained else b.dbl(float(self.size))
        return {"size": size, "na_rm": b.lgl(self.na_rm), "statistic": b.chr(self.statistic),
                **super().fields_to_r(),
                "names": None if self.names is None else b.chr(*self.names),
                "keep_original_cols": b.lgl(self.keep_original_cols)}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        size = float(self.size)
        if size != round(size) or size < 3:
            raise SpecError(f"step_window: `size` must be a whole number >= 3, not {self.size}")
        if int(size) % 2 == 0:
            raise SpecError(f"step_window: `size` should be odd, not {int(size)}")
        self.size = int(size)
        if self.names is not None and len(self.names) != len(self.columns):
            raise SpecError(f"step_window: there were {len(self.columns)} terms selected but "
                            f"{len(self.names)} values for the new features passed to `names`")
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        values = {c: roller(numeric_values(data[c]), self.statistic, int(self.size), self.na_rm)
                  for c in self.columns}
        if self.names is None:
            return data.assign(**values)
        new = pd.DataFrame(dict(zip(self.names, values.values())), index=data.index)
        return drop_inputs(append_columns(data, new, self.r_class), self.columns,
                           self.keep_original_cols)
