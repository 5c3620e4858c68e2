"""``extract_keras_model`` for any fitted object: workflow, model fit or bundle."""
from __future__ import annotations

from typing import Any

from .bundle import unbundle
from .errors import PredictError


def extract_keras_model(obj: Any) -> Any:
    """The live Keras model of a workflow, model fit or bundle (restored from the stored
    ``.keras`` bytes on first use, with ``safe_mode=True`` unless the object was read with
    ``safe_mode=False``)."""
    obj = unbundle(obj)
    model_fit = obj.extract_fit_parsnip() if hasattr(obj, "extract_fit_parsnip") else obj
    fit = getattr(model_fit, "fit", None)
    if fit is None or not hasattr(fit, "model"):
        raise PredictError(f"{type(obj).__name__} holds no fitted Keras model")
    return fit.model
