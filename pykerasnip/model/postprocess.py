"""Raw Keras outputs -> the columns R's kerasnip + parsnip return, per prediction type.

Raw outputs are an ``N x m`` float64 matrix, or a dict of them for a model with named
outputs. Column names, factor levels and nesting follow R exactly, including
``make.names(unique = TRUE)`` for classification interval columns.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import PredictError
from ..rmath import make_names

def _fallback_levels(levels: list[str] | None, k: int) -> list[str]:
    return list(levels) if levels else [f"class{i + 1}" for i in range(k)]


def _column(mat: np.ndarray) -> Any:
    return mat[:, 0] if mat.shape[1] == 1 else list(mat)


def nested(columns: dict[str, np.ndarray], info: dict | None) -> pd.DataFrame:
    """A ``.pred`` column of per-row DataFrames for vector-valued (multistep) outputs.

    ``columns`` maps a base name (``.pred``, ``.pred_lower``...) to an ``N x K``
    matrix whose columns follow ``info`` (steps and variables)."""
    k = next(iter(columns.values())).shape[1]
    info = info or {"steps": list(range(1, k + 1)), "vars": ["outcome"] * k}
    steps, variables = np.asarray(info["steps"]), list(info["vars"])
    unique_vars = list(dict.fromkeys(variables))
    order = {v: [i for i in np.argsort(steps, kind="stable") if variables[i] == v]
             for v in unique_vars}
    step_values = sorted(set(steps.tolist()))
    blocks = {(base if len(unique_vars) == 1 else f"{base}_{v}"): mat[:, idx]
              for v, idx in order.items() for base, mat in columns.items()}
    n = next(iter(columns.values())).shape[0]
    rows = [pd.DataFrame({".step": step_values, **{name: m[i] for name, m in blocks.items()}})
            for i in range(n)]
    return pd.DataFrame({".pred": rows})


def numeric(raw: Any, info: dict | None = None) -> pd.DataFrame:
    """``type = "numeric"``: ``.pred`` (or ``.pred_<output>`` per named output)."""
    if isinstance(raw, dict):
        if len(raw) == 1:
            return pd.DataFrame({".pred": _column(next(iter(raw.values())))})
        return pd.DataFrame({f".pred_{name}": _column(mat) for name, mat in raw.items()})
    if raw.ndim > 2:  # sequence models: R's ncol() is the second axis, as.vector() flattens
        raw = raw.reshape(raw.shape[0], int(np.prod(raw.shape[1:])))
    if raw.shape[1] == 1:
        return pd.DataFrame({".pred": raw[:, 0]})
    return nested({".pred": raw}, info)


def class_factor(mat: np.ndarray, levels: list[str]) -> pd.Categorical:
    """Most probable level as kerasnip picks it: R's ``which.max`` per row (the first
    maximum, missing values skipped), or the ``> 0.5`` rule for one column (NA for a
    missing probability). A row with no probability at all makes ``apply()`` return a
    list, which R cannot subscript (its predict() fails), unless every row is such a row:
    then ``apply()`` returns no rows, and so does R's prediction."""
    if mat.shape[1] != len(levels) and not (mat.shape[1] == 1 and len(levels) == 2):
        raise PredictError(f"the model returns {mat.shape[1]} column(s) for {len(levels)} "
                           "levels")
    if mat.shape[1] == 1:
        codes = np.where(np.isnan(mat[:, 0]), -1, mat[:, 0] > 0.5).astype(int)
        return pd.Categorical.from_codes(codes, categories=levels)
    empty = np.isnan(mat).all(axis=1)
    if empty.all():
        return pd.Categorical.from_codes(np.empty(0, dtype=int), categories=levels)
    if empty.any():
        raise PredictError(f"no class for row(s) {(np.flatnonzero(empty) + 1).tolist()}: every "
                           "probability is missing (R's predict() fails here: invalid "
                           "subscript type 'list')")
    codes = np.argmax(np.where(np.isnan(mat), -np.inf, mat), axis=1)
    return pd.Categorical.from_codes(codes, categories=levels)


