"""Numeric and filter steps: trained values and baked output against R's recipes."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.datasets import mtcars
from pykerasnip.recipes.steps.filters import corr_removals
from pykerasnip.rmath import optimize_max, r_log
from r_oracle import requires_r, run_r

# name -> (R step call(s), Python builder, trained field -> how R names it)
CASES = {
    "normalize": ("step_normalize(all_numeric_predictors())",
                  lambda r: r.step_normalize(rc.all_numeric_predictors()),
                  {"means": "means", "sds": "sds"}),
    "center": ("step_center(disp, hp)", lambda r: r.step_center("disp", "hp"), {"means": "means"}),
    "scale": ("step_scale(all_predictors(), factor = 2)",
              lambda r: r.step_scale(rc.all_predictors(), factor=2), {"sds": "sds"}),
    "range": ("step_range(disp, qsec, min = -1, max = 1)",
              lambda r: r.step_range("disp", "qsec", min=-1, max=1), {}),
    "log": ("step_log(disp, base = 10) |> step_log(hp, base = 2) |> step_log(qsec, offset = 1) |> "
            "step_log(wt, base = 3)",
            lambda r: r.step_log("disp", base=10).step_log("hp", base=2)
            .step_log("qsec", offset=1).step_log("wt", base=3), {}),
    "signed_log": ("step_center(drat) |> step_log(drat, signed = TRUE)",
                   lambda r: r.step_center("drat").step_log("drat", signed=True), {}),
    "sqrt": ("step_sqrt(all_predictors())", lambda r: r.step_sqrt(rc.all_predictors()), {}),
    "BoxCox": ("step_BoxCox(all_predictors())", lambda r: r.step_BoxCox(rc.all_predictors()),
               {"lambdas": "lambdas"}),
    "YeoJohnson": ("step_center(all_predictors()) |> step_YeoJohnson(all_predictors())",
                   lambda r: r.step_center(rc.all_predictors()).step_YeoJohnson(rc.all_predictors()),
                   {"lambdas": "lambdas"}),
    "pca": ("step_normalize(all_predictors()) |> step_pca(all_predictors(), num_comp = 3)",
            lambda r: r.step_normalize(rc.all_predictors()).step_pca(rc.all_predictors(), num_comp=3),
            {}),
    "pca_threshold": ("step_pca(all_predictors(), threshold = 0.9)",
                      lambda r: r.step_pca(rc.all_predictors(), threshold=0.9), {}),
    "filters": ("step_mutate(k = 1, z = c(rep(0, 30), 1, 2), w = disp * 2 + 1e-3 * qsec) |> "
                "step_zv(all_predictors()) |> step_nzv(all_predictors()) |> "
                "step_corr(all_predictors(), threshold = 0.85) |> step_rm(gear)",
                lambda r: r.step_mutate(k=lambda d: 1.0, z=lambda d: [0.0] * 30 + [1.0, 2.0],
                                        w=lambda d: d["disp"] * 2 + 1e-3 * d["qsec"])
                .step_zv(rc.all_predictors()).step_nzv(rc.all_predictors())
                .step_corr(rc.all_predictors(), threshold=0.85).step_rm("gear"), {}),
}


@pytest.fixture(scope="module")
def r_results() -> dict:
    calls = ",\n".join(
        f'"{name}" = (function() {{ p <- prep(recipe(mpg ~ ., data = mt) |> {r_call}, training = mt); '
        f'list(steps = lapply(p$steps, function(s) s[intersect(names(s), c("means", "sds", "lambdas", "removals"))]), '
        f'baked = bake(p, mt)) }})()'
        for name, (r_call, _, _) in CASES.items())
    return run_r(f"mt <- mtcars\nlist({calls})", packages=("recipes",))


@requires_r("recipes")
@pytest.mark.parametrize("name", list(CASES))
def test_prep_and_bake_match_r(name, r_results):
    _, build, fields = CASES[name]
    expected = r_results[name]
    prepped = build(rc.recipe("mpg ~ .", mtcars())).prep()
    last = prepped.steps[-1]
    for attr, r_field in fields.items():
        want = expected["steps"][-1][r_field]
        got = getattr(last, attr)
        pd.testing.assert_series_equal(got, want, check_names=False, rtol=1e-12 if attr == "lambdas" else 0,
                                       check_exact=attr != "lambdas")
    baked = prepped.bake(mtcars())
    assert list(baked.columns) == list(expected["baked"])
    for column in baked.columns:
        want = expected["baked"][column].to_numpy("f8")
        if column.startswith("PC"):          # SVD signs are the LAPACK's choice
            want = want * np.sign(want[0]) * np.sign(baked[column].iloc[0])
        np.testing.assert_allclose(baked[column].to_numpy("f8"), want,
                                   rtol=0 if name in {"normalize", "center", "scale", "log", "sqrt"}
                                   else 1e-9, atol=0, err_msg=column)


def test_r_log_special_bases_and_optimize():
    x = np.array([0.5, 3.0, 1000.0])
    assert r_log(x, 10).tolist() == np.log10(x).tolist()
    assert r_log(x, 2).tolist() == np.log2(x).tolist()
    assert r_log(np.array([0.0, -1.0]))[0] == -math.inf and math.isnan(r_log(np.array([-1.0]))[0])
    assert optimize_max(lambda v: -(v - 1.25) ** 2, -5, 5, 1e-8) == pytest.approx(1.25, abs=1e-7)


def test_corr_removals_follows_caret_rule():
    corr = np.array([[1.0, 0.95, 0.1], [0.95, 1.0, 0.2], [0.1, 0.2, 1.0]])
    # column b has the larger mean absolute correlation, so it goes
    assert corr_removals(corr, ["a", "b", "c"], 0.9) == ["b"]
    assert corr_removals(corr, ["a", "b", "c"], 0.99) == []


def test_range_clips_and_pca_names():
    data = mtcars()
    p = rc.recipe("mpg ~ disp + hp", data).step_range("disp").prep()
    baked = p.bake(pd.DataFrame({"disp": [0.0, 1e6], "hp": [1.0, 2.0]}))
    assert baked["disp"].tolist() == [0.0, 1.0]
    p = rc.recipe("mpg ~ .", data).step_pca(rc.all_predictors(), num_comp=10).prep()
    assert [c for c in p.bake(data).columns if c.startswith("PC")][:2] == ["PC01", "PC02"]
