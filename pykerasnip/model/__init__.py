"""The kerasnip twin: specs from layer blocks, fitting, prediction, Laplace intervals.

Keras is imported only when a model is built, fitted or restored.
"""
from __future__ import annotations

from .arguments import MISSING, BlockSignature, discover_args, dials_function
from .build import register_keras_loss, register_keras_metric, register_keras_optimizer
from .grid import compile_keras_grid, extract_valid_grid
from .helpers import extract_keras_history, extract_keras_model, glance, keras_evaluate, tidy
from .keras_fit import KerasFit, LaplaceEntry
from .model_fit import ModelFit, XYPreproc
from ..rmath import make_names
from .arguments import ZAP
from .spec import (REGISTRY, ModelSpec, create_keras_functional_spec,
                   create_keras_sequential_spec, inp_spec, remove_keras_spec)

__all__ = [
    "MISSING", "BlockSignature", "discover_args", "dials_function",
    "compile_keras_grid", "extract_valid_grid", "register_keras_loss", "register_keras_metric", "register_keras_optimizer",
    "extract_keras_history", "extract_keras_model", "glance", "keras_evaluate", "tidy",
    "KerasFit", "LaplaceEntry", "ModelFit", "XYPreproc", "make_names",
    "REGISTRY", "ZAP", "ModelSpec", "create_keras_functional_spec",
    "create_keras_sequential_spec", "inp_spec", "remove_keras_spec",
]
