"""step_kpca, step_kpca_rbf, step_kpca_poly (kernlab) and step_isomap (dimRed) against
the recipes 1.3.2 ground truth (tests/data/steps, made by tests/r/steps_truth_kernel.R).
The kpca steps prepare in Python to R's bits; step_isomap prepares only in R."""
from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError, UnsupportedStepError
from pykerasnip.recipes.embedding import Kernel, KernelPCA, _KdTree, nearest_neighbours
from pykerasnip.convert import to_pandas
from pykerasnip.rds import build as b
from r_oracle import run_r_script
from steps_truth import (Case, assert_same_frame, make_tests, python_prep, r_recipe,
                         requires_rstack, truth_file, truth_frame)

#: the kpca fit is compared bit for bit by test_python_kpca_fit_is_r_fit (``res``: Python's
#: cached training kernel is no state; ``res_r``: R's object, which Python writes anew)
_KPCA = {"skip_state": ("res", "res_r")}

CASES = [
    Case("kpca_rbf", "y ~ .", lambda r: r.step_kpca_rbf(rc.all_numeric_predictors()), **_KPCA),
    Case("kpca_rbf_options", "y ~ .", lambda r: r.step_kpca_rbf(
        "a", "b", num_comp=2, sigma=1.5, prefix="rbf", keep_original_cols=True), **_KPCA),
    Case("kpca_rbf_na_train", "y ~ .", lambda r: r.step_kpca_rbf("a", "b", "c", num_comp=3, sigma=0.05), **_KPCA),
    Case("kpca_poly", "y ~ .", lambda r: r.step_kpca_poly("a", "b", "c"), **_KPCA),
    Case("kpca_poly_options", "y ~ .", lambda r: r.step_kpca_poly(
        "a", "b", "n", num_comp=3, degree=3, scale_factor=0.5, offset=0.25, prefix="P",
        keep_original_cols=True), **_KPCA),
    Case("kpca", "y ~ .", lambda r: r.step_kpca("a", "b", "c", "n"), **_KPCA),
    Case("kpca_poly_kernel", "y ~ .", lambda r: r.step_kpca(
        "a", "c", num_comp=2, options={"kernel": "polydot", "kpar": {"degree": 2, "scale": 0.1, "offset": 0}}), **_KPCA),
    Case("kpca_vanilla", "y ~ .", lambda r: r.step_kpca(
        "a", "b", "c", num_comp=2, options={"kernel": "vanilladot", "kpar": {}}), **_KPCA),
    Case("kpca_anova", "y ~ .", lambda r: r.step_kpca(
        "a", "b", "c", num_comp=4, options={"kernel": "anovadot", "kpar": {"sigma": 0.5, "degree": 2}}), **_KPCA),
    Case("kpca_spline", "y ~ .", lambda r: r.step_kpca(
        "b", "c", num_comp=3, options={"kernel": "splinedot", "kpar": {}}), **_KPCA),
    Case("kpca_laplace", "y ~ .", lambda r: r.step_kpca(
        "a", "b", "c", num_comp=3, prefix="lap", options={"kernel": "laplacedot", "kpar": {"sigma": 0.3}}), **_KPCA),
    Case("kpca_none", "y ~ .", lambda r: r.step_kpca_rbf("a", "b", num_comp=0)),
    # all-integer selections: new rows beyond 46340 overflow R's integer squares to NA
    Case("kpca_rbf_integer", "y ~ .", lambda r: r.step_kpca_rbf("n", "m", num_comp=2, sigma=0.5),
         **_KPCA),
    Case("kpca_laplace_integer", "y ~ .", lambda r: r.step_kpca(
        "n", "m", num_comp=2, options={"kernel": "laplacedot", "kpar": {"sigma": 0.3}}), **_KPCA),
    Case("kpca_poly_integer", "y ~ .", lambda r: r.step_kpca_poly("n", "m", num_comp=2), **_KPCA),
    Case("isomap", "y ~ .", lambda r: r.step_isomap("a", "b", "c", neighbors=5, num_terms=2),
         prep_in_r=True),
    Case("isomap_options", "y ~ .", lambda r: r.step_isomap(
        rc.all_numeric_predictors(), neighbors=8, num_terms=5, prefix="iso", keep_original_cols=True),
         prep_in_r=True),
    # a grid: tied neighbour distances everywhere (the replica of ANN's kd-tree decides)
    Case("isomap_grid", "y ~ .", lambda r: r.step_isomap("a", "b", "c", neighbors=4, num_terms=2),
         prep_in_r=True),
    # no new rows (Isomap's columns come out logical)
    Case("kpca_empty", "y ~ .", lambda r: r.step_kpca_poly("a", "b", num_comp=2), **_KPCA),
    Case("isomap_empty", "y ~ .", lambda r: r.step_isomap(
        "a", "b", neighbors=5, num_terms=2, keep_original_cols=True), prep_in_r=True,
         debian=False),  # recipes 1.0.4 hands dimRed the empty rows, which it refuses
]

