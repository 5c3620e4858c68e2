"""step_classdist, step_classdist_shrunken and step_depth against the recipes 1.3.2
ground truth (tests/data/steps)."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.errors import ForgeError, SpecError, UnsupportedStepError
from pykerasnip.io import write_rds
from pykerasnip.rds import build as b
from pykerasnip.rds import load
from pykerasnip.rds.nodes import BaseNamespace, GlobalEnv, MissingArg
from pykerasnip.recipes.steps.classdist import stored_function_name
from r_oracle import run_r_script
from steps_truth import (Case, check_python_prep, check_r_bake, check_read_back,
                         make_tests, python_prep, requires_rstack, truth_file)

#: step_classdist_shrunken is newer than Debian's recipes 1.0.4
SHRUNKEN = {"debian": False}

CASES = [
    Case("classdist", "y ~ .", lambda r: r.step_classdist("a", "b", "c", class_="cls")),
    Case("classdist_pool", "y ~ .", lambda r: r.step_classdist(
        rc.all_numeric_predictors(), class_="cls", pool=True, log=False, prefix="cd_",
        keep_original_cols=False),
         debian=False),  # recipes 1.0.4's step_classdist always keeps the original columns
    Case("classdist_median", "y ~ .", lambda r: r.step_classdist(
        "a", "c", class_="cls", mean_func="median", role="dist")),
    Case("classdist_shrunken", "y ~ .",
         lambda r: r.step_classdist_shrunken("a", "b", "c", class_="cls"), **SHRUNKEN),
    Case("classdist_shrunken_options", "y ~ .", lambda r: r.step_classdist_shrunken(
        rc.all_numeric_predictors(), class_="cls", threshold=0.2, sd_offset=0.9, log=False,
        prefix="sc_", keep_original_cols=False, role="shrunk"), **SHRUNKEN),
    Case("classdist_shrunken_zero", "y ~ .", lambda r: r.step_classdist_shrunken(
        "a", "c", class_="cls", threshold=0, sd_offset=0), **SHRUNKEN),
    Case("classdist_shrunken_full", "y ~ .", lambda r: r.step_classdist_shrunken(
        "b", class_="cls", threshold=1, sd_offset=1), **SHRUNKEN),
]


def _depth(metric: str, columns: tuple[str, ...] = ("a", "b", "c"), **options):
    return lambda r: r.step_depth(*columns, class_="cls", metric=metric, **options)


DEPTH_CASES = [
    Case("depth_mahalanobis", "y ~ .", _depth("Mahalanobis")),
    Case("depth_spatial", "y ~ .", _depth("spatial")),
    Case("depth_spatial_none", "y ~ .", _depth("spatial", options={"mah.estimate": "none"},
                                                prefix="sp_", keep_original_cols=False),
         debian=False),  # recipes 1.0.4's step_depth always keeps the original columns
    Case("depth_potential", "y ~ .", _depth("potential", ("a", "c"))),
    Case("depth_potential_options", "y ~ .", _depth("potential", options={
        "pretransform": None, "kernel": "EDKernel", "kernel.bandwidth": 0.5})),
    Case("depth_zonoid_seed", "y ~ .", _depth("zonoid", options={"seed": 5})),
    Case("depth_simplicial_volume", "y ~ .", _depth("simplicialVolume", options={"exact": True})),
    Case("depth_simplicial_volume_seed", "y ~ .", _depth(
        "simplicialVolume", options={"seed": 3, "k": 0.5, "mah.estimate": "none"})),
    Case("depth_halfspace_exact", "y ~ .", _depth("halfspace", options={"exact": True},
                                                  role="depth")),
    Case("depth_halfspace_plane", "y ~ .", _depth("halfspace", options={
        "exact": True, "method": "plane"})),
    Case("depth_halfspace_line", "y ~ .", _depth("halfspace", options={"method": 3})),
    Case("depth_halfspace_seed", "y ~ .", _depth("halfspace", options={
        "seed": 11, "num.directions": 50})),
]

globals().update(make_tests(CASES + DEPTH_CASES))

#: ddalpha seeds its random engine with the clock (time(NULL)) when seed = 0, the
#: default: R made these cases within one second, recorded in clock.txt
CLOCK_CASES = {c.name: c for c in [
    Case("depth_zonoid", "y ~ .", _depth("zonoid")),  # the clock breaks the simplex's ties
    Case("depth_halfspace", "y ~ .", _depth("halfspace", ("a", "c"))),
    Case("depth_simplicial_volume_random", "y ~ .", _depth("simplicialVolume")),
]}


@pytest.mark.parametrize("name", list(CLOCK_CASES))
def test_bake_at_rs_clock_matches_r(name: str) -> None:
    check_r_bake(CLOCK_CASES[name])  # at_r_clock: the second in clock.txt


@pytest.mark.parametrize("name", list(CLOCK_CASES))
def test_python_prep_at_rs_clock_matches_r(name: str) -> None:
    check_python_prep(CLOCK_CASES[name])


_R_BAKE_BOTH = r"""
suppressPackageStartupMessages(library(recipes))
args <- commandArgs(TRUE)
for (name in args[-1]) {
  dir <- file.path(args[1], name)
  theirs <- readRDS(file.path(dir, "recipe.rds"))
  ours <- readRDS(file.path(dir, "written.rds"))
  new <- readRDS(file.path(dir, "new.rds"))
  repeat {  # both bakes within one second of the clock
    while (findInterval(as.numeric(Sys.time()) %% 1, c(0.05, 0.3)) != 1) Sys.sleep(0.01)
    start <- as.integer(Sys.time())
    same <- identical(bake(theirs, new), bake(ours, new))
    if (as.integer(Sys.time()) == start) break
  }
  saveRDS(same, file.path(dir, "same.rds"))
}
"""


@requires_rstack
def test_recipes_132_bakes_the_written_clock_recipes_as_its_own() -> None:
    """R bakes the Python-prepped, written recipe as it bakes its own in the same second."""
    with tempfile.TemporaryDirectory() as tmp:
        for case in CLOCK_CASES.values():
            folder = Path(tmp) / case.name
            folder.mkdir()
            write_rds(python_prep(case), folder / "written.rds")
            shutil.copy(truth_file(case.name, "recipe.rds"), folder / "recipe.rds")
            shutil.copy(truth_file(case.name, "new.rds"), folder / "new.rds")
        (Path(tmp) / "bake.R").write_text(_R_BAKE_BOTH)
        run_r_script(Path(tmp) / "bake.R", tmp, *CLOCK_CASES, stack="rstack")
        for name in CLOCK_CASES:
            assert bool(load(Path(tmp) / name / "same.rds").data[0]), name


# -- refusals -----------------------------------------------------------------------------
def _frame() -> pd.DataFrame:
    return pd.DataFrame({"a": [0.5, 1.5, 2.0, 3.25, 4.0, 0.75, 2.5, 3.0],
                         "b": [1.0, 3.0, 2.5, 0.5, 2.0, 1.25, 3.5, 0.25],
                         "cls": pd.Categorical(list("uvuvuvuv"))})


def test_classdist_options_are_checked():
    with pytest.raises(SpecError, match="mean_func"):
        rc.recipe("~ .", _frame()).step_classdist("a", class_="cls", mean_func="mode")
    with pytest.raises(SpecError, match="threshold"):
        rc.recipe("~ .", _frame()).step_classdist_shrunken("a", class_="cls", threshold=2)
    data = _frame().assign(cls=list("uvuvuvuv"))
    with pytest.raises(SpecError, match="factor"):
        rc.recipe("~ .", data).step_classdist_shrunken("a", "b", class_="cls").prep(
            strings_as_factors=False)


def test_classdist_reads_only_rs_own_centring_functions():
    mean = b.closure({"x": MissingArg, "...": MissingArg},
                     b.call("UseMethod", b.chr("mean")), BaseNamespace)
    assert stored_function_name(mean, ("mean", "median"), "step_classdist") == "mean"
    for env in (GlobalEnv, BaseNamespace):
        custom = b.closure({"x": MissingArg}, b.call("mean", b.sym("x"), trim=b.dbl(0.1)), env)
        with pytest.raises(UnsupportedStepError, match="step_classdist"):
            stored_function_name(custom, ("mean", "median"), "step_classdist")


def test_depth_options_are_checked():
    recipe = rc.recipe("~ .", _frame())
    with pytest.raises(SpecError, match="metric"):
        recipe.step_depth("a", "b", class_="cls", metric="simplicial")
    with pytest.raises(ForgeError, match="unused argument"):
        recipe.step_depth("a", "b", class_="cls", metric="zonoid", options={"exact": True})
    with pytest.raises(SpecError, match="data"):
        recipe.step_depth("a", "b", class_="cls", options={"data": 1})


def test_depth_refuses_what_r_cannot_or_python_does_not_replay():
    prepped = rc.recipe("~ .", _frame()).step_depth("a", "b", class_="cls", metric="zonoid").prep()
    with pytest.raises(ForgeError, match="NA/NaN/Inf"):
        prepped.bake(_frame().assign(a=[None] + [1.0] * 7))
    for metric, options in (("Mahalanobis", {"mah.estimate": "MCD"}),
                            ("potential", {"kernel": 5})):
        with pytest.raises(UnsupportedStepError, match="step_depth"):  # prep bakes too
            rc.recipe("~ .", _frame()).step_depth(
                "a", "b", class_="cls", metric=metric, options=options).prep()


def test_spark_refuses_depths_whose_rows_share_a_random_stream():
    from pykerasnip.recipes.independence import step_problems
    for metric, options, shared in (("zonoid", {}, True), ("simplicialVolume", {}, True),
                                    ("simplicialVolume", {"exact": True}, False),
                                    ("halfspace", {"seed": 3}, False)):
        step = rc.recipe("~ .", _frame()).step_depth(
            "a", "b", class_="cls", metric=metric, options=options).steps[0]
        assert bool(step_problems(step)) is shared, (metric, options)


@pytest.mark.parametrize("case", CASES + DEPTH_CASES + list(CLOCK_CASES.values()), ids=repr)
def test_python_reads_back_what_it_writes(case: Case) -> None:
    check_read_back(case)
