"""The twin is exact: the seed vignette fitted through pk.workflow() with R's seed trains
the model R stored in the fixture (R's keras3 drives the same Python Keras)."""
from __future__ import annotations

import keras
import numpy as np
import pytest

import pykerasnip as pk
from pykerasnip.demo import dense_block, input_block, output_block
from pykerasnip.model.keras_fit import model_from_bytes

from conftest import FIXTURES, MANIFEST
from r_oracle import requires_r, run_r

CASE = "seq_reg_recipe_normalize"


def _seed() -> int:
    return next(c["seed"] for c in MANIFEST["cases"] if c["case"] == CASE)


def _python_fit() -> pk.Workflow:
    my_mlp = pk.create_keras_sequential_spec(
        "my_mlp_parity", {"input": input_block, "hidden": dense_block, "output": output_block},
        mode="regression")
    mtcars = pk.datasets.mtcars()
    rec = pk.recipe("mpg ~ .", data=mtcars).step_normalize(pk.all_predictors())
    keras.utils.set_random_seed(_seed())
    try:
        return pk.workflow().add_recipe(rec).add_model(
            my_mlp(fit_epochs=10).set_engine("keras")).fit(mtcars)
    finally:
        pk.remove_keras_spec("my_mlp_parity")


def test_seed_example_trains_rs_weights() -> None:
    r_wf = pk.read_rds(FIXTURES / CASE / "workflow.rds")
    py_wf = _python_fit()
    # the prep numerics are R's to the bit
    r_step, py_step = r_wf.blueprint.recipe.steps[0], py_wf.blueprint.recipe.steps[0]
    np.testing.assert_array_equal(np.asarray(py_step.means), np.asarray(r_step.means))
    np.testing.assert_array_equal(np.asarray(py_step.sds), np.asarray(r_step.sds))
    # same architecture, same training history, same weights
    r_model = model_from_bytes(r_wf.model_fit.fit.keras_bytes)
    py_model = py_wf.extract_keras_model()
    assert [w.shape for w in py_model.get_weights()] == [w.shape for w in r_model.get_weights()]
    r_hist = r_wf.model_fit.fit.history["metrics"]
    py_hist = py_wf.model_fit.fit.history["metrics"]
    assert sorted(py_hist) == sorted(r_hist)
    for name in r_hist:
        np.testing.assert_allclose(py_hist[name], r_hist[name], rtol=1e-6)
    diffs = [np.abs(a - b) for a, b in zip(py_model.get_weights(), r_model.get_weights())]
    worst = max(float(d.max()) for d in diffs)
    exact = sum(int((d == 0).sum()) for d in diffs) / sum(d.size for d in diffs)
    # bit-identical on the fixture machine; here float32 kernels may round a handful of
    # weights one ulp apart (see the closing notes): nearly all must be identical
    assert worst <= 1e-6 and exact >= 0.95, f"max |diff| {worst}, identical share {exact:.3f}"



R_FIT = """
suppressPackageStartupMessages({library(kerasnip); library(workflows); library(recipes)
  library(parsnip); library(keras3)})
input_block <- function(model, input_shape) keras_model_sequential(input_shape = input_shape)
dense_block <- function(model, units = 32) model |> layer_dense(units = units, activation = "relu")
output_block <- function(model, num_classes) model |> %(output)s
create_keras_sequential_spec("parity", list(input = input_block, hidden = dense_block,
                                            output = output_block), mode = "%(mode)s")
keras3::set_random_seed(%(seed)d)
fit_wf <- workflow() |> add_recipe(recipe(%(outcome)s ~ ., data = %(data)s) |> step_normalize(all_predictors())) |>
  add_model(parity(%(args)s) |> set_engine("keras")) |> fit(data = %(data)s)
saveRDS(fit_wf, saved)
"""


def _iris_fit(seed: int) -> pk.Workflow:
    from test_model_fit import seq_cls_out, seq_dense, seq_input

    mlp = pk.create_keras_sequential_spec(
        "parity_cls", {"input": seq_input, "hidden": seq_dense, "output": seq_cls_out},
        mode="classification")
    iris = pk.datasets.iris()
    rec = pk.recipe("Species ~ .", data=iris).step_normalize(pk.all_predictors())
    keras.utils.set_random_seed(seed)
    try:
        return pk.workflow().add_recipe(rec).add_model(mlp(
            hidden_units=16, learn_rate=0.02, fit_batch_size=16, fit_epochs=60).set_engine("keras")).fit(iris)
    finally:
        pk.remove_keras_spec("parity_cls")


#: the two fixtures' examples, in R (kerasnip) and in Python (pykerasnip)
PEER_CASES = {
    "seed example": (dict(output="layer_dense(units = 1)", mode="regression", seed=42,
                          outcome="mpg", data="mtcars", args="fit_epochs = 10"),
                     _python_fit),
    "iris multiclass": (dict(output='layer_dense(units = num_classes, activation = "softmax")',
                             mode="classification", seed=4, outcome="Species", data="iris",
                             args="hidden_units = 16, learn_rate = 0.02, fit_batch_size = 16, "
                                  "fit_epochs = 60"),
                        lambda: _iris_fit(4)),
}


@requires_r("kerasnip", "workflows", "recipes", "parsnip", "keras3", stack="peer")
@pytest.mark.parametrize("case", list(PEER_CASES))
def test_python_trains_the_weights_r_kerasnip_trains_on_this_machine(case: str, tmp_path) -> None:
    r_code, python_fit = PEER_CASES[case]
    saved = tmp_path / "fit.rds"
    run_r(R_FIT % r_code, inputs={"saved": saved}, stack="peer", timeout=600)
    r_weights = model_from_bytes(pk.read_rds(saved).model_fit.fit.keras_bytes).get_weights()
    py_weights = python_fit().extract_keras_model().get_weights()
    for py, r in zip(py_weights, r_weights, strict=True):
        np.testing.assert_array_equal(py, r)
