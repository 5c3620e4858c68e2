"""A multi-output regression (kerasnip functional spec, three numeric outcomes with one
Dense head each, recipe with step_normalize + step_pca) against R, to the bit.

Ground truth: tests/r/make_multi_output.R (R 4.2.2, kerasnip 0.1.2.900, keras3 1.5.1,
recipes 1.3.2). Reading R's fit predicts R's numbers; fitting in Python gives R's
Laplace posterior (R's ``colMeans``/``sum`` in long double and ``optim``'s
Nelder-Mead), hence R's interval bounds too.
"""
from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import SpecError
from pykerasnip.model import create_keras_functional_spec, inp_spec, remove_keras_spec
from pykerasnip.model import laplace as lp
from pykerasnip.model.keras_fit import model_from_bytes
from pykerasnip.rlinalg import cov
from pykerasnip.rmath import r_optim_nelder_mead

DATA = Path(__file__).parent / "data" / "multi_output"
OUTCOMES = ["price", "area", "lag"]
INTERVALS = [(type_, level) for type_ in ("conf_int", "pred_int") for level in (0.95, 0.9)]


def _read(name: str):
    path = DATA / name
    assert path.exists(), f"missing R ground truth {path}: run tests/r/make_multi_output.R"
    return pk.read_rds(path)


def _values(column: pd.Series) -> np.ndarray:
    """A column's doubles (R's numeric predictions are one-column matrices)."""
    return np.vstack(column.to_numpy()).ravel() if column.dtype == object else column.to_numpy()


def _assert_same_predictions(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    for col in want.columns:
        np.testing.assert_array_equal(_values(got[col]), _values(want[col]), err_msg=col)


@pytest.fixture(scope="module")
def r_fit() -> pk.Workflow:
    return _read("workflow.rds")


@pytest.fixture(scope="module")
def new_data() -> pd.DataFrame:
    return _read("new_data.rds")


def _want(type_: str, level: float | None = None) -> pd.DataFrame:
    return _read("numeric.rds" if type_ == "numeric" else f"{type_}_{level}.rds")


def test_r_fit_has_one_laplace_entry_per_head(r_fit) -> None:
    laplace = r_fit.model_fit.fit.laplace
    assert sorted(laplace) == sorted(OUTCOMES)
    assert all(e.sigma_sq_noise is not None and e.col_idx is None for e in laplace.values())


@pytest.mark.parametrize(("type_", "level"), [("numeric", None)] + INTERVALS)
def test_reading_rs_fit_predicts_rs_numbers(r_fit, new_data, type_, level) -> None:
    got = r_fit.predict(new_data, type=type_, **({} if level is None else {"level": level}))
    _assert_same_predictions(got, _want(type_, level))


def test_fit_time_laplace_on_rs_model_is_rs(r_fit) -> None:
    """kerasnip's fit-time posterior recomputed from R's trained model and R's training
    rows (baked here by R's prepped recipe) equals what R stored, head by head."""
    train = _read("train.rds")
    baked = r_fit.blueprint.recipe.bake(train)
    x = baked.drop(columns=OUTCOMES).to_numpy()
    y = {name: baked[[name]].to_numpy() for name in OUTCOMES}
    model = model_from_bytes(r_fit.model_fit.fit.keras_bytes)
    entries, joint = lp.fit_laplace(model, x, y, classification=False, multistep=False)
    assert joint is None
    stored = r_fit.model_fit.fit.laplace
    assert list(entries) == list(stored)
    for name, (fields, _combined) in entries.items():
        np.testing.assert_array_equal(fields["h_diag"], stored[name].h_diag)
        assert fields["n_training"] == stored[name].n_training
        assert (fields["tau"], fields["sigma_sq_noise"]) == \
            (stored[name].tau, stored[name].sigma_sq_noise), name


def _input(input_shape):
    return keras.Input(shape=input_shape)


def _hidden(tensor, units=8):
    return keras.layers.Dense(units, activation="relu")(tensor)


def _head(tensor):
    return keras.layers.Dense(1)(tensor)


@pytest.fixture(scope="module")
def python_fit() -> pk.Workflow:
    """The R script's fit, made here: same blocks, arguments and seed."""
    spec = create_keras_functional_spec("three_heads_multi_output", {
        "main_input": _input, "hidden": inp_spec(_hidden, "main_input"),
        "lag": inp_spec(_head, "hidden"), "price": inp_spec(_head, "hidden"),
        "area": inp_spec(_head, "hidden")})
    train = _read("train.rds")
    rec = (pk.recipe("price + area + lag ~ .", data=train)
           .step_normalize(pk.all_predictors())
           .step_pca(pk.all_predictors(), num_comp=4))
    keras.utils.set_random_seed(42)
    try:
        return pk.workflow().add_recipe(rec).add_model(
            spec(hidden_units=8, fit_epochs=5, fit_batch_size=32).set_engine("keras")).fit(train)
    finally:
        remove_keras_spec("three_heads_multi_output")


def test_python_fit_trains_rs_model_and_posterior(python_fit, r_fit) -> None:
    for py, r in zip(python_fit.extract_keras_model().get_weights(),
                     r_fit.extract_keras_model().get_weights(), strict=True):
        np.testing.assert_array_equal(py, r)
    stored = r_fit.model_fit.fit.laplace
    for name, entry in python_fit.model_fit.fit.laplace.items():
        np.testing.assert_array_equal(entry.h_diag, stored[name].h_diag)
        assert (entry.tau, entry.sigma_sq_noise) == (stored[name].tau, stored[name].sigma_sq_noise)


@pytest.mark.parametrize(("type_", "level"), [("numeric", None)] + INTERVALS)
def test_python_fit_predicts_rs_numbers(python_fit, new_data, type_, level) -> None:
    got = python_fit.predict(new_data, type=type_, **({} if level is None else {"level": level}))
    _assert_same_predictions(got, _want(type_, level))


def _rosenbrock(x: list[float]) -> float:
    return 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2


def test_nelder_mead_is_rs_optim() -> None:
    truth = _read("regression_truth.rds")
    assert r_optim_nelder_mead(_rosenbrock, [-1.2, 1]) == list(truth["rosenbrock_par"])
    assert r_optim_nelder_mead(_rosenbrock, [-1.2, 1], maxit=50) == \
        list(truth["rosenbrock_par_maxit_50"])


def test_cov_is_rs_cov() -> None:
    truth = _read("regression_truth.rds")
    np.testing.assert_array_equal(cov(np.asarray(truth["residuals"], dtype=float)),
                                  np.asarray(truth["cov"], dtype=float))


def test_non_finite_training_residuals_are_a_typed_error() -> None:
    # R's optim() stops too ("non-finite value supplied by optim")
    with pytest.raises(SpecError, match="not finite"):
        lp.regression_hyper(10, float("nan"), 2.0, np.array([0.5, 0.2, 1.0]))
