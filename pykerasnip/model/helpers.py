"""User-facing helpers on fitted models: the Keras model, its history, evaluation,
and broom-style ``tidy`` / ``glance`` summaries."""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..errors import PredictError
from .keras_fit import KerasFit, model_from_bytes
from .model_fit import ModelFit
from .process import process_y_functional, process_y_sequential


def _model_fit(obj: Any) -> ModelFit:
    """The ModelFit of a ModelFit, a fitted workflow or a bundle of either."""
    if callable(getattr(obj, "unbundle", None)):  # a bundle (a higher layer: no import)
        obj = obj.unbundle()
    fit = obj.extract_fit_parsnip() if hasattr(obj, "extract_fit_parsnip") else obj
    if not isinstance(getattr(fit, "fit", None), KerasFit):
        raise PredictError(f"{type(obj).__name__} holds no fitted kerasnip model")
    return fit


def extract_keras_model(obj: Any) -> Any:
    """The live Keras model (restored from the stored bytes on first use)."""
    return _model_fit(obj).fit.model


def extract_keras_history(obj: Any) -> dict | None:
    """The training history: ``{"params": {...}, "metrics": {name: [per epoch]}}``."""
    return _model_fit(obj).fit.history


def keras_evaluate(obj: Any, x: pd.DataFrame, y: Any = None) -> dict[str, float]:
    """Keras ``evaluate`` on new predictors (and outcomes): metric name -> value."""
    fit = _model_fit(obj).fit
    model = fit.model
    if not getattr(model, "compiled", False):
        if fit.keras_bytes is None:
            raise PredictError("the model is not compiled and no bytes are stored to restore it")
        model = model_from_bytes(fit.keras_bytes, fit.safe_mode, compile=True)
    x_proc = fit.process_x(x)
    y_proc = None
    if y is not None:
        if isinstance(fit.lvl, list):  # one-hot with the training levels, as R does
            y = pd.Series(pd.Categorical(np.asarray(y), categories=fit.lvl))
        process_y = process_y_functional if fit.api == "functional" else process_y_sequential
        y_proc = process_y(y).y
    result = model.evaluate(x_proc, y_proc, verbose=0, return_dict=True)
    return {k: float(v) for k, v in result.items()}


def _n_params(layer: Any) -> Any:
    try:
        return int(layer.count_params())
    except ValueError:  # unbuilt layer
        return pd.NA


def tidy(obj: Any) -> pd.DataFrame:
    """One row per layer: ``layer`` (name), ``class`` (Keras class), ``n_params``."""
    layers = extract_keras_model(obj).layers
    return pd.DataFrame({
        "layer": [layer.name for layer in layers],
        "class": [type(layer).__name__ for layer in layers],
        "n_params": pd.array([_n_params(layer) for layer in layers], dtype="Int32"),
    })


def glance(obj: Any) -> pd.DataFrame:
    """One row with the last-epoch value of every history metric (empty without one)."""
    history = extract_keras_history(obj)
    metrics = (history or {}).get("metrics") or {}
    return pd.DataFrame({k: [v[-1]] for k, v in metrics.items() if len(v)})
