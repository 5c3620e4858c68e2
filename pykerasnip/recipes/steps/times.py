"""Time steps: step_time (clock features of date-times, lubridate semantics) and
step_harmonic (sine/cosine terms of a periodic numeric, Date or date-time column)."""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ...convert import datetime_numbers, flag, strings
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from ...rmath import libm
from .base import (SelectedColumnsStep, append_columns, drop_inputs, ifelse_result, named_dbl, named_numbers,
                   register)
from .numeric import numeric_values

_sin, _cos = libm("sin"), libm("cos")


class _DerivingStep(SelectedColumnsStep):
    """A step adding columns derived from each selected column (``keep_original_cols``)."""

    default_role = "predictor"
    keep_default = True

    def __init__(self, *terms: Any, keep_original_cols: bool | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.keep_original_cols = self.keep_default if keep_original_cols is None else keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "_DerivingStep":
        step = super().from_r(node)
        step.keep_original_cols = flag(node.get("keep_original_cols"), cls.keep_default)
        return step

    def new_columns(self, data: pd.DataFrame, column: str) -> pd.DataFrame:
        """The columns derived from ``column``."""
        raise NotImplementedError

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        for column in self.columns:
            data = append_columns(data, self.new_columns(data, column), self.r_class)
        return drop_inputs(data, self.columns, self.keep_original_cols)


# --------------------------------------------------------------------------- step_time
def _clock(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """(hour, minute, second with its fraction) of date-times in their own time zone,
    as ``as.POSIXlt`` splits them."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        raise ForgeError("step_time: the columns must be date-times (POSIXct)")
    hour = values.dt.hour.astype("Int32")
    minute = values.dt.minute.astype("Int32")
    seconds = datetime_numbers(values)
    fraction = seconds - np.floor(seconds)
    second = values.dt.second.to_numpy(dtype="f8", na_value=np.nan) + fraction
    return hour, minute, second


def _hour12(hour: pd.Series) -> pd.Series:
    return ifelse_result(hour.mask(hour == 0, 12).mask(hour > 12, hour - 12), decided=hour.notna())


TIME_FEATURES: dict[str, Callable[[tuple[pd.Series, pd.Series, np.ndarray]], Any]] = {
    "am": lambda c: (c[0] < 12).astype("boolean"),
    "hour": lambda c: c[0],
    "hour12": lambda c: _hour12(c[0]),
    "minute": lambda c: c[1],
    "second": lambda c: c[2],
    "decimal_day": lambda c: c[0].to_numpy("f8", na_value=np.nan)
    + (c[2] + c[1].to_numpy("f8", na_value=np.nan) * 60) / 3600,
}


@register
class StepTime(_DerivingStep):
    """``step_time``: clock features ``<col>_<feature>`` (am, hour, hour12, minute,
    second, decimal_day) of date-time columns."""

    r_class = "step_time"

    def __init__(self, *terms: Any, features: tuple[str, ...] = ("hour", "minute", "second"),
                 **common: Any):
        super().__init__(*terms, **common)
        unknown = [f for f in features if f not in TIME_FEATURES]
        if unknown or not features:
            raise SpecError(f"step_time: `features` must be among {', '.join(TIME_FEATURES)}; "
                            f"not {unknown}")
        self.features = list(features)

    @classmethod
    def from_r(cls, node: List) -> "StepTime":
        step = super().from_r(node)
        step.features = strings(node["features"])
        unknown = [f for f in step.features if f not in TIME_FEATURES]
        if unknown:
            raise UnsupportedStepError(cls.r_class, f"time features {unknown}")
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {"features": b.chr(*self.features), **super().fields_to_r(),
                "keep_original_cols": b.lgl(self.keep_original_cols)}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        wrong = [c for c in self.columns if not isinstance(data[c].dtype, pd.DatetimeTZDtype)]
        if wrong:
            raise SpecError(f"step_time: columns must be date-times (POSIXct): {', '.join(wrong)}")
        self.trained = True

    def new_columns(self, data: pd.DataFrame, column: str) -> pd.DataFrame:
        parts = _clock(data[column])
        features = {f"{column}_{f}": TIME_FEATURES[f](parts) for f in self.features}
        return pd.DataFrame({name: v.array if isinstance(v, pd.Series) else v
                             for name, v in features.items()}, index=data.index, copy=False)


# --------------------------------------------------------------------------- step_harmonic
def as_numbers(column: pd.Series) -> np.ndarray:
    """``as.numeric``: days for a Date, seconds for a date-time, else the numbers."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return datetime_numbers(column)
    return numeric_values(column)


def _per_column(value: Any, columns: list[str], what: str) -> pd.Series:
    values = np.atleast_1d(np.asarray(value, dtype="f8"))
    if len(values) == 1:
        values = np.repeat(values, len(columns))
    if len(values) != len(columns):
        raise SpecError(f"step_harmonic: `{what}` must be length 1 or the same length as the "
                        "input columns")
    return pd.Series(values, index=columns, dtype="f8")


@register
class StepHarmonic(_DerivingStep):
    """``step_harmonic``: ``sin``/``cos`` of ``2 pi (x - starting_val) / cycle_size``
    times each ``frequency``, as ``<col>_sin_<i>`` and ``<col>_cos_<i>``."""

    r_class = "step_harmonic"
    keep_default = False

    def __init__(self, *terms: Any, frequency: Any = math.nan, cycle_size: Any = math.nan,
                 starting_val: Any = math.nan, **common: Any):
        super().__init__(*terms, **common)
        if not self.trained and np.isnan(np.asarray(cycle_size, dtype="f8")).all():
            raise SpecError("step_harmonic: `cycle_size` must have at least one non-NA numeric value")
        self.frequency, self.cycle_size, self.starting_val = frequency, cycle_size, starting_val

    @classmethod
    def from_r(cls, node: List) -> "StepHarmonic":
        step = super().from_r(node)
        step.frequency, step.cycle_size, step.starting_val = (
            named_numbers(node.get(name)) for name in ("frequency", "cycle_size", "starting_val"))
        step.columns = list(step.starting_val.index) if step.trained else []
        return step

    def fields_to_r(self) -> dict[str, Any]:
        def values(v: Any) -> Any:
            return named_dbl(v) if isinstance(v, pd.Series) else b.dbl(*np.atleast_1d(v).tolist())
        return {"frequency": values(self.frequency), "cycle_size": values(self.cycle_size),
                "starting_val": values(self.starting_val),
                "keep_original_cols": b.lgl(self.keep_original_cols),
                "columns": super().fields_to_r()["columns"]}

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        wrong = [c for c in self.columns if not (pd.api.types.is_numeric_dtype(data[c])
                                                 or pd.api.types.is_datetime64_any_dtype(data[c]))]
        if wrong:
            raise SpecError(f"step_harmonic: columns must be numeric, Date or date-time: "
                            f"{', '.join(wrong)}")
        self.cycle_size = _per_column(self.cycle_size, self.columns, "cycle_size")
        start = np.atleast_1d(np.asarray(self.starting_val, dtype="f8"))
        self.starting_val = _per_column(0.0 if np.isnan(start).all() else start, self.columns,
                                        "starting_val")
        freq = np.atleast_1d(np.asarray(self.frequency, dtype="f8"))
        freq = np.unique(freq[~np.isnan(freq)])
        self.frequency = pd.Series(freq, index=[str(i) for i in range(1, len(freq) + 1)], dtype="f8")
        self.trained = True

    def new_columns(self, data: pd.DataFrame, column: str) -> pd.DataFrame:
        x = as_numbers(data[column])
        freq = self.frequency.to_numpy()
        names = [f"{column}_{kind}_{i}" for kind in ("sin", "cos") for i in range(1, len(freq) + 1)]
        if len(x) == 0:
            return pd.DataFrame({n: np.empty(0) for n in names}, index=data.index)
        if np.isnan(x).all():
            raise ForgeError(f"step_harmonic: `{column}` must have at least one non-NA value")
        with np.errstate(invalid="ignore"):
            cycle = 2.0 * (math.pi * ((x - self.starting_val[column]) / self.cycle_size[column]))
        waves = [_sin(cycle * f) for f in freq] + [_cos(cycle * f) for f in freq]
        return pd.DataFrame(dict(zip(names, waves)), index=data.index, copy=False)

