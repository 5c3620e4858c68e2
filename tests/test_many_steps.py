"""A prediction workflow whose recipe chains many of the steps added for recipes 1.3.2
(issue #13's throughput case) against R, to the bit.

Ground truth: tests/r/make_many_steps.R (R 4.2.2, recipes 1.3.2, kerasnip 0.1.2.900,
keras3 1.5.1): a kerasnip sequential regression after a 38-step recipe over numbers,
integers, factors, text, a date-time and coordinates (36 of the steps new in recipes
1.3.2); new rows with missing values and values training never saw; the same fitted
without step_kpca_rbf in without_kpca/ (the benchmark's second case). Reading R's
workflow, Python forges the predictors R's forge gives and predicts R's numbers
(numeric, conf_int, pred_int), every double identical.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk

DATA = Path(__file__).parent / "data" / "many_steps"
CASES = {"all_steps": DATA, "without_kpca": DATA / "without_kpca"}

#: the steps recipes 1.3.2 added to the ones pykerasnip had (issue #13's list)
NEW_STEPS = frozenset("""
step_arrange step_bin2factor step_classdist step_classdist_shrunken step_count step_cut
step_depth step_discretize step_dummy_extract step_dummy_multi_choice step_filter
step_filter_missing step_geodist step_harmonic step_hyperbolic step_ica step_impute_bag
step_impute_lower step_impute_roll step_integer step_intercept step_inverse step_invlogit
step_isomap step_kpca step_kpca_poly step_kpca_rbf step_lag step_lincomb step_logit
step_mutate_at step_naomit step_nnmf step_nnmf_sparse step_num2factor step_percentile
step_pls step_poly_bernstein step_profile step_ratio step_regex step_relevel step_relu
step_rename step_rename_at step_sample step_shuffle step_slice step_spatialsign
step_spline_b step_spline_convex step_spline_monotone step_spline_natural
step_spline_nonnegative step_time step_unorder step_window""".split())


def _read(name: str, case: str = "all_steps"):
    path = CASES[case] / name
    assert path.exists(), f"missing R ground truth {path}: run tests/r/make_many_steps.R"
    return pk.read_rds(path)


@pytest.fixture(scope="module", params=list(CASES))
def case(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def workflow(case) -> pk.Workflow:
    return _read("workflow.rds", case)


@pytest.fixture(scope="module")
def new_data(case) -> pd.DataFrame:
    return _read("new_data.rds", case)


def _quietly(fn, *args, **kwargs):
    """Call ``fn``; the new rows' NA dummies warn, as they do in R."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return fn(*args, **kwargs)


def _assert_identical(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """conformance.py's comparison at tolerance 0: R's columns in R's order, R's rows,
    R's NA pattern, and every number bit for bit."""
    assert list(got.columns) == list(want.columns)
    assert len(got) == len(want)
    for col in want.columns:
        assert pd.api.types.is_numeric_dtype(want[col]), col
        expected = want[col].to_numpy(dtype="f8", na_value=np.nan)
        values = pd.to_numeric(got[col]).to_numpy(dtype="f8", na_value=np.nan)
        np.testing.assert_array_equal(np.isnan(values), np.isnan(expected), err_msg=f"{col}: NA")
        np.testing.assert_array_equal(values.view("i8")[~np.isnan(values)],
                                      expected.view("i8")[~np.isnan(expected)], err_msg=col)


def test_recipe_uses_many_new_row_wise_steps(workflow, case) -> None:
    steps = [step.r_class for step in workflow.blueprint.recipe.steps]
    assert steps == (CASES[case] / "steps.txt").read_text().split()
    new = [s for s in steps if s in NEW_STEPS]
    assert len(new) >= 22 and len(set(new)) == len(new)
    assert ("step_kpca_rbf" in steps) == (case == "all_steps")
    row_dependent = {"step_arrange", "step_filter", "step_naomit", "step_sample", "step_shuffle",
                     "step_slice", "step_lag", "step_impute_roll", "step_profile",
                     "step_window", "step_isomap"}
    assert not row_dependent & set(steps)


def test_forge_gives_rs_predictors(workflow, new_data, case) -> None:
    _assert_identical(_quietly(workflow.forge, new_data), _read("predictors.rds", case))


def test_new_rows_warn_as_r_does(workflow, new_data) -> None:
    with pytest.warns(UserWarning) as caught:
        workflow.forge(new_data)
    text = " ".join(str(w.message) for w in caught)
    assert "`age`: 'bin_missing'" in text and "`grade`: NA" in text


@pytest.mark.parametrize("type_", ["numeric", "conf_int", "pred_int"])
def test_predictions_are_rs(workflow, new_data, case, type_) -> None:
    level = {} if type_ == "numeric" else {"level": 0.95}
    _assert_identical(_quietly(workflow.predict, new_data, type=type_, **level),
                      _read(f"{type_}.rds", case))


def test_one_row_at_a_time_is_the_same(workflow, new_data) -> None:
    """Every step acts on each row by itself: baking rows one by one changes nothing, but
    for the last bits of the kernel PCA scores. kernlab's ``predict`` centres the new
    kernel matrix with ``sum(K) / (m * n)``, n the number of new rows; that constant
    times the eigenvectors' column sums (zero but for rounding) is all n changes."""
    whole = _quietly(workflow.forge, new_data)
    kpca = [c for c in ("kPC1", "kPC2") if c in whole.columns]
    for i in (0, 1, 13, 20, 29, 59):
        one = _quietly(workflow.forge, new_data.iloc[[i]].reset_index(drop=True))
        row = whole.iloc[[i]].reset_index(drop=True)
        _assert_identical(one.drop(columns=kpca), row.drop(columns=kpca))
        np.testing.assert_allclose(one[kpca].to_numpy(), row[kpca].to_numpy(), rtol=0, atol=1e-12)
