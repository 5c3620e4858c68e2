"""More column filters: step_filter_missing (columns with too many missing values) and
step_lincomb (columns that are exact linear combinations of others, found with the
pivoting of R's LINPACK ``qr()``)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...convert import flag
from ...errors import ForgeError, SpecError, UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from ...rlinalg import qr_linpack
from .base import first, register
from .filters import RemovalStep
from .numeric import check_numeric, numeric_values


@register
class StepFilterMissing(RemovalStep):
    """``step_filter_missing``: remove columns whose share of missing values exceeds
    ``threshold`` (only when two or more columns are selected, as recipes does)."""

    r_class = "step_filter_missing"
    r_fields = ("removals", "threshold")

    def __init__(self, *terms: Any, threshold: float = 0.1, **common: Any):
        super().__init__(*terms, **common)
        if not 0 <= threshold <= 1:
            raise SpecError("step_filter_missing: `threshold` must be between 0 and 1")
        self.threshold = threshold

    @classmethod
    def from_r(cls, node: List) -> "StepFilterMissing":
        if flag(node.get("case_weights")):
            raise UnsupportedStepError(cls.r_class, "case weights are not supported")
        step = super().from_r(node)
        step.threshold = float(first(step.threshold))
        return step

    def settings_to_r(self) -> dict[str, Any]:
        return {"threshold": b.dbl(self.threshold), "case_weights": b.lgl(False)}

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        if len(columns) <= 1:
            return []
        # averages() of the 0/1 missing indicators: R's mean (long-double sum / n)
        shares = {c: float(np.longdouble(data[c].isna().sum()) / len(data)) for c in columns}
        return [c for c in columns if shares[c] > self.threshold]


def linear_combinations(x: np.ndarray, names: list[str], max_steps: int) -> list[str]:
    """recipes' ``iter_lc_rm``: repeatedly drop the columns ``qr()`` pivots out as
    dependent (at most ``max_steps - 1`` rounds). Columns of rank 0 (all zero) stay:
    recipes takes the dependent ones as ``-seq_len(rank)``, which then selects none."""
    kept = list(names)
    for _ in range(max_steps - 1):
        if not kept:
            break
        qr = qr_linpack(x[:, [names.index(c) for c in kept]])
        dependent = [kept[i] for i in qr.pivot[qr.rank:]] if qr.rank else []
        if not dependent:
            break
        kept = [c for c in kept if c not in dependent]
    return [c for c in names if c not in kept]


@register
class StepLincomb(RemovalStep):
    """``step_lincomb``: remove numeric columns that are linear combinations of others."""

    r_class = "step_lincomb"
    r_fields = ("removals", "max_steps")

    def __init__(self, *terms: Any, max_steps: int = 5, **common: Any):
        super().__init__(*terms, **common)
        self.max_steps = max_steps

    @classmethod
    def from_r(cls, node: List) -> "StepLincomb":
        step = super().from_r(node)
        step.max_steps = int(first(step.max_steps))
        return step

    def settings_to_r(self) -> dict[str, Any]:
        return {"max_steps": b.dbl(float(self.max_steps))}

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        check_numeric(self, data, columns)
        if not columns:
            return []
        x = np.column_stack([numeric_values(data[c]) for c in columns])
        if not np.isfinite(x).all():
            raise ForgeError("step_lincomb: qr() refuses missing or infinite values (NA/NaN/Inf)")
        return linear_combinations(x, columns, int(self.max_steps))