def classes(raw: Any, lvl: Any) -> pd.DataFrame:
    """``type = "class"``: ``.pred_class`` (``.pred_class_<output>`` per output)."""
    if isinstance(raw, dict):
        lvl = lvl if isinstance(lvl, dict) else {}
        columns = {f".pred_class_{o}": class_factor(m, _fallback_levels(lvl.get(o), m.shape[1]))
                   for o, m in raw.items()}
        if len({len(c) for c in columns.values()}) > 1:  # purrr::map2_dfc() of unequal rows
            raise PredictError("one output has no class for any row (all probabilities "
                               "missing) and another has: R cannot bind the columns")
        return pd.DataFrame(columns)
    return pd.DataFrame({".pred_class": class_factor(raw, list(lvl))})


def _tibble_names(levels: list[str]) -> list[str]:
    """The names ``tibble::as_tibble()`` gives a matrix with these column names: an
    empty one becomes ``V<position>``."""
    return [level if level else f"V{i + 1}" for i, level in enumerate(levels)]


def _prob_frame(mat: np.ndarray, levels: list[str]) -> pd.DataFrame:
    if mat.shape[1] != len(levels):
        raise PredictError(f"the model returns {mat.shape[1]} column(s) for {len(levels)} "
                           "levels; class probabilities need one output unit per level")
    return pd.DataFrame(mat, columns=_tibble_names(levels))


def probs(raw: Any, lvl: Any) -> pd.DataFrame:
    """``type = "prob"``: ``.pred_<level>`` per level (``.pred_<output>_<level>``)."""
    if isinstance(raw, dict):
        lvl = lvl if isinstance(lvl, dict) else {}
        return pd.concat([_prob_frame(m, _fallback_levels(lvl.get(o), m.shape[1]))
                          .add_prefix(f".pred_{o}_") for o, m in raw.items()], axis=1)
    levels = list(lvl)
    if "class" in levels:
        raise PredictError("a class level is literally named 'class'; parsnip cannot name "
                           "the probability columns")
    frame = _prob_frame(raw, levels)
    if any(str(c).startswith(".pred_") for c in frame.columns):
        return frame
    return frame.add_prefix(".pred_")


def intervals_regression(mats: dict[str, np.ndarray], info: dict | None) -> pd.DataFrame:
    """``.pred``, ``.pred_lower``, ``.pred_upper`` (suffixed per output; nested for
    multistep)."""
    bases = (".pred", ".pred_lower", ".pred_upper")
    if info is not None:
        stacked = np.stack(list(mats.values()), axis=1)  # N x K x 3
        return nested({b: stacked[:, :, j] for j, b in enumerate(bases)}, info)
    if len(mats) == 1:
        return pd.DataFrame(next(iter(mats.values())), columns=list(bases))
    return pd.concat([pd.DataFrame(m, columns=[f"{b}_{o}" for b in bases])
                      for o, m in mats.items()], axis=1)


def intervals_classification(mats: dict[str, np.ndarray], lvl: Any) -> pd.DataFrame:
    """Interleaved ``.pred_lower_<L>``, ``.pred_upper_<L>`` per level, through
    ``make.names(unique = TRUE)``, then suffix ``_<output>`` when there are several
    outputs."""
    frames = []
    for o, m in mats.items():
        levels = _fallback_levels(lvl.get(o) if isinstance(lvl, dict) else lvl, m.shape[1] // 2)
        if 2 * len(levels) != m.shape[1]:
            raise PredictError(f"the model's intervals cover {m.shape[1] // 2} classes for "
                               f"{len(levels)} levels")
        names = make_names([f".pred_{side}_{level}" for level in levels
                            for side in ("lower", "upper")], unique=True)
        suffix = f"_{o}" if len(mats) > 1 else ""
        frames.append(pd.DataFrame(m, columns=[f"{name}{suffix}" for name in names]))
    return pd.concat(frames, axis=1)
