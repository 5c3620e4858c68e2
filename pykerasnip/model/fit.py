"""Fitting a spec: parsnip's ``fit_xy`` front end and kerasnip's generic fit functions.

Argument routing is kerasnip's: every main argument except ``fit_verbose`` and the
constructor's extra ``...`` arguments reaches the fit function (unset ones fall back to
defaults), engine arguments are appended (``verbose`` only comes from there). Then:
process x/y, build, compile, ``model.fit``, save the ``.keras`` bytes, and compute the
Laplace posterior.
"""
from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd

from ..backend import import_keras
from ..errors import SpecError
from . import laplace as lp
from .arguments import KERAS_FIT_ARGS
from .build import build_functional, build_sequential, compile_model, modify_list
from .keras_fit import KerasFit, LaplaceEntry, model_to_bytes
from .model_fit import ModelFit, XYPreproc
from .process import (ProcessedY, process_x_functional, process_x_sequential,
                      process_y_functional, process_y_sequential)
from .arguments import ZAP, is_unset
from .spec import ModelSpec

#: keras3 converts these with as_integer() before calling Python
_INTEGER_FIT_ARGS = frozenset({"batch_size", "epochs", "initial_epoch", "steps_per_epoch",
                               "validation_steps", "validation_batch_size", "validation_freq"})
#: keras3 (R) options with no Python ``Model.fit`` counterpart
_R_ONLY_FIT_ARGS = frozenset({"view_metrics"})


def _fit_value(name: str, value: Any) -> Any:
    if name in _INTEGER_FIT_ARGS and value is not None:
        value = int(value)
        return value - 1 if name == "initial_epoch" else value  # R's epochs are 1-based
    return value


def fit_kwargs(args: dict, x: Any, y: Any) -> dict[str, Any]:
    """``model.fit`` arguments: x, y, verbose (engine arg, default 0) and set ``fit_*``."""
    verbose = args.get("verbose", ZAP)
    user = {a: _fit_value(a, args[f"fit_{a}"]) for a in KERAS_FIT_ARGS
            if a not in _R_ONLY_FIT_ARGS and not is_unset(args.get(f"fit_{a}", ZAP))}
    return modify_list({"x": x, "y": y, "verbose": 0 if is_unset(verbose) else verbose}, user)


def _history(hist: Any) -> dict:
    params = {k: hist.params.get(k) for k in ("verbose", "epochs", "steps")}
    return {"params": params,
            "metrics": {k: [float(v) for v in vals] for k, vals in hist.history.items()}}


def _levels(py: ProcessedY) -> Any:
    if py.heads:
        return py.class_levels
    return py.class_levels if py.is_classification else None


def _laplace_entries(raw: dict | None) -> dict[str, LaplaceEntry] | None:
    if raw is None:
        return None
    return {name: LaplaceEntry(combined_model_bytes=model_to_bytes(comb), combined_model=comb,
                               **fields) for name, (fields, comb) in raw.items()}


def _require_predictors(input_shape: Any) -> None:
    """No Keras input may be empty: TensorFlow's oneDNN kernels abort the process (R's
    as well) on a zero-width input."""
    shapes = input_shape.values() if isinstance(input_shape, dict) else [input_shape]
    if any(0 in tuple(shape) for shape in shapes):
        raise SpecError("no predictor reaches the model (the preprocessing removed every "
                        "column); Keras cannot fit a zero-width input")


