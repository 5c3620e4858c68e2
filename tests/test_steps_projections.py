"""step_ica, step_pls, step_nnmf and step_nnmf_sparse against the recipes 1.3.2 ground
truth (tests/data/steps; cases in tests/r/steps_truth_projections.R, whose step_impute_bag
cases test_steps_impute_bag.py runs).

step_ica trains in Python with fastICA's C method (recipes' default) and step_pls with
mixOmics' fits, bit for bit (tests/test_pls_prep.py sweeps step_pls further); fastICA's R
method and the other steps train only in R (their fits run R loops or C++ solvers from
random starts): those cases are ``prep_in_r``; baking and writing are Python's.
"""
from __future__ import annotations


from pathlib import Path

import pytest

import pykerasnip.recipes as rc
from pykerasnip.convert import to_pandas
from pykerasnip.errors import SpecError, UnsupportedStepError
from pykerasnip.recipes import Recipe
from pykerasnip.rrng import r_session
from r_oracle import run_r_script
from steps_truth import (BAKE_SEED, Case, assert_same_frame, make_tests, requires_rstack,
                         truth_file, truth_frame)


def _r_trained(name: str, step: str, formula: str = "y ~ .", **options) -> Case:
    """A case whose step trains only in R; the Python build just shows prep refusing."""
    return Case(name, formula, lambda r: getattr(r, step)(rc.all_numeric_predictors()),
                prep_in_r=True, **options)


CASES = [
    # options: R's list as read from R, Python's dict as given (the write check sees R read it)
    Case("ica", "y ~ .", lambda r: r.step_ica("x1", "x2", "x3", "x4", seed=42),
         skip_state=("options",)),
    # method = "R" (fastICA's R loop) trains only in R
    Case("ica_options", "y ~ .", lambda r: r.step_ica(
        rc.all_numeric_predictors(), num_comp=2, prefix="ind", keep_original_cols=True,
        options={"method": "R", "alg.typ": "deflation", "fun": "exp", "maxit": 300}, seed=7),
        prep_in_r=True),
    Case("ica_none", "y ~ .", lambda r: r.step_ica("x1", "x2", num_comp=0, seed=1),
         skip_state=("options",)),
    Case("ica_deflation_exp", "y ~ .", lambda r: r.step_ica(
        "x1", "x2", "x3", "x4", "i1", num_comp=3,
        options={"method": "C", "alg.typ": "deflation", "fun": "exp"}, seed=3),
        skip_state=("options",)),
    Case("ica_deflation_alpha", "y ~ .", lambda r: r.step_ica(
        "x1", "x2", "x3", "x4", num_comp=2,
        options={"method": "C", "alg.typ": "deflation", "alpha": 1.5}, seed=5),
        skip_state=("options",)),
    Case("ica_exp_row_norm", "y ~ .", lambda r: r.step_ica(
        rc.all_numeric_predictors(), num_comp=4,
        options={"method": "C", "fun": "exp", "row.norm": True, "maxit": 50, "tol": 1e-6},
        seed=[9, 1]), skip_state=("options",)),
    Case("pls", "y ~ .", lambda r: r.step_pls("x1", "x2", "x3", "x4", "i1", outcome="y"),
         skip_state=("options",)),
    # recipes 1.0.4 divides by `sd` even when the fit did not scale (sd = NULL)
    Case("pls_multi", "y + y2 ~ .", lambda r: r.step_pls(
        rc.all_numeric_predictors(), outcome=["y", "y2"], num_comp=3, options={"scale": False},
        prefix="P", keep_original_cols=True), skip_state=("options",), debian=False),
    Case("plsda", "cls ~ .", lambda r: r.step_pls(rc.all_numeric_predictors(), outcome=["cls"]),
         skip_state=("options",)),
    Case("spls", "y ~ .", lambda r: r.step_pls("x1", "x2", "x3", "x4", "i1", outcome=["y"],
                                               predictor_prop=0.5, num_comp=3),
         skip_state=("options",)),
    Case("splsda", "cls ~ .", lambda r: r.step_pls(
        rc.all_numeric_predictors(), outcome=["cls"], predictor_prop=0.6, num_comp=2,
        options={"scale": True, "max.iter": 200}, role="pls"), skip_state=("options",)),
    _r_trained("nnmf_sparse", "step_nnmf_sparse"),
    _r_trained("nnmf_sparse_options", "step_nnmf_sparse"),
    _r_trained("nnmf_sparse_none", "step_nnmf_sparse"),
    # MASS::ginv in R runs LAPACK's SVD (reference LAPACK), NumPy another LAPACK: the
    # pseudo-inverse differs in the last bits (measured: <= 2.3e-16 on scores below 1.5)
    _r_trained("nnmf", "step_nnmf", atol=1e-15),
    _r_trained("nnmf_options", "step_nnmf", atol=1e-15),
]

