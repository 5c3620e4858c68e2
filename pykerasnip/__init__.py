"""pykerasnip: hand fitted kerasnip (tidymodels + Keras) models between R and Python.

Read what R saved -- ``pk.read_rds("wf.rds").predict(df)`` gives R's predictions with no R
installed -- and write Python-fitted workflows R reads with ``readRDS()``. Names resolve
lazily, so ``import pykerasnip`` stays light (Keras/TensorFlow load only when a model is
actually needed).
"""
from __future__ import annotations

import importlib
import os
from typing import Any

# R's TensorFlow runs Keras with oneDNN kernels; with them this TensorFlow gives R's float32
# numbers to the bit (summation order, and NaN handling in relu). Only a default: set
# TF_ENABLE_ONEDNN_OPTS=0 to turn it off. It takes effect when TensorFlow is imported.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "read_rds": "io", "write_rds": "io",
    "recipe": "recipes", "Recipe": "recipes",
    "all_predictors": "recipes", "all_numeric_predictors": "recipes",
    "all_nominal_predictors": "recipes", "all_outcomes": "recipes", "all_numeric": "recipes",
    "all_nominal": "recipes", "has_role": "recipes", "has_type": "recipes",
    "clock_labels": "recipes", "clock_labels_languages": "recipes",
    "create_keras_sequential_spec": "model", "create_keras_functional_spec": "model",
    "inp_spec": "model", "remove_keras_spec": "model",
    "extract_keras_history": "model", "keras_evaluate": "model", "tidy": "model",
    "glance": "model", "extract_keras_model": "model",
    "tibble_str": "rformat",
    "workflow": "workflows", "Workflow": "workflows",
    "bundle": "bundles", "unbundle": "bundles", "Bundle": "bundles",
}
_SUBMODULES = {"rds", "datasets", "errors", "convert", "io", "r", "model", "recipes",
               "hardhat", "formula"}

__all__ = sorted(_EXPORTS) + sorted(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pykerasnip' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
