"""Predictor and outcome processing (kerasnip's ``process_x_*`` / ``process_y_*``).

Predictors become one numeric array (R's ``as.matrix``), or -- for list columns whose
cells are arrays -- the cells stacked on a new first axis; a functional model with
several list columns gets a dict of named inputs. Outcomes become an ``n x 1`` matrix
(regression), a one-hot matrix (a factor), a matrix of several numeric columns
(multistep), or a dict of per-head matrices (multi-output).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SpecError
from ..rmath import as_double, numeric_matrix

_STEP_NAME = re.compile(r"^.*?([0-9]+)_(.+)$")


@dataclass
class ProcessedX:
    x: Any  # ndarray, or dict name -> ndarray
    input_shape: Any  # tuple, or dict name -> tuple


@dataclass
class ProcessedY:
    y: Any  # ndarray, or dict name -> ndarray
    is_classification: bool
    num_classes: int | None = None
    class_levels: Any = None  # list[str] | dict[str, list[str]] | None
    multistep_info: dict | None = None
    heads: list[str] = field(default_factory=list)


def is_list_column(col: pd.Series) -> bool:
    """A column whose cells are arrays/lists (an R list column); an empty object column
    counts as one (a numeric column keeps its dtype when empty)."""
    if col.dtype != object:
        return False
    return len(col) == 0 or isinstance(col.iloc[0], (np.ndarray, list, tuple))


def stack_cells(col: pd.Series) -> np.ndarray:
    """List-column cells stacked on a new first axis (R's ``abind(along = 0)``); no
    cells give an empty array whose cell shape the model's input supplies. Cells of
    several R types make one array of the highest, as R coerces them (an integer NA
    next to a double cell becomes NA)."""
    if len(col) == 0:
        return np.empty((0,))
    cells = [np.asarray(cell) for cell in col]
    if any(c.dtype.kind == "f" for c in cells) and any(c.dtype.kind != "f" for c in cells):
        cells = [as_double(c) for c in cells]
    return np.stack(cells, axis=0)


def as_matrix(x: pd.DataFrame) -> np.ndarray:
    """R's ``as.matrix`` of an all-numeric data frame, as keras3 hands it to Keras
    (:func:`pykerasnip.rmath.numeric_matrix`); other columns are refused, unless there is
    no row: R's Keras then stops on the zero rows alone, where Python gives none."""
    bad = [c for c in x.columns
           if not (pd.api.types.is_numeric_dtype(x[c]) or pd.api.types.is_bool_dtype(x[c]))]
    if bad and len(x):
        raise SpecError(f"predictors {bad} are not numeric; kerasnip gives Keras a numeric "
                        "matrix, so encode them first (e.g. a recipe with step_dummy)")
    return numeric_matrix(x)


def _shape(arr: np.ndarray) -> tuple[int, ...]:
    return tuple(int(d) for d in arr.shape[1:])


def _to_frame(x: Any) -> pd.DataFrame:
    if isinstance(x, pd.DataFrame):
        return x
    arr = np.asarray(x)
    return pd.DataFrame(arr.reshape(len(arr), -1) if arr.ndim != 2 else arr)


def process_x_sequential(x: Any) -> ProcessedX:
    """One predictor array and its per-row shape."""
    x = _to_frame(x)
    if x.shape[1] == 1 and is_list_column(x.iloc[:, 0]):
        arr = stack_cells(x.iloc[:, 0])
    else:
        arr = as_matrix(x)
    return ProcessedX(arr, _shape(arr))


def process_x_functional(x: Any) -> ProcessedX:
    """Like :func:`process_x_sequential`, but several list columns make named inputs."""
    x = _to_frame(x)
    if x.shape[1] > 1 and all(is_list_column(x[c]) for c in x.columns):
        arrays = {str(c): stack_cells(x[c]) for c in x.columns}
        return ProcessedX(arrays, {k: _shape(v) for k, v in arrays.items()})
    return process_x_sequential(x)


def one_hot(y: pd.Series) -> np.ndarray:
    """A factor as its ``n x K`` one-hot double matrix (keras ``to_categorical``). A
    missing value has no column: R's fit fails on it (keras3 hands ``to_categorical``
    R's NA integer, an index out of bounds), so it is refused here."""
    codes = np.asarray(y.cat.codes)
    if (codes < 0).any():
        raise SpecError(f"the outcome {y.name!r} has {int((codes < 0).sum())} missing values; a "
                        "factor outcome is one-hot encoded and NA has no class (R's fit fails "
                        "too): drop those rows first")
    return np.eye(len(y.cat.categories), dtype=np.float64)[codes]


def _column_matrix(y: pd.Series) -> np.ndarray:
    return y.to_numpy(dtype=np.float64, na_value=np.nan).reshape(-1, 1)


def _single(y: pd.Series) -> ProcessedY:
    if isinstance(y.dtype, pd.CategoricalDtype):
        levels = [str(level) for level in y.cat.categories]
        return ProcessedY(one_hot(y), True, len(levels), levels)
    return ProcessedY(_column_matrix(y), False)


def process_y_sequential(y: Any) -> ProcessedY:
    """The (first) outcome column as a target matrix."""
    if isinstance(y, pd.DataFrame):
        y = y.iloc[:, 0]
    return _single(pd.Series(y) if not isinstance(y, pd.Series) else y)


def multistep_info(names: list[str]) -> dict:
    """Steps and variables parsed from ``lead_<k>_<var>``-style outcome names."""
    matches = [_STEP_NAME.match(n) for n in names]
    if all(matches):
        steps = [int(m.group(1)) for m in matches]
        variables = [m.group(2) for m in matches]
    else:
        steps, variables = list(range(1, len(names) + 1)), ["outcome"] * len(names)
    per_var = {v: sorted(s for s, w in zip(steps, variables) if w == v) for v in variables}
    if len({tuple(s) for s in per_var.values()}) > 1:
        raise SpecError(f"multistep outcomes {names} do not share the same steps per variable")
    return {"steps": steps, "vars": variables}


def process_y_functional(y: Any, layer_blocks: dict | None = None) -> ProcessedY:
    """Outcomes of a functional model: single, vector-valued (multistep) or multi-head."""
    if not isinstance(y, pd.DataFrame) or y.shape[1] == 1:
        return process_y_sequential(y)
    names = [str(c) for c in y.columns]
    numeric = all(pd.api.types.is_numeric_dtype(y[c]) for c in y.columns)
    if layer_blocks is not None and numeric and not all(n in layer_blocks for n in names):
        return ProcessedY(y.to_numpy(dtype=np.float64), False,
                          multistep_info=multistep_info(names))
    heads = {name: _single(y[col]) for name, col in zip(names, y.columns)}
    return ProcessedY({n: h.y for n, h in heads.items()},
                      any(h.is_classification for h in heads.values()),
                      class_levels={n: h.class_levels for n, h in heads.items()
                                    if h.class_levels is not None},
                      heads=names)