globals().update(make_tests(CASES))


@pytest.mark.parametrize("step", ["step_nnmf", "step_nnmf_sparse"])
def test_training_stays_in_r(step):
    from pykerasnip.docs_tables import steps_markdown
    train = truth_frame("pls", "train.rds")
    with pytest.raises(UnsupportedStepError, match=step):
        getattr(rc.recipe("y ~ .", train), step)("x1", "x2").prep(train)
    row = next(line for line in steps_markdown().splitlines() if line.startswith(f"| `{step}` |"))
    assert row.split("|")[3:7] == [" yes ", " yes ", " no ", " yes "]


def test_ica_prep_holds_rs_fit_of_the_recipe_trial_bit_for_bit():
    """recipe_trial/ica_stackloss (tests/r/make_recipe_trial.R): Python's prep of R's
    unprepped recipe stores R's K, W and means exactly (its bake is test_recipe_trial's)."""
    import pykerasnip as pk
    folder = Path(__file__).parent / "data" / "recipe_trial" / "ica_stackloss"
    ours = pk.read_rds(folder / "unprepped.rds").prep(training=pk.read_rds(folder / "train.rds"))
    mine, r_step = ours.steps[-1], pk.read_rds(folder / "recipe.rds").steps[-1]
    assert mine.num_comp == r_step.num_comp == 2 and mine.seed == r_step.seed == [7]
    for name in ("K", "W"):
        assert getattr(mine, name).tobytes() == getattr(r_step, name).tobytes(), name
    assert mine.means.equals(r_step.means)


@pytest.mark.parametrize("options", [{"method": "R"}, {"alg.typ": "deflation"},
                                     {"method": "C", "w.init": [[1.0]]}])
def test_ica_r_method_and_given_start_stay_in_r(options):
    train = truth_frame("ica", "train.rds")
    with pytest.raises(UnsupportedStepError, match="method = \"R\""):
        rc.recipe("y ~ .", train).step_ica("x1", "x2", options=options).prep(train)


def test_ica_refuses_bad_fastica_settings():
    train = truth_frame("ica", "train.rds")
    for options, message in (({"method": "C", "alpha": 3}, "alpha must be in range"),
                             ({"method": "C", "fun": "x"}, "fun must be one of logcosh, exp")):
        with pytest.raises(SpecError, match=message):
            rc.recipe("y ~ .", train).step_ica("x1", "x2", options=options).prep(train)
    with pytest.raises(SpecError, match="matrix-conformal"):
        rc.recipe("y ~ .", train).step_ica("x1").prep(train)


_R_PREP_AND_BAKE = r"""
suppressPackageStartupMessages(library(recipes))
args <- commandArgs(TRUE)
rec <- prep(readRDS(args[1]))
saveRDS(rec, args[2])
saveRDS(bake(rec, readRDS(args[3])), args[4])
"""


@requires_rstack
def test_r_trains_the_steps_python_writes_and_python_bakes_them(tmp_path):
    """Untrained steps built in Python (options, seeds, outcome and impute_with
    selections) are written for R, which trains them; Python bakes R's fit as R does."""
    from pykerasnip.io import write_rds
    from pykerasnip.rds import load
    train, new = truth_frame("pls", "train.rds"), truth_frame("pls", "new.rds")
    built = (rc.recipe("y ~ .", train)
             .step_impute_bag("x1", impute_with=["x2", "i1"], trees=3, seed_val=5,
                              options={"keepX": False})
             .step_ica("x1", "x2", "x3", num_comp=2, seed=42)
             .step_nnmf_sparse("x4", "i1", num_comp=1, seed=4, keep_original_cols=True)
             .step_pls(rc.all_numeric_predictors(), outcome="y", options={"scale": False},
                       prefix="P"))
    write_rds(built, tmp_path / "built.rds")
    (tmp_path / "new.rds").write_bytes(truth_file("pls", "new.rds").read_bytes())
    (tmp_path / "run.R").write_text(_R_PREP_AND_BAKE)
    paths = [tmp_path / f for f in ("built.rds", "prepped.rds", "new.rds", "baked.rds")]
    run_r_script(tmp_path / "run.R", *paths, stack="rstack")
    prepped = Recipe.from_r(load(paths[1]))
    assert prepped.steps[0].models["x1"].predictors == ["x2", "i1"]
    assert prepped.steps[3].outcome == ["y"] and prepped.steps[3].sd is None
    with r_session(BAKE_SEED):
        assert_same_frame(prepped.bake(new), to_pandas(load(paths[3])))
