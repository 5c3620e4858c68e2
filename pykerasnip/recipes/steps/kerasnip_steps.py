"""kerasnip's own recipe steps: step_collapse, step_lead and step_sequence.

Quirk kept from kerasnip: their bake returns the data unchanged when ``skip`` is TRUE.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ... import rmath
from ...convert import flag, scalar
from ...errors import UnsupportedStepError
from ...rds import build as b
from ...rds.nodes import List
from .base import SelectedColumnsStep, r_numbers, register


def numeric_matrix(data: pd.DataFrame, columns: list[str], step: str) -> np.ndarray:
    """R's ``as.matrix`` of numeric (and logical) columns: a double, integer (R's NA
    integer kept, as Keras gets it) or logical matrix, as the columns' R types say."""
    frame = data[columns]
    non_numeric = [c for c in columns if not (pd.api.types.is_numeric_dtype(frame[c])
                                              or pd.api.types.is_bool_dtype(frame[c]))]
    if non_numeric:
        raise UnsupportedStepError(step, "as.matrix() of non-numeric columns (it makes a "
                                         f"character matrix): {', '.join(non_numeric)}")
    return rmath.numeric_matrix(frame)


def with_list_column(data: pd.DataFrame, name: str, cells: list[np.ndarray],
                     drop: list[str]) -> pd.DataFrame:
    """Set (or append) the list column ``name`` and drop the ``drop`` columns."""
    out = data.copy(deep=False)
    out[name] = pd.Series(cells, index=data.index, dtype=object)
    return out.drop(columns=[c for c in drop if c != name])


class _KerasnipStep(SelectedColumnsStep):
    """A kerasnip step: trained ``columns``; bake is a no-op when ``skip`` is set."""

    default_role = "predictor"

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.columns = self.select(info)
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        if self.skip or not self.columns:
            return data
        self.check_columns(data)
        return self.apply(data)

    def apply(self, data: pd.DataFrame) -> pd.DataFrame:
        raise NotImplementedError


@register
class StepCollapse(_KerasnipStep):
    """``step_collapse``: each row of the columns -> a 1 x p matrix in ``new_col``."""

    r_class = "step_collapse"

    def __init__(self, *terms: Any, new_col: str = "predictor_matrix", **kwargs: Any):
        super().__init__(*terms, **kwargs)
        self.new_col = new_col

    @classmethod
    def from_r(cls, node: List) -> "StepCollapse":
        step = super().from_r(node)
        step.new_col = scalar(node["new_col"])
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {**super().fields_to_r(), "new_col": b.chr(self.new_col)}

    def apply(self, data: pd.DataFrame) -> pd.DataFrame:
        rows = numeric_matrix(data, self.columns, self.r_class)
        return with_list_column(data, self.new_col, list(rows[:, None, :]), self.columns)


@register
class StepLead(_KerasnipStep):
    """``step_lead``: ``<prefix><k>_<col>`` = the column shifted up by k rows."""

    r_class = "step_lead"
    reads_neighbours = True
    default_role = "outcome"

    def __init__(self, *terms: Any, lead: tuple[int, ...] = (1,), prefix: str = "lead_",
                 default: Any = None, keep_original_cols: bool = True, **kwargs: Any):
        super().__init__(*terms, **kwargs)
        if any(k < 0 or k != int(k) for k in lead):
            raise UnsupportedStepError(self.r_class, "`lead` must be non-negative integers")
        self.lead = [int(k) for k in lead]
        self.prefix, self.default, self.keep_original_cols = prefix, default, keep_original_cols

    @classmethod
    def from_r(cls, node: List) -> "StepLead":
        step = super().from_r(node)
        default = scalar(node.get("default"))
        step.default = None if default is None or pd.isna(default) else default
        step.lead = [int(k) for k in r_numbers(node["lead"])]
        step.prefix = scalar(node["prefix"])
        step.keep_original_cols = flag(node.get("keep_original_cols"), True)
        return step

    def fields_to_r(self) -> dict[str, Any]:
        default = b.lgl(None) if self.default is None else b.as_node(self.default)
        return {"lead": b.dbl(self.lead), "prefix": b.chr(self.prefix), "default": default,
                **super().fields_to_r(), "keep_original_cols": b.lgl(self.keep_original_cols)}

    def apply(self, data: pd.DataFrame) -> pd.DataFrame:
        out = data.copy(deep=False)
        for column in self.columns:
            for k in self.lead:
                out[f"{self.prefix}{k}_{column}"] = _lead(data[column], k, self.default)
        return out if self.keep_original_cols else out.drop(columns=self.columns)


def _lead(values: pd.Series, k: int, default: Any = None) -> pd.Series:
    """``dplyr::lead(x, k, default)``: the last k rows filled with ``default`` (NA when
    None); integer columns stay (nullable) integer."""
    if pd.api.types.is_integer_dtype(values):
        values = values.astype("Int32")
    if not k:
        return values.copy()
    shifted = values.shift(-k)
    if default is not None:
        shifted.iloc[max(len(values) - k, 0):] = default
    return shifted


@register
class StepSequence(_KerasnipStep):
    """``step_sequence``: row i -> the T x p window of rows i-T+1..i in ``new_col``;
    the first T-1 rows are zero-padded or dropped."""

    r_class = "step_sequence"
    reads_neighbours = True
    paddings = ("drop", "zero")

    def __init__(self, *terms: Any, timesteps: int = 1, new_col: str = "sequence_matrix",
                 padding: str = "drop", **kwargs: Any):
        super().__init__(*terms, **kwargs)
        if padding not in self.paddings:
            raise UnsupportedStepError(self.r_class, f"padding {padding!r}")
        self.timesteps, self.new_col, self.padding = int(timesteps), new_col, padding

    @classmethod
    def from_r(cls, node: List) -> "StepSequence":
        step = super().from_r(node)
        step.timesteps = int(scalar(node["timesteps"]))
        step.new_col, step.padding = scalar(node["new_col"]), scalar(node["padding"])
        return step

    def fields_to_r(self) -> dict[str, Any]:
        return {**super().fields_to_r(), "timesteps": b.dbl(self.timesteps),
                "new_col": b.chr(self.new_col), "padding": b.chr(self.padding)}

    def apply(self, data: pd.DataFrame) -> pd.DataFrame:
        matrix = numeric_matrix(data, self.columns, self.r_class)
        steps = self.timesteps
        # a window padded with R's double zeros is a double matrix; the others keep the
        # columns' R type (an integer NA stays R's NA integer)
        padded = np.vstack([np.zeros((steps - 1, matrix.shape[1])), rmath.as_double(matrix)])
        windows = np.lib.stride_tricks.sliding_window_view(padded, steps, axis=0).transpose(0, 2, 1)
        cells = [windows[i].copy() if i < steps - 1 else matrix[i - steps + 1:i + 1].copy()
                 for i in range(len(matrix))]
        out = with_list_column(data, self.new_col, cells, self.columns)
        if self.padding == "drop":
            out = out.iloc[steps - 1:].reset_index(drop=True)
        return out
