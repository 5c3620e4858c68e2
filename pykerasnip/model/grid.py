"""kerasnip's ``compile_keras_grid()``: build and compile (without fitting) one model per
row of a tuning grid, to find the hyperparameter combinations that make valid models."""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..errors import SpecError
from .build import build_functional, build_sequential, compile_model
from .process import (process_x_functional, process_x_sequential, process_y_functional,
                      process_y_sequential)
from .spec import ModelSpec

RESULT_COLUMNS = ["compiled_model", "error"]


def _compile_row(spec: ModelSpec, args: dict, x: Any, y: Any) -> tuple[Any, str | None]:
    build = build_functional if spec.functional else build_sequential
    try:
        return compile_model(build(spec.layer_blocks, args, x.input_shape, y), args, y), None
    except Exception as exc:  # one bad combination must not stop the grid (R: tryCatch)
        return None, f"{type(exc).__name__}: {exc}"


def compile_keras_grid(spec: ModelSpec, grid: pd.DataFrame, x: pd.DataFrame,
                       y: Any) -> pd.DataFrame:
    """The grid plus ``compiled_model`` (Keras model or None) and ``error`` (None or the
    message) per row; grid columns must be main arguments of ``spec``."""
    if not isinstance(spec, ModelSpec):
        raise SpecError("`spec` must be a kerasnip ModelSpec")
    if not isinstance(grid, pd.DataFrame) or grid.empty:
        raise SpecError("`grid` must be a non-empty DataFrame")
    unknown = [c for c in grid.columns if c not in spec.main_args]
    if unknown:
        raise SpecError(f"grid columns {unknown} are not arguments of {spec.model_name}")
    if spec.functional:
        px, py = process_x_functional(x), process_y_functional(y, spec.layer_blocks)
    else:
        px, py = process_x_sequential(x), process_y_sequential(y)
    base = spec.routed_args()
    results = [_compile_row(spec, {**base, **row}, px, py)
               for row in grid.to_dict(orient="records")]
    return grid.assign(compiled_model=[r[0] for r in results], error=[r[1] for r in results])


def extract_valid_grid(result: pd.DataFrame) -> pd.DataFrame:
    """The grid rows whose model compiled, without the result columns."""
    return result.loc[result["error"].isna()].drop(columns=RESULT_COLUMNS).reset_index(drop=True)