globals().update(make_tests(CASES))


@pytest.mark.parametrize("case", [c for c in CASES if c.skip_state == _KPCA["skip_state"]], ids=repr)
def test_python_kpca_fit_is_r_fit(case: Case) -> None:
    """Python's kpca fit stores kernlab's: the kernel, the training matrix (rows with a
    missing value dropped, which ones), eigenvalues, scaled eigenvectors and the training
    rows' projection, all to the bit."""
    ours, theirs = python_prep(case).steps[-1].res, r_recipe(case.name).steps[-1].res
    assert ours.kernel == theirs.kernel and ours.omitted == theirs.omitted
    for name in ("xmatrix", "pcv", "eig", "rotated"):
        mine, want = getattr(ours, name), getattr(theirs, name)
        assert mine.shape == want.shape, name
        np.testing.assert_array_equal(mine.view("i8"), want.view("i8"), err_msg=name)


_R_SAME_KPCA = r"""
slots <- c("rotated", "pcv", "eig", "kpar", "xmatrix", "kcall", "terms", "n.action")
vapply(names(written), function(name) {
  ours <- written[[name]]
  steps <- readRDS(truth[[name]])$steps
  theirs <- steps[[length(steps)]]$res
  k1 <- ours@kernelf
  k2 <- theirs@kernelf
  u <- c(0.5, -1, 2)[seq_len(ncol(ours@xmatrix))]
  v <- c(1.5, 0.25, -3)[seq_len(ncol(ours@xmatrix))]
  all(vapply(slots, function(s) identical(slot(ours, s), slot(theirs, s)), TRUE)) &&
    identical(class(k1), class(k2)) && identical(k1@kpar, k2@kpar) && identical(k1(u, v), k2(u, v))
}, TRUE)
"""


@requires_rstack
def test_written_kpca_objects_are_r_objects() -> None:
    """The kpca object Python writes for its own fit is, slot for slot, the one kernlab
    makes (R's identical()); its kernel function gives the values of kernlab's."""
    from r_oracle import run_r
    cases = [c for c in CASES if c.skip_state == _KPCA["skip_state"] and c.name != "kpca_empty"]
    written = {c.name: python_prep(c).steps[-1].to_r()["res"] for c in cases}
    same = run_r(_R_SAME_KPCA, inputs={"written": b.named_list(written),
                                        "truth": {c.name: str(truth_file(c.name, "recipe.rds")) for c in cases}},
                 packages=("kernlab",), stack="rstack")
    assert same.to_dict() == {c.name: True for c in cases}


def _overflowing_training() -> pd.DataFrame:
    train = truth_frame("kpca_rbf_integer", "train.rds")
    train.loc[3, "m"] = 46341
    return train


def test_integer_training_rows_beyond_46340_stop_prep_as_in_r():
    """R's integer square of 46341 is NA, and eigen() refuses the kernel matrix
    (:func:`test_r_stops_on_integer_training_rows_beyond_46340`)."""
    train = _overflowing_training()
    with pytest.warns(UserWarning, match="integer overflow"), \
            pytest.raises(ForgeError, match="infinite or missing values"):
        rc.recipe("y ~ .", train).step_kpca_rbf("n", "m", num_comp=2).prep(train)
    train["n"] = train["n"].astype("f8")  # a double column makes R's matrix a double one
    rc.recipe("y ~ .", train).step_kpca_rbf("n", "m", num_comp=2).prep(train)


@requires_rstack
def test_r_stops_on_integer_training_rows_beyond_46340():
    from r_oracle import RError, run_r
    with pytest.raises(RError, match="infinite or missing values"):
        run_r("prep(step_kpca_rbf(recipe(y ~ ., train), n, m, num_comp = 2), training = train)",
              inputs={"train": _overflowing_training()}, packages=("recipes",), stack="rstack")


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_isomap_refuses_missing_and_infinite_values(bad):
    # R stops in RANN::nn2: "NA/NaN/Inf in foreign function call (arg 1)"
    new = truth_frame("isomap", "new.rds")
    new.loc[1, "a"] = bad
    with pytest.raises(ForgeError, match="NA/NaN/Inf"):
        r_recipe("isomap").bake(new)


