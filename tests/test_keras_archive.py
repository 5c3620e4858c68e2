"""Summaries of .keras archives read without Keras agree with Keras itself."""
from __future__ import annotations

import pytest

import pykerasnip as pk
from pykerasnip.keras_archive import describe

from conftest import FIXTURES

CASES = ["seq_reg_recipe_normalize/workflow.rds", "modelfit_cls_formula/model_fit.rds",
         "func_reg_recipe/workflow.rds", "func_multi_input_collapse/workflow.rds"]


@pytest.mark.parametrize("path", CASES)
def test_parameter_counts_equal_keras(path: str) -> None:
    obj = pk.read_rds(FIXTURES / path)
    model_fit = getattr(obj, "model_fit", None) or obj
    info = describe(model_fit.fit.keras_bytes)
    model = model_fit.fit.model
    assert info.n_params == model.count_params()
    assert [layer.class_name for layer in info.layers if layer.class_name != "InputLayer"] == \
        [type(layer).__name__ for layer in model.layers if type(layer).__name__ != "InputLayer"]
    assert info.keras_version.startswith("3.")


def test_not_an_archive_is_a_typed_error() -> None:
    with pytest.raises(pk.errors.UnsupportedObjectError):
        describe(b"PK\x03\x04 not really a zip")
