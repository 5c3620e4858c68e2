"""Numeric transformation steps: normalize, center, scale, range, log, sqrt, BoxCox,
YeoJohnson and pca.

Training statistics are computed the way R computes them (long-double accumulation in
``colMeans``/``mean``/``var``, R's ``optimize`` for the power-transform lambdas, the SVD of
``prcomp``) so that a recipe prepared in Python holds the numbers R would hold.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable, ClassVar

import numpy as np
import pandas as pd

from ...convert import flag, from_python, to_python
from ...errors import ForgeError, MalformedObjectError, SpecError
from ...rds.nodes import INT_MAX, NA_INTEGER, Integer, List, Logical, Real, plain
from ...rlinalg import col_means, col_sums, matprod, svd
from ...rmath import (libm, na_rm_range, nans_produced, optimize_max, r_log, r_mean,
                      r_mean_one_pass, r_pow, r_sum, r_var)
from ...rds import build as b
from ...rowblocks import row_offset, warn_rows
from .base import (Step, append_columns, column_names, first, ifelse_result, named_chr, named_dbl,
                   register, step_to_r, with_columns)

_EPS = float(np.finfo(float).eps)


# -- helpers -------------------------------------------------------------------------
def numeric_values(column: pd.Series) -> np.ndarray:
    """A column as float64 with NaN for missing values (integers, booleans included)."""
    return column.to_numpy(dtype="f8", na_value=np.nan)


def is_r_integer(column: pd.Series) -> bool:
    """Is the column one R holds as integers (integers within R's range)?"""
    if not pd.api.types.is_integer_dtype(column):
        return False
    values = column.to_numpy(dtype="f8", na_value=0.0)
    return bool(np.abs(values).max(initial=0.0) <= INT_MAX)


def col_mean(x: np.ndarray) -> float:
    """R's ``colMeans(x, na.rm = TRUE)`` for one column."""
    return r_mean_one_pass(x[~np.isnan(x)])


def stats_series(value: Any) -> pd.Series:
    """A named numeric R vector (or nothing) as a float Series indexed by column (a float
    Series is itself)."""
    if value is None:
        return pd.Series(dtype="f8")
    if isinstance(value, pd.Series) and value.dtype == np.float64:
        return value
    try:
        return pd.Series(value, dtype="f8")
    except (TypeError, ValueError):
        raise MalformedObjectError("a step's trained statistics must be named numbers, not "
                                   f"{type(value).__name__}") from None


def r_matrix_node(frame: pd.DataFrame) -> Real:
    """A DataFrame as a double matrix with row and column names."""
    values = b.dbl(frame.to_numpy("f8").ravel(order="F"))
    return b.structure(b.matrix(values, *frame.shape),
                       {"dimnames": b.r_list([b.chr(*map(str, frame.index)),
                                              b.chr(*map(str, frame.columns))])})


def r_matrix(node: Any) -> pd.DataFrame:
    """A numeric matrix node (``dim``/``dimnames`` attributes) as a DataFrame of doubles
    (an integer or logical matrix's NA as NaN)."""
    node = plain(node)
    rows, cols = (int(n) for n in plain(node.attr("dim")).data)
    values = np.asarray(node.data, dtype="f8")
    if isinstance(node, (Integer, Logical)):
        values[np.asarray(node.data) == NA_INTEGER] = np.nan
    values = values.reshape((rows, cols), order="F")
    dimnames = node.attr("dimnames")
    names = [None, None] if dimnames is None else [d if d is None else plain(d).data for d in dimnames.data]
    return pd.DataFrame(values, index=names[0], columns=names[1])


# -- steps ---------------------------------------------------------------------------
class NumericMapStep(Step):
    """A step that replaces each of its numeric columns, in place, by a function of it:
    :meth:`transform` of the column's doubles and of what the step trained for that
    column (means, ranges, lambdas...), over the columns :meth:`bake_columns` names."""

    default_role: ClassVar[str | None] = None

    def bake_columns(self) -> list[str]:
        """The columns rewritten, in the order R processes them."""
        raise NotImplementedError

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        """The new values of ``column`` from its current values ``x``."""
        raise NotImplementedError

    def required_columns(self) -> list[str]:
        return self.bake_columns()

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return with_columns(data, {column: self.transform(column, numeric_values(data[column]))
                                   for column in self.bake_columns()})

    def nans_produced(self, column: str, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``out``, with R's "NaNs produced" warning (:func:`~pykerasnip.rmath.nans_produced`)."""
        return nans_produced(x, out, ("NaNs produced", self.id, column))


def numeric_columns(step: Step, data: pd.DataFrame, info: pd.DataFrame) -> list[str]:
    """The columns ``step`` selects, which must all be numeric (recipes' ``check_type``)."""
    return check_numeric(step, data, step.select(info))


def check_numeric(step: Step, data: pd.DataFrame, columns: list[str]) -> list[str]:
    """``columns``, which must all be numbers (recipes' ``check_type``: double or integer)."""
    wrong = [c for c in columns if not pd.api.types.is_numeric_dtype(data[c])
             or pd.api.types.is_bool_dtype(data[c])]
    if wrong:
        raise SpecError(f"{step.r_class}: all columns must be numeric (double or integer); "
                        f"not: {', '.join(wrong)}")
    return columns


def _sd_check(sds: pd.Series) -> pd.Series:
    # R: zero-variance columns are scaled by 1 (with a warning)
    return sds.where(~(sds < _EPS), 1.0)


@register
class StepCenter(NumericMapStep):
    """``step_center``: subtract the training means."""

    r_class = "step_center"
    r_fields = ("means", "na_rm")

    def __init__(self, *terms: Any, na_rm: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.na_rm = na_rm
        self.means = pd.Series(dtype="f8")

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.means = pd.Series({c: self._mean(numeric_values(data[c])) for c in columns}, dtype="f8")
        self.trained = True

    def _mean(self, x: np.ndarray) -> float:
        return col_mean(x) if self.na_rm or not np.isnan(x).any() else math.nan

    def to_r(self) -> List:
        return step_to_r(self, {"means": named_dbl(self.means), "na_rm": b.lgl(first(self.na_rm)),
                                "case_weights": None})

    def bake_columns(self) -> list[str]:
        return list(stats_series(self.means).index)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        return x - stats_series(self.means)[column]


@register
class StepScale(NumericMapStep):
    """``step_scale``: divide by the training SDs (times ``factor``)."""

    r_class = "step_scale"
    r_fields = ("sds", "factor", "na_rm")

    def __init__(self, *terms: Any, factor: float = 1, na_rm: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.factor = factor
        self.na_rm = na_rm
        self.sds = pd.Series(dtype="f8")

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.sds = _sd_check(self._sds(data, columns)) * float(first(self.factor))
        self.trained = True

    def _sds(self, data: pd.DataFrame, columns: list[str]) -> pd.Series:
        def sd(x: np.ndarray) -> float:
            return math.sqrt(r_var(x)) if self.na_rm or not np.isnan(x).any() else math.nan
        return pd.Series({c: sd(numeric_values(data[c])) for c in columns}, dtype="f8")

    def to_r(self) -> List:
        return step_to_r(self, {"sds": named_dbl(self.sds), "factor": b.dbl(first(self.factor)),
                                "na_rm": b.lgl(first(self.na_rm)), "case_weights": None})

    def bake_columns(self) -> list[str]:
        return list(stats_series(self.sds).index)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        return x / stats_series(self.sds)[column]


@register
class StepNormalize(StepCenter, StepScale):
    """``step_normalize``: ``(x - mean) / sd`` with training means and sample SDs."""

    r_class = "step_normalize"
    r_fields = ("means", "sds", "na_rm")

    def __init__(self, *terms: Any, na_rm: bool = True, **common: Any):
        Step.__init__(self, *terms, **common)
        self.na_rm = na_rm
        self.means = pd.Series(dtype="f8")
        self.sds = pd.Series(dtype="f8")

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        self.means = pd.Series({c: self._mean(numeric_values(data[c])) for c in columns}, dtype="f8")
        self.sds = _sd_check(self._sds(data, columns))
        self.trained = True

    def to_r(self) -> List:
        return step_to_r(self, {"means": named_dbl(self.means), "sds": named_dbl(self.sds),
                                "na_rm": b.lgl(first(self.na_rm)), "case_weights": None})

    def bake_columns(self) -> list[str]:
        columns = list(stats_series(self.means).index)
        if set(columns) != set(stats_series(self.sds).index):
            raise MalformedObjectError(f"step_normalize stores means for {columns} but sds for "
                                       f"{list(stats_series(self.sds).index)}")
        return columns

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        out = x - stats_series(self.means)[column]
        out /= stats_series(self.sds)[column]
        return out


@register
class StepRange(NumericMapStep):
    """``step_range``: rescale to ``[min, max]`` using the training ranges (clipped)."""

    r_class = "step_range"
    r_fields = ("min", "max", "clipping")

    def __init__(self, *terms: Any, min: float = 0.0, max: float = 1.0, clipping: bool = True,
                 **common: Any):
        super().__init__(*terms, **common)
        self.min, self.max, self.clipping = min, max, clipping
        self.ranges = pd.DataFrame(index=["mins", "maxs"], dtype="f8")

    @classmethod
    def from_r(cls, node: List) -> "StepRange":
        step = super().from_r(node)
        step.min, step.max = float(first(step.min)), float(first(step.max))
        # old objects have no clipping field: R then clips (NULL is not FALSE there)
        step.clipping = flag(node.get("clipping"), True)
        ranges = node.get("ranges")
        step.ranges = r_matrix(ranges).set_axis(["mins", "maxs"]) if ranges is not None \
            else pd.DataFrame(index=["mins", "maxs"], dtype="f8")
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        values = {c: numeric_values(data[c]) for c in columns}
        self.ranges = pd.DataFrame({c: na_rm_range(x) for c, x in values.items()},
                                   index=["mins", "maxs"], dtype="f8")
        self.trained = True

    def to_r(self) -> List:
        return step_to_r(self, {"min": b.dbl(first(self.min)), "max": b.dbl(first(self.max)),
                                "clipping": b.lgl(first(self.clipping)), "ranges": r_matrix_node(self.ranges)})

    def bake_columns(self) -> list[str]:
        return list(self.ranges.columns)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        lo, hi = self.ranges[column]
        out = (x - lo) * (self.max - self.min) / (hi - lo) + self.min
        return np.clip(out, self.min, self.max) if self.clipping else out


class FixedMapStep(NumericMapStep):
    """A :class:`NumericMapStep` whose function is fixed by its settings, not trained
    per column: its trained state is only the selected numeric ``columns``."""

    name_fields = ("columns",)

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.columns: list[str] = []

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        self.trained = True

    def bake_columns(self) -> list[str]:
        return self.columns


@register
class StepLog(FixedMapStep):
    """``step_log``: ``log(x + offset, base)``, or the signed log."""

    r_class = "step_log"
    r_fields = ("base", "offset", "columns", "signed")

    def __init__(self, *terms: Any, base: float = math.e, offset: float = 0.0,
                 signed: bool = False, **common: Any):
        super().__init__(*terms, **common)
        self.base, self.offset, self.signed = base, offset, signed

    @classmethod
    def from_r(cls, node: List) -> "StepLog":
        step = super().from_r(node)
        step.base = float(first(step.base))
        step.offset = 0.0 if step.offset is None else float(first(step.offset))
        step.signed = flag(node.get("signed"))
        return step

    def to_r(self) -> List:
        return step_to_r(self, {"base": b.dbl(first(self.base)), "offset": b.dbl(first(self.offset)),
                                "columns": named_chr(self.columns), "signed": b.lgl(first(self.signed))})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if self.signed and self.offset != 0:
            warn_rows(("signed log offset", self.id), np.array([row_offset()]),
                      lambda _: warnings.warn("When `signed` is TRUE, `offset` will be ignored.",
                                              UserWarning, stacklevel=2))
        return super().bake(data)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        if self.signed:
            with np.errstate(invalid="ignore"):
                signed = np.where(np.abs(x) < 1, 0.0, np.sign(x) * r_log(np.abs(x), self.base))
            return ifelse_result(signed, decided=~np.isnan(x))
        return self.nans_produced(column, x, r_log(x + self.offset, self.base))


@register
class StepSqrt(FixedMapStep):
    """``step_sqrt``: square root (negative values give NaN)."""

    r_class = "step_sqrt"
    r_fields = ("columns",)

    def to_r(self) -> List:
        return step_to_r(self, {"columns": named_chr(self.columns)})

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            return self.nans_produced(column, x, np.sqrt(x))


_LAMBDA_EPS = 0.001


def box_cox(x: np.ndarray, lam: float) -> np.ndarray:
    """recipes' Box-Cox transform for one lambda."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return libm("log")(x) if abs(lam) < _LAMBDA_EPS else (r_pow(x, lam) - 1) / lam


def yeo_johnson(x: np.ndarray, lam: float) -> np.ndarray:
    """recipes' Yeo-Johnson transform for one lambda (NaN stays NaN)."""
    out = x.copy()
    pos, neg = x >= 0, x < 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out[pos] = (libm("log")(x[pos] + 1) if abs(lam) < _LAMBDA_EPS
                    else (r_pow(x[pos] + 1, lam) - 1) / lam)
        out[neg] = (-libm("log")(-x[neg] + 1) if abs(lam - 2) < _LAMBDA_EPS
                    else -(r_pow(-x[neg] + 1, 2 - lam) - 1) / (2 - lam))
    return out


def _profile_loglik(z: np.ndarray) -> float:
    n = len(z)
    return -0.5 * n * math.log(r_var(z) * (n - 1) / n)


def estimate_box_cox(x: np.ndarray, limits: tuple[float, float], num_unique: int) -> float:
    """recipes' Box-Cox lambda (NaN when it cannot be estimated or hits a limit).
    Missing values with no non-positive one stop R's prep (``any(x <= 0)`` is NA there)."""
    if len(np.unique(x)) < num_unique or (x <= 0).any():
        return math.nan
    if np.isnan(x).any():
        raise SpecError("step_BoxCox cannot estimate a lambda from missing values: R's prep() "
                        "stops on them (missing value where TRUE/FALSE needed)")
    gm = math.exp(r_mean(libm("log")(x)))

    def loglik(lam: float) -> float:
        gm0 = gm ** (lam - 1)
        z = libm("log")(x) / gm0 if abs(lam) <= _LAMBDA_EPS else (r_pow(x, lam) - 1) / (lam * gm0)
        return _profile_loglik(z)
    return _check_limits(optimize_max(loglik, *limits, tol=1e-4), limits)


def estimate_yeo_johnson(x: np.ndarray, limits: tuple[float, float], num_unique: int,
                         na_rm: bool = True) -> float:
    """recipes' Yeo-Johnson lambda (NaN when it cannot be estimated or hits a limit)."""
    if np.isnan(x).any():
        if not na_rm:
            raise SpecError("Missing values are not allowed for the YJ transformation. "
                            "See `na_rm` option")
        x = x[~np.isnan(x)]
    if len(np.unique(x)) < num_unique:
        return math.nan
    const = r_sum(np.sign(x) * libm("log")(np.abs(x) + 1))

    def loglik(lam: float) -> float:
        return _profile_loglik(yeo_johnson(x, lam)) + (lam - 1) * const
    return _check_limits(optimize_max(loglik, *limits, tol=1e-4), limits)


def _check_limits(lam: float, limits: tuple[float, float]) -> float:
    near = abs(limits[0] - lam) <= _LAMBDA_EPS or abs(limits[1] - lam) <= _LAMBDA_EPS
    return math.nan if near else lam


class _PowerStep(NumericMapStep):
    """Box-Cox / Yeo-Johnson: one estimated lambda per column (failed ones dropped)."""

    r_fields = ("lambdas", "limits", "num_unique")
    transform_fn: ClassVar[Callable[[np.ndarray, float], np.ndarray]]
    #: R's warning naming the columns whose lambda could not be estimated ("" = none)
    unestimated_warning: ClassVar[str] = ""

    def __init__(self, *terms: Any, limits: tuple[float, float] = (-5.0, 5.0),
                 num_unique: int = 5, **common: Any):
        super().__init__(*terms, **common)
        self.limits, self.num_unique = tuple(limits), num_unique
        self.lambdas = pd.Series(dtype="f8")

    @classmethod
    def from_r(cls, node: List) -> "_PowerStep":
        step = super().from_r(node)
        step.lambdas = stats_series(step.lambdas)
        step.limits = tuple(float(v) for v in np.ravel(step.limits))
        return step

    def estimate(self, x: np.ndarray) -> float:
        raise NotImplementedError

    def to_r(self) -> List:
        fields = {"lambdas": named_dbl(self.lambdas), "limits": b.dbl(*map(float, self.limits)),
                  "num_unique": b.dbl(first(self.num_unique))}
        if hasattr(self, "na_rm"):
            fields["na_rm"] = b.lgl(first(self.na_rm))
        return step_to_r(self, fields)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        columns = numeric_columns(self, data, info)
        lambdas = pd.Series({c: self.estimate(numeric_values(data[c])) for c in columns}, dtype="f8")
        self.lambdas = lambdas.dropna()
        self.trained = True
        failed = list(lambdas.index[lambdas.isna()])
        if failed and self.unestimated_warning:
            warnings.warn(self.unestimated_warning.format(", ".join(failed)), UserWarning,
                          stacklevel=2)

    def bake_columns(self) -> list[str]:
        return list(self.lambdas.index)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        return type(self).transform_fn(x, float(self.lambdas[column]))


@register
class StepBoxCox(_PowerStep):
    """``step_BoxCox``: Box-Cox power transform with lambdas estimated at prep."""

    r_class = "step_BoxCox"
    transform_fn = staticmethod(box_cox)
    unestimated_warning = "No Box-Cox transformation could be estimated for: {}."

    def estimate(self, x: np.ndarray) -> float:
        return estimate_box_cox(x, self.limits, self.num_unique)

    def transform(self, column: str, x: np.ndarray) -> np.ndarray:
        # R's bake checks `any(x <= 0)`: TRUE warns, NA (missing values only) stops. In
        # row blocks, a block with NA and no non-positive value stops; the whole frame
        # then runs in one piece, and the warning is given once for all blocks.
        non_positive = x <= 0
        if non_positive.any():
            warn_rows(("Box-Cox non-positive", self.id, column), np.flatnonzero(non_positive),
                      lambda _: warnings.warn(f"Applying Box-Cox transformation to non-positive "
                                              f"data in column {column}.", UserWarning, stacklevel=2))
        elif np.isnan(x).any():
            raise ForgeError(f"step_BoxCox: column {column} has missing values, on which R's "
                             "bake() stops (missing value where TRUE/FALSE needed)")
        out = super().transform(column, x)
        if abs(float(self.lambdas[column])) < _LAMBDA_EPS:  # log(x): R's `^` does not warn
            return self.nans_produced(column, x, out)
        return out


@register
class StepYeoJohnson(_PowerStep):
    """``step_YeoJohnson``: Yeo-Johnson power transform with lambdas estimated at prep."""

    r_class = "step_YeoJohnson"
    r_fields = _PowerStep.r_fields + ("na_rm",)
    transform_fn = staticmethod(yeo_johnson)

    def __init__(self, *terms: Any, na_rm: bool = True, **common: Any):
        super().__init__(*terms, **common)
        self.na_rm = na_rm

    def estimate(self, x: np.ndarray) -> float:
        return estimate_yeo_johnson(x, self.limits, self.num_unique, bool(first(self.na_rm)))

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        # recipes' yj_transform assigns into x: a column with no value (no rows, all NA)
        # keeps its type, an integer one too
        self.check_columns(data)
        return with_columns(data, {column: self.transform(column, numeric_values(data[column]))
                                   for column in self.bake_columns() if data[column].notna().any()})


def pca_names(prefix: str, count: int) -> list[str]:
    """recipes' ``names0(count, prefix)``: ``PC1``..., zero-padded to a common width."""
    width = len(str(count))
    return [f"{prefix}{i:0{width}d}" for i in range(1, count + 1)]


@register
class StepPca(Step):
    """``step_pca``: project onto the principal components of the (uncentred) training
    columns, like ``prcomp(center = FALSE, scale. = FALSE)``."""

    r_class = "step_pca"
    r_fields = ("num_comp", "threshold", "prefix", "keep_original_cols", "columns")

    def __init__(self, *terms: Any, num_comp: int = 5, threshold: float = math.nan,
                 prefix: str = "PC", keep_original_cols: bool = False,
                 options: dict[str, Any] | None = None, **common: Any):
        super().__init__(*terms, **common)
        self.num_comp, self.threshold, self.prefix = num_comp, threshold, prefix
        self.options = dict(options or {})
        self.keep_original_cols = keep_original_cols
        self.columns: list[str] = []
        self.rotation = pd.DataFrame(dtype="f8")
        self.sdev = np.empty(0)
        self.center: np.ndarray | None = None
        self.scale: np.ndarray | None = None

    @classmethod
    def from_r(cls, node: List) -> "StepPca":
        step = super().from_r(node)
        step.num_comp = int(first(step.num_comp))
        step.prefix = str(first(step.prefix))
        threshold = first(step.threshold) if step.threshold is not None else None
        step.threshold = math.nan if threshold is None or pd.isna(threshold) else float(threshold)
        # old objects: no keep_original_cols field, ``preserve`` instead
        keep = node.get("keep_original_cols")
        step.keep_original_cols = flag(node.get("preserve") if keep is None else keep)
        res = node.get("res")
        if res is not None:
            step.rotation = r_matrix(res.get("rotation"))
            step.sdev = np.asarray(res.get("sdev").data, dtype="f8")
            step.center, step.scale = (_centering(res.get(f)) for f in ("center", "scale"))
        step.columns = column_names(step.columns) or list(step.rotation.index)
        options = to_python(node.get("options"))
        step.options = {} if options is None else dict(options)
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = numeric_columns(self, data, info)
        if self.num_comp > 0 and self.columns:
            x = np.column_stack([numeric_values(data[c]) for c in self.columns])
            self.sdev, rotation, self.center, self.scale = prcomp(x, self.options)
            self.rotation = pd.DataFrame(rotation, index=self.columns,
                                         columns=[f"PC{i}" for i in range(1, rotation.shape[1] + 1)])
            self.num_comp = min(self.num_comp, len(self.columns))
            if not math.isnan(self.threshold):
                explained = np.cumsum(self.sdev ** 2 / np.sum(self.sdev ** 2))
                self.num_comp = int(np.argmax(explained >= self.threshold)) + 1
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.columns

    def to_r(self) -> List:
        res = None
        if not self.rotation.empty:
            res = b.structure(b.named_list(sdev=b.dbl(self.sdev), rotation=r_matrix_node(self.rotation),
                                           center=_centering_node(self.center, self.columns),
                                           scale=_centering_node(self.scale, self.columns)),
                              {"class": "prcomp"})
        threshold = first(self.threshold)
        return step_to_r(self, {
            "num_comp": b.dbl(first(self.num_comp)),
            "threshold": b.dbl(None if math.isnan(threshold) else threshold),
            "options": from_python(self.options), "res": res, "columns": named_chr(self.columns),
            "prefix": b.chr(first(self.prefix)), "keep_original_cols": b.lgl(first(self.keep_original_cols)),
            "case_weights": None})

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if not self.columns or self.rotation.isna().all().all():
            return data
        self.check_columns(data)
        variables = list(self.rotation.index)
        x = np.column_stack([numeric_values(data[c]) for c in variables])
        if self.center is not None:
            x = x - self.center
        if self.scale is not None:
            x = x / self.scale
        rotation = self.rotation.to_numpy()
        if self.num_comp > rotation.shape[1]:  # fewer training rows than components
            raise ForgeError(f"step_pca: subscript out of bounds: {int(self.num_comp)} components "
                             f"asked of a rotation with {rotation.shape[1]}")
        comps = matprod(x, rotation[:, :self.num_comp])
        names = pca_names(self.prefix, comps.shape[1])
        out = append_columns(data, pd.DataFrame(comps, columns=names), "step_pca")
        return out if self.keep_original_cols else out.drop(columns=variables)


def prcomp(x: np.ndarray, options: dict[str, Any]
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(sdev, rotation, center, scale) of ``prcomp(x, center = FALSE, scale. = FALSE,
    tol = NULL)`` with recipes' ``options`` (``center``, ``scale.``, ``tol``, ``rank.``)
    laid over those defaults; ``scale()``'s column means and root mean squares."""
    n = x.shape[0]
    center = _scaling(options.get("center", False), lambda: col_means(x))
    if center is not None:
        x = x - center
    scale = _scaling(options.get("scale.", False),
                     lambda: np.sqrt(col_sums(x * x) / max(1, n - 1)))
    if scale is not None:
        x = x / scale
    d, _, vt = svd(x)
    keep = len(d) if options.get("rank.") is None else min(int(first(options["rank."])), len(d))
    if options.get("tol") is not None:
        keep = min(keep, int((d > d[0] * float(first(options["tol"]))).sum()))
    return d / math.sqrt(max(1, n - 1)), vt.T[:, :keep], center, scale


def _scaling(option: Any, estimate: Callable[[], np.ndarray]) -> np.ndarray | None:
    """``scale()``'s ``center``/``scale`` argument: FALSE none, TRUE estimated, or the
    given numbers."""
    value = first(option) if np.ndim(option) == 0 or len(np.atleast_1d(option)) == 1 else option
    if isinstance(value, (bool, np.bool_)):
        return estimate() if value else None
    return np.asarray(option, dtype="f8")


def _centering_node(values: np.ndarray | None, columns: list[str]) -> Any:
    return b.lgl(False) if values is None else named_dbl(dict(zip(columns, values.tolist())))


def _centering(node: Any) -> np.ndarray | None:
    # prcomp stores FALSE when it did not centre/scale, else the vector used
    if not isinstance(node, Real) or len(node.data) == 0:
        return None
    return np.asarray(node.data, dtype="f8")
