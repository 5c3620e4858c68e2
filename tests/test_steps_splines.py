"""The splines2 steps (step_spline_b, _convex, _monotone, _natural, _nonnegative and
step_poly_bernstein) against the recipes 1.3.2 ground truth (tests/data/steps), bit for
bit: the bases are splines2's own arithmetic (pykerasnip.recipes.splines2)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from conftest import ROOT
from pykerasnip.convert import to_python
from pykerasnip.errors import ForgeError, SpecError
from pykerasnip.rds import load
from pykerasnip.recipes import splines2
from steps_truth import Case, make_tests, r_recipe, truth_frame

CASES = [
    Case("spline_b", "y ~ .", lambda r: r.step_spline_b("a", "b")),
    Case("spline_b_options", "y ~ .", lambda r: r.step_spline_b(
        "a", "c", deg_free=5, degree=2, complete_set=True, keep_original_cols=True)),
    Case("spline_b_knots", "y ~ .", lambda r: r.step_spline_b(
        "a", degree=1, options={"knots": [2, 5.5, 8]})),
    Case("spline_b_deriv", "y ~ .", lambda r: r.step_spline_b(
        "a", deg_free=6, options={"derivs": 1, "Boundary.knots": [-1, 11]})),
    Case("spline_b_integral", "y ~ .", lambda r: r.step_spline_b(
        "c", deg_free=4, degree=0, options={"integral": True})),
    Case("spline_convex", "y ~ .", lambda r: r.step_spline_convex("a", "c")),
    Case("spline_convex_options", "y ~ .", lambda r: r.step_spline_convex(
        "a", deg_free=4, degree=2, complete_set=False, keep_original_cols=True)),
    Case("spline_convex_unscaled", "y ~ .", lambda r: r.step_spline_convex(
        "c", deg_free=5, options={"scale": False})),
    Case("spline_monotone", "y ~ .", lambda r: r.step_spline_monotone("a", "b")),
    Case("spline_monotone_options", "y ~ .", lambda r: r.step_spline_monotone(
        "c", deg_free=6, degree=2, complete_set=False, options={"Boundary.knots": [-1.2, 1.2]},
        keep_original_cols=True)),
    Case("spline_natural", "y ~ .", lambda r: r.step_spline_natural("a", "c")),
    Case("spline_natural_options", "y ~ .", lambda r: r.step_spline_natural(
        "a", deg_free=3, complete_set=True, options={"knots": [3, 6]}, keep_original_cols=True)),
    Case("spline_nonnegative", "y ~ .", lambda r: r.step_spline_nonnegative("a", "b")),
    Case("spline_nonnegative_periodic", "y ~ .", lambda r: r.step_spline_nonnegative(
        "c", deg_free=6, degree=2, options={"periodic": True})),
    Case("spline_nonnegative_options", "y ~ .", lambda r: r.step_spline_nonnegative(
        "a", deg_free=7, degree=4, complete_set=True, options={"integral": True},
        keep_original_cols=True)),
    Case("poly_bernstein", "y ~ .", lambda r: r.step_poly_bernstein("a", "c")),
    Case("poly_bernstein_options", "y ~ .", lambda r: r.step_poly_bernstein(
        "b", degree=3, complete_set=True, options={"derivs": 1}, keep_original_cols=True)),
]

globals().update(make_tests(CASES))

TRAIN = pd.DataFrame({"a": [0.5, 1.25, 2.9, 3.1, 0.125, 7.5, 4.4, 2.2, 9.75, np.nan],
                      "k": [2.0] * 10, "y": np.arange(10.0)})


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_rows_bake_alone_as_in_the_whole_frame(name):
    """Each row baked on its own (one x: splines2's one-row products; a missing x alone
    fails as in R) and no rows at all (recipes evaluates the basis at the first boundary
    knot and keeps no row)."""
    recipe = r_recipe(name)
    new = truth_frame(name, "new.rds")
    whole = recipe.bake(new)
    inputs = list(recipe.steps[0].objects)
    for i in range(len(new)):
        if new.iloc[i][inputs].isna().any():
            with pytest.raises(ForgeError, match="cannot be all NA"):
                recipe.bake(new.iloc[[i]])
            continue
        alone = recipe.bake(new.iloc[[i]])
        assert alone.reset_index(drop=True).to_numpy("f8").tobytes() == \
            whole.iloc[[i]].reset_index(drop=True).to_numpy("f8").tobytes()
    empty = recipe.bake(new.iloc[:0])
    assert list(empty.columns) == list(whole.columns) and len(empty) == 0


def test_bernstein_refuses_new_values_outside_the_training_range():
    prepped = rc.recipe("y ~ .", TRAIN[["a", "y"]]).step_poly_bernstein("a", degree=3).prep()
    with pytest.raises(ForgeError, match="must be inside of boundary"):
        prepped.bake(pd.DataFrame({"a": [1.0, 10.0]}))


def test_all_missing_new_values_are_refused_as_in_r():
    prepped = rc.recipe("y ~ .", TRAIN[["a", "y"]]).step_spline_b("a", deg_free=4).prep()
    with pytest.raises(ForgeError, match="cannot be all NA"):
        prepped.bake(pd.DataFrame({"a": [np.nan, np.nan]}))


def test_prep_checks_arguments_as_recipes_does():
    recipe = rc.recipe("y ~ .", TRAIN)
    with pytest.raises(ForgeError, match="zero variance.*k"):
        recipe.step_spline_natural("a", "k").prep()
    with pytest.raises(SpecError, match="not allowed: df"):
        recipe.step_spline_monotone("a", options={"df": 3}).prep()
    with pytest.raises(SpecError, match="not allowed: degree"):
        recipe.step_poly_bernstein("a", options={"degree": 3}).prep()
    with pytest.raises(SpecError, match=r"`degree` \(5\) must be less than"):
        recipe.step_spline_b("a", deg_free=4, degree=5).prep()
    with pytest.raises(SpecError, match="deg_free"):
        recipe.step_spline_natural("a", deg_free=1).prep()
    with pytest.raises(ForgeError, match="Failed to compute: Internal knots must be set inside"):
        recipe.step_spline_b("a", options={"knots": [20]}).prep()


# -- the splines2 engine on its own ---------------------------------------------------------
CALLS = ROOT / "tests" / "data" / "splines2" / "calls.rds"


def _calls() -> list:
    assert CALLS.exists(), f"missing ground truth {CALLS}: run tests/r/make_splines2_truth.R"
    return to_python(load(CALLS))


def _bits(values: np.ndarray) -> bytes:
    return np.asarray(values, dtype="f8").tobytes()


def _same(got: np.ndarray, want: np.ndarray) -> bool:
    got, want = np.asarray(got, dtype="f8"), np.asarray(want, dtype="f8")
    nan = np.isnan(want)
    return got.shape == want.shape and np.array_equal(np.isnan(got), nan) and \
        _bits(got[~nan]) == _bits(want[~nan])


def _run(fn: str, x: np.ndarray, args: dict) -> "np.ndarray | str":
    try:
        return splines2.call(fn, x, args)
    except splines2.Splines2Error as err:
        return str(err)


@pytest.mark.parametrize("block", [None, 3])
def test_splines2_calls_match_r_bit_for_bit(block, monkeypatch):
    """300 seeded splines2 calls (tests/r/make_splines2_truth.R): the basis, its
    attributes and the basis rebuilt from them on new x, or R's error message; also
    with x evaluated in blocks of 3 rows (as a million rows are, in bigger blocks)."""
    if block:
        monkeypatch.setattr(splines2, "_BLOCK", block)
    failures = []
    for i, case in enumerate(_calls()):
        fn, out = case["fn"][0], case["out"]
        fit = _run(fn, np.asarray(case["train"], dtype="f8"), dict(case["args"].items()))
        if "error" in out:
            if fit != out["error"][0]:
                failures.append((i, fn, "error", fit, out["error"][0]))
            continue
        attrs = dict(out["attrs"].items())
        want_attrs = {k: v for k, v in attrs.items() if k != "dim"}
        if isinstance(fit, str) or not _same(fit.values, out["fit"]) or \
                list(fit.attrs) != list(want_attrs) or \
                not all(_same(np.ravel(fit.attrs[k]), np.ravel(v)) for k, v in want_attrs.items()):
            failures.append((i, fn, "fit", fit))
            continue
        baked = _run(fn, np.asarray(case["new"], dtype="f8"), attrs)
        want = out["baked"]
        if isinstance(want, np.ndarray) and want.dtype.kind in "OU":
            want = str(want[0])
        if isinstance(want, str) or isinstance(baked, str):
            if baked != want:
                failures.append((i, fn, "bake error", baked, want))
        elif not _same(baked.values, want):
            failures.append((i, fn, "bake"))
    assert not failures, failures[:5]
