"""Column filter steps: zv, nzv, corr and rm drop columns; select keeps (and renames)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...convert import to_python
from ...errors import UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from .base import Step, first, register, step_to_r
from .numeric import check_numeric, numeric_values


class RemovalStep(Step):
    """A step that removes the trained ``removals`` columns (those present) at bake."""

    default_role = None
    r_fields = name_fields = ("removals",)

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.removals: list[str] = []

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        """Which of the selected training ``columns`` the step removes."""
        raise NotImplementedError

    def settings_to_r(self) -> dict[str, Any]:
        """The step's own settings as R nodes (besides ``removals``)."""
        return {}

    def to_r(self) -> List:
        return step_to_r(self, {**self.settings_to_r(), "removals": b.chr(*self.removals)})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.removals = self.removed(data, self.select(info))
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        return data.drop(columns=[c for c in self.removals if c in data.columns])


def _distinct(column: pd.Series) -> int:
    return column.dropna().nunique()


@register
class StepZv(RemovalStep):
    """``step_zv``: remove columns with a single distinct (non-missing) value."""

    r_class = "step_zv"

    def __init__(self, *terms: Any, group: Any = None, **common: Any):
        super().__init__(*terms, **common)
        if group is not None:
            raise UnsupportedStepError("step_zv", "the `group` argument is not supported")

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        return [c for c in columns if _distinct(data[c]) < 2]

    def settings_to_r(self) -> dict[str, Any]:
        return {"group": None}


def _freq_ratio(column: pd.Series) -> float:
    counts = column.dropna().value_counts(sort=False).sort_index().to_numpy()
    if len(counts) <= 1:
        return 0.0
    top = int(np.argmax(counts))
    return counts[top] / np.delete(counts, top).max()


@register
class StepNzv(RemovalStep):
    """``step_nzv``: remove near-zero-variance columns (caret's frequency-ratio /
    percent-unique rule)."""

    r_class = "step_nzv"
    r_fields = ("removals", "freq_cut", "unique_cut")

    def __init__(self, *terms: Any, freq_cut: float = 95 / 5, unique_cut: float = 10,
                 **common: Any):
        super().__init__(*terms, **common)
        self.freq_cut, self.unique_cut = freq_cut, unique_cut

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        def near_zero(column: pd.Series) -> bool:
            unique = _distinct(column)
            pct_unique = 100 * unique / len(column) if len(column) else np.nan  # R's 0/0
            zero_var = unique == 1 or column.isna().all()
            return bool((_freq_ratio(column) > self.freq_cut and pct_unique <= self.unique_cut)
                        or zero_var)
        return [c for c in columns if near_zero(data[c])]

    def settings_to_r(self) -> dict[str, Any]:
        cuts = {"freq_cut": b.dbl(first(self.freq_cut)), "unique_cut": b.dbl(first(self.unique_cut))}
        return {**cuts, "options": b.named_list(cuts)}


def _factor_codes(values: np.ndarray) -> np.ndarray:
    # as.numeric(as.factor(x)): ranks of the distinct values as R prints them (15 digits)
    printed = np.array([float(f"{v:.15g}") for v in values])
    return np.unique(printed, return_inverse=True)[1] + 1


def corr_removals(corr: np.ndarray, names: list[str], cutoff: float) -> list[str]:
    """caret's ``findCorrelation`` as recipes' ``corr_filter`` runs it, on a correlation
    matrix without missing values."""
    average = _factor_codes(np.abs(corr).mean(axis=0))
    upper = np.where(np.tril(np.ones_like(corr, dtype=bool)), np.nan, corr)
    flat = np.abs(upper).ravel(order="F")
    above = np.flatnonzero(flat > cutoff)          # column-major positions, like which()
    cols, rows = above // len(names), above % len(names)
    drop_col = average[cols] > average[rows]
    picked = np.concatenate([cols[drop_col], rows[~drop_col]])
    return [names[i] for i in dict.fromkeys(picked.tolist())]