def generic_fit(spec: ModelSpec, x: pd.DataFrame, y: Any, seed: int | None = None) -> KerasFit:
    """kerasnip's ``generic_sequential_fit`` / ``generic_functional_fit``."""
    keras = import_keras()

    args = spec.routed_args()
    if spec.functional:
        px, py = process_x_functional(x), process_y_functional(y, spec.layer_blocks)
    else:
        px, py = process_x_sequential(x), process_y_sequential(y)
    _require_predictors(px.input_shape)
    if seed is not None:
        keras.utils.set_random_seed(seed)
    build = build_functional if spec.functional else build_sequential
    model = compile_model(build(spec.layer_blocks, args, px.input_shape, py), args, py)
    try:
        hist = model.fit(**fit_kwargs(args, px.x, py.y))
    except Exception as exc:  # Keras refusing the fit arguments for this model, as in R
        raise SpecError(f"Keras cannot fit the model with these arguments: "
                        f"{type(exc).__name__}: {exc}") from exc
    lvl = _levels(py)
    classification = lvl is not None and (not isinstance(lvl, dict) or bool(lvl))
    raw, joint = lp.fit_laplace(model, px.x, py.y, classification, py.multistep_info is not None)
    return KerasFit(keras_bytes=model_to_bytes(model), history=_history(hist), lvl=lvl,
                    api="functional" if spec.functional else "sequential",
                    multistep_info=py.multistep_info, laplace=_laplace_entries(raw),
                    joint_noise_cov=joint, model=model)


def _outcome_frame(y: Any) -> pd.DataFrame:
    if isinstance(y, pd.DataFrame):
        return y
    if isinstance(y, pd.Series):
        return y.to_frame(name=y.name if y.name is not None else "..y")
    arr = np.asarray(y)
    if arr.ndim == 1:
        return pd.DataFrame({"..y": arr})
    return pd.DataFrame(arr, columns=[f"V{i + 1}" for i in range(arr.shape[1])])


def check_outcome(y: pd.DataFrame, mode: str) -> None:
    """parsnip's outcome check: numeric for regression, factors for classification."""
    if mode == "regression":
        ok = all(pd.api.types.is_numeric_dtype(y[c]) and not pd.api.types.is_bool_dtype(y[c])
                 for c in y.columns)
        need = "numeric"
    else:
        ok = all(isinstance(y[c].dtype, pd.CategoricalDtype) for c in y.columns)
        need = "a factor (pandas Categorical)"
    if not ok:
        raise SpecError(f"for a {mode} model the outcome must be {need}; got dtypes "
                        f"{[str(t) for t in y.dtypes]}")


def fit_model(spec: ModelSpec, x: pd.DataFrame, y: pd.DataFrame, preproc: Any,
              seed: int | None = None) -> ModelFit:
    """Fit from a predictor frame and an outcome frame; ``preproc`` replays x at predict."""
    if spec.engine not in (None, "keras"):
        raise SpecError(f"engine {spec.engine!r} is not available; use 'keras'")
    spec = spec if spec.engine else spec.set_engine("keras")
    check_outcome(y, spec.mode)
    outcome = y.iloc[:, 0] if y.shape[1] == 1 else y
    single_factor = isinstance(outcome, pd.Series) and isinstance(outcome.dtype,
                                                                   pd.CategoricalDtype)
    start = time.perf_counter()
    keras_fit = generic_fit(spec, x, outcome, seed=seed)
    return ModelFit(spec, keras_fit, preproc,
                    lvl=[str(v) for v in outcome.cat.categories] if single_factor else None,
                    ordered=bool(single_factor and outcome.cat.ordered),
                    elapsed=time.perf_counter() - start)


def fit_xy(spec: ModelSpec, x: Any, y: Any, seed: int | None = None) -> ModelFit:
    """parsnip's ``fit_xy()``: predictors ``x`` and outcome(s) ``y``."""
    if not isinstance(x, pd.DataFrame):
        arr = np.asarray(x)
        x = pd.DataFrame(arr.reshape(len(arr), -1),
                         columns=[f"V{i + 1}" for i in range(int(np.prod(arr.shape[1:])))])
    y = _outcome_frame(y)
    if len(x) != len(y):
        raise SpecError(f"x has {len(x)} rows but y has {len(y)}")
    # parsnip names the outcomes only when they stay a data frame (one column is reduced
    # to a vector); workflows' augment() forges outcomes when they are named
    y_var = [str(c) for c in y.columns] if y.shape[1] > 1 else []
    preproc = XYPreproc([str(c) for c in x.columns], y_var)
    return fit_model(spec, x, y.set_axis(x.index, axis=0), preproc, seed=seed)