def test_kernels_kernlab_cannot_project_with():
    x = np.array([[0.5, 1.0], [2.0, -1.0]])
    # kernlab's two-matrix tanhdot method finds base::scale instead of the kernel's scale
    with pytest.raises(ForgeError, match="tanhdot"):
        Kernel("tanhkernel", {"scale": 1.0, "offset": 1.0}).matrix(x, x)
    with pytest.raises(UnsupportedStepError, match="besselJ"):
        Kernel("besselkernel", {"sigma": 1.0, "order": 1.0, "degree": 1.0}).matrix(x, x)


def test_kpca_projects_in_blocks_to_the_same_bits(monkeypatch):
    """New rows are projected block by block (memory); kernlab's centring uses the number
    of all new rows, so the blocks give the bits of one pass."""
    rng = np.random.default_rng(11)
    kpca = KernelPCA(Kernel("rbfkernel", {"sigma": 0.3}), rng.normal(size=(40, 3)),
                     rng.normal(size=(40, 2)))
    x = rng.normal(size=(1001, 3))
    whole = kpca.predict(x)
    monkeypatch.setattr(KernelPCA, "block_entries", 40 * 7)
    blocks = kpca.predict(x)
    np.testing.assert_array_equal(blocks.view("i8"), whole.view("i8"))


def test_neighbour_ranking_agrees_with_the_kd_tree_replica():
    """The brute-force ranking (used where distances do not tie) gives what ANN's
    kd-tree search gives: the same neighbour sets, the same point first."""
    rng = np.random.default_rng(5)
    points = np.vstack([rng.integers(0, 4, size=(60, 3)), rng.normal(size=(60, 3))]).astype(float)
    idx, dist = nearest_neighbours(points, 7)
    tree = _KdTree(points)
    for i, point in enumerate(points):
        found, keys = tree.search(point, 7)
        assert set(found) == set(idx[i]) and found[0] == idx[i][0], i
        np.testing.assert_array_equal(np.sqrt(keys), dist[i])


def test_prep_checks_its_columns_before_refusing():
    data = pd.DataFrame({"a": [1.0, 2.0, 3.0], "g": ["x", "y", "x"]})
    with pytest.raises(SpecError, match="numeric"):
        rc.recipe("~ .", data).step_kpca_rbf("a", "g").prep()
    with pytest.raises(UnsupportedStepError, match="step_isomap.*rpy2"):
        rc.recipe("~ .", data).step_isomap("a", neighbors=1).prep()


_R_PREP_WRITTEN = r"""
suppressPackageStartupMessages(library(recipes))
args <- commandArgs(TRUE)
rec <- prep(readRDS(args[1]), readRDS(args[2]))
saveRDS(rec, args[4])
saveRDS(bake(rec, readRDS(args[3])), args[5])
"""


@requires_rstack
def test_r_preps_what_python_writes_and_python_bakes_it(tmp_path):
    """The way to these steps from Python: build the recipe, write it untrained, prep it
    in R, read it back and bake in Python -- as R bakes it."""
    from pykerasnip.io import write_rds
    from pykerasnip.rds import load

    train = truth_frame("isomap", "train.rds")
    recipe = (rc.recipe("y ~ .", train)
              .step_kpca("a", "b", num_comp=2, keep_original_cols=True,
                         options={"kernel": "polydot", "kpar": {"degree": 2, "scale": 0.1, "offset": 0}})
              .step_kpca_rbf("a", num_comp=1, sigma=0.5, prefix="R", keep_original_cols=True)
              .step_kpca_poly("c", num_comp=1, degree=3, prefix="P", keep_original_cols=True)
              .step_isomap("a", "b", "c", neighbors=5, num_terms=2))
    write_rds(recipe, tmp_path / "recipe.rds")
    (tmp_path / "prep.R").write_text(_R_PREP_WRITTEN)
    files = [tmp_path / f for f in ("recipe.rds", "train.rds", "new.rds", "prepped.rds", "baked.rds")]
    shutil.copy(truth_file("isomap", "train.rds"), files[1])
    shutil.copy(truth_file("isomap", "new.rds"), files[2])
    run_r_script(tmp_path / "prep.R", *files, stack="rstack")
    prepped = rc.Recipe.from_r(load(files[3]))
    assert_same_frame(prepped.bake(truth_frame("isomap", "new.rds")), to_pandas(load(files[4])))