# cor()'s methods and the ``use`` values whose missing-value handling pandas shares:
# pairwise-complete pairs (ranks taken within each pair's rows), or complete rows only
_CORR_METHODS = ("pearson", "spearman", "kendall")
_CORR_USES = ("pairwise.complete.obs", "complete.obs")


def _spearman(frame: pd.DataFrame) -> np.ndarray:
    """``cor(method = "spearman")`` with pairwise-complete pairs: each pair's complete rows
    ranked (ties averaged; infinite values are ranked, which pandas' Spearman does not do),
    then Pearson's correlation of the ranks."""
    values = frame.to_numpy(dtype="f8")
    corr = np.eye(values.shape[1])
    for i, j in zip(*np.triu_indices(values.shape[1], k=1)):
        both = values[~np.isnan(values[:, i]) & ~np.isnan(values[:, j])][:, [i, j]]
        corr[i, j] = corr[j, i] = pd.DataFrame(both).rank().corr().iloc[0, 1]
    return corr


@register
class StepCorr(RemovalStep):
    """``step_corr``: remove columns with large absolute pairwise correlations."""

    r_class = "step_corr"
    r_fields = ("removals", "threshold", "use", "method")

    def __init__(self, *terms: Any, threshold: float = 0.9, use: str = "pairwise.complete.obs",
                 method: str = "pearson", **common: Any):
        super().__init__(*terms, **common)
        self.threshold, self.use, self.method = threshold, use, method

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        method, use = str(first(self.method)), str(first(self.use))
        if method not in _CORR_METHODS or use not in _CORR_USES:
            raise UnsupportedStepError("step_corr", f"method = {method!r} with use = {use!r} "
                                       f"(methods: {', '.join(_CORR_METHODS)}; use: "
                                       f"{', '.join(_CORR_USES)})")
        check_numeric(self, data, columns)
        if len(columns) < 2:
            return []
        frame = pd.DataFrame({c: numeric_values(data[c]) for c in columns})
        if use == "complete.obs":
            frame = frame.dropna()
        corr = (_spearman(frame) if method == "spearman"
                else frame.corr(method=method).to_numpy(copy=True))
        all_na = np.isnan(corr).all(axis=0)
        if all_na.sum() >= len(columns) - 1:
            return []
        corr[all_na, :] = 0
        corr[:, all_na] = 0
        corr = np.nan_to_num(corr, nan=0.0)
        np.fill_diagonal(corr, 1.0)
        return corr_removals(corr, columns, self.threshold)

    def settings_to_r(self) -> dict[str, Any]:
        return {"threshold": b.dbl(first(self.threshold)), "use": b.chr(first(self.use)),
                "method": b.chr(first(self.method))}


@register
class StepRm(RemovalStep):
    """``step_rm``: remove the selected columns."""

    r_class = "step_rm"

    def removed(self, data: pd.DataFrame, columns: list[str]) -> list[str]:
        return columns


@register
class StepSelect(Step):
    """``step_select``: keep exactly the selected columns, in selection order, renamed
    as selected (trained ``terms`` map output names to source columns)."""

    r_class = "step_select"
    default_role = None

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.selected: dict[str, str] = {}

    @classmethod
    def from_r(cls, node: List) -> "StepSelect":
        step = super().from_r(node)
        if step.trained:    # untrained, ``terms`` still holds the user's selectors
            terms = to_python(node.get("terms"))
            step.selected = {str(k): str(v) for k, v in terms.items()}
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.selected = {name: name for name in self.select(info)}
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.selected.values())

    def to_r(self) -> List:
        # trained, ``terms`` names the selected columns; untrained, it holds the selectors
        terms = (b.structure(b.chr(*self.selected.values()), {"names": b.chr(*self.selected)})
                 if self.trained else None)
        return step_to_r(self, {}, terms=terms)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = data[list(self.selected.values())]
        out.columns = list(self.selected)
        return out
