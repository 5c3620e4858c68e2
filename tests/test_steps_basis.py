"""Basis-expansion steps (poly, ns, bs): fixture steps bake like R, and prepping in
Python gives R's knots, coefficients and columns."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import FIXTURES
from pykerasnip.errors import ForgeError
from pykerasnip.recipes.steps.basis import StepBs, StepNs, StepPoly
from r_oracle import requires_r
from rstepwise import (assert_frames_match, bake_saved_recipe, fixture_step, r_bake_python_steps,
                       r_prep_bake, stepwise, term_info)

CASE = "recipe_basis_pca_ames"


@pytest.fixture(scope="module")
def ames_stepwise() -> dict:
    return stepwise(FIXTURES / CASE, [1, 2, 3])


@requires_r("recipes", "hardhat", "timeDate")
@pytest.mark.parametrize("index", [1, 2, 3])
def test_fixture_basis_step_bakes_like_r(ames_stepwise: dict, index: int) -> None:
    before, after = ames_stepwise[index]
    assert_frames_match(fixture_step(CASE, index).bake(before), after)


def test_fixture_spline_attributes_are_read() -> None:
    ns = fixture_step(CASE, 2)
    assert list(ns.objects) == ["Year_Built"] and ns.deg_free == 3
    np.testing.assert_array_equal(ns.objects["Year_Built"].boundary, [1875, 2010])
    bs = fixture_step(CASE, 3)
    assert bs.objects["Lot_Frontage"].degree == 3 and len(bs.objects["Lot_Frontage"].knots) == 1


def test_fixture_ns_extrapolates_linearly_beyond_the_boundary() -> None:
    ns = fixture_step(CASE, 2)
    years = pd.DataFrame({"Year_Built": [2010.0, 2020.0, 2030.0, np.nan]})
    out = ns.bake(years).to_numpy()
    np.testing.assert_allclose(out[2] - out[1], out[1] - out[0], rtol=1e-12)
    assert np.isnan(out[3]).all()


TRAIN = pd.DataFrame({"x": np.sin(np.arange(40)) * 10 + np.arange(40) / 4,
                      "k": pd.array(np.arange(40) % 7 * 3, dtype="Int32")})
NEW = pd.DataFrame({"x": [-20.0, -3.5, 0.0, 4.25, 30.0, np.nan],
                    "k": pd.array([0, 5, 18, 25, None, 3], dtype="Int32")})


@requires_r("recipes")
@pytest.mark.parametrize("step, r_steps", [
    (StepPoly("x", "k", degree=3), "step_poly(x, k, degree = 3)"),
    (StepPoly("x", degree=2, options={"raw": True}), "step_poly(x, degree = 2, options = list(raw = TRUE))"),
    (StepNs("x", "k", deg_free=4), "step_ns(x, k, deg_free = 4)"),
    (StepNs("x", deg_free=1), "step_ns(x, deg_free = 1)"),
    (StepBs("x", deg_free=6), "step_bs(x, deg_free = 6)"),
    (StepBs("x", "k", deg_free=4, degree=2), "step_bs(x, k, deg_free = 4, degree = 2)"),
])
def test_prep_then_bake_matches_r(step, r_steps: str) -> None:
    step.prep(TRAIN, term_info(TRAIN))
    assert_frames_match(step.bake(NEW), r_prep_bake(TRAIN, NEW, r_steps), atol=1e-11)


def test_poly_prep_rejects_missing_training_values() -> None:
    data = pd.DataFrame({"x": [1.0, 2.0, np.nan, 4.0]})
    with pytest.raises(ForgeError, match="missing values"):
        StepPoly("x").prep(data, term_info(data))


def test_ns_knots_are_type7_quantiles_of_the_training_range() -> None:
    data = pd.DataFrame({"x": np.arange(1.0, 11.0)})
    step = StepNs("x", deg_free=3)
    step.prep(data, term_info(data))
    params = step.objects["x"]
    np.testing.assert_allclose(params.knots, [4.0, 7.0])
    np.testing.assert_array_equal(params.boundary, [1.0, 10.0])
    assert list(step.bake(data).columns) == ["x_ns_1", "x_ns_2", "x_ns_3"]
    step.keep_original_cols = True
    assert list(step.bake(data).columns) == ["x", "x_ns_1", "x_ns_2", "x_ns_3"]


@requires_r("recipes")
def test_basis_steps_saved_by_r_read_and_bake_like_r(tmp_path) -> None:
    path = tmp_path / "rec.rds"
    expected = r_prep_bake(TRAIN, NEW, "step_poly(x, degree = 3, options = list(raw = TRUE)) |> "
                           "step_bs(k, degree = 2, deg_free = 5)", save_to=path)
    assert_frames_match(bake_saved_recipe(path, NEW), expected, atol=1e-11)


@requires_r("recipes")
def test_steps_prepared_in_python_are_baked_by_r_alike() -> None:
    steps = [StepPoly("x", degree=3), StepNs("k", deg_free=3),
             StepBs("z", degree=2, deg_free=5, options={"intercept": True})]
    data, new = TRAIN.assign(z=TRAIN["x"] ** 2), NEW.assign(z=NEW["x"] ** 2)
    baked = new
    for step in steps:
        step.prep(data, term_info(data))
        data, baked = step.bake(data), step.bake(baked)
    assert_frames_match(baked, r_bake_python_steps(steps, new), atol=1e-10)
