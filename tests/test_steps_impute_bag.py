"""step_impute_bag against the recipes 1.3.2 ground truth (tests/data/steps; cases in
tests/r/steps_truth_bag.R and, the first four, tests/r/steps_truth_projections.R).

Python's prep replays ipred 0.9-13 (R's bootstrap draws after ``set.seed(seed_val)``) and
rpart 4.1.19 (pykerasnip.rpart): the fits it stores are R's, object for object and bit
for bit (:func:`test_python_prep_stores_rs_fits`), so Python's bake of its own prep is
R's bake, and R's bake of what Python writes is too (the write check). Only ipred's
out-of-bag error (``coob``), combined models (``comb``) and rpart's cross-validation
groups given as a vector stay in R (``PARTIAL_PREP_EXCEPTIONS``).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import pykerasnip.recipes as rc
from pykerasnip.convert import from_pandas
from pykerasnip.errors import ForgeError, SpecError, UnsupportedObjectError, UnsupportedStepError
from pykerasnip.rds import load
from pykerasnip.recipes.steps.base import PARTIAL_PREP_EXCEPTIONS, PREP_EXCEPTIONS
from pykerasnip.rrng import RRandom
from r_oracle import RError, run_r
from rtree_diff import differences
from steps_truth import (Case, make_tests, python_prep, r_recipe, requires_rstack, truth_file,
                         truth_frame)

#: the selections and options as the user gave them (R's quosures and lists when read
#: from R), not trained state
INPUTS = ("impute_with", "impute_with_r", "options")


def rpart_control(**given: float) -> dict:
    """``rpart::rpart.control(...)``'s list with R's types: its defaults integers but
    ``minbucket = round(minsplit / 3)``, the given values doubles (R literals)."""
    control = {"minsplit": 20, "minbucket": 7.0, "cp": 0.01, "maxcompete": 4, "maxsurrogate": 5,
               "usesurrogate": 2, "surrogatestyle": 0, "maxdepth": 30, "xval": 10}
    if "minsplit" in given and "minbucket" not in given:
        control["minbucket"] = float(round(given["minsplit"] / 3))
    return {**control, **{name: float(value) for name, value in given.items()}}


def r_seed_val(seed: int) -> int:
    """The ``seed_val`` step_impute_bag draws (``sample.int(10^4, 1)``) after ``set.seed(seed)``."""
    return RRandom(seed).sample(10 ** 4, 1, False)[0]


def _case(name: str, build, debian: bool = False) -> Case:
    # recipes 1.0.4 imputes rows whose predictors are all missing (1.3.2 leaves them NA):
    # only bag_big's new data has none
    return Case(name, "y ~ .", build, skip_state=INPUTS, debian=debian)


CASES = [
    _case("impute_bag", lambda r: r.step_impute_bag("a", "k", "f", seed_val=11, trees=5)),
    _case("impute_bag_ties", lambda r: r.step_impute_bag("f", "o", "ch", trees=4, seed_val=21)),
    _case("impute_bag_options", lambda r: r.step_impute_bag(
        "a", "f", impute_with=["b", "o", "lg", "k"], trees=6, seed_val=3,
        options={"keepX": True, "control": rpart_control(maxdepth=3, minsplit=4, usesurrogate=1,
                                                         cp=0, xval=0)})),
    _case("impute_bag_nosurrogate", lambda r: r.step_impute_bag(
        "k", "b", impute_with=["a", "f", "ch"], trees=3, seed_val=8,
        options={"control": rpart_control(usesurrogate=0, maxsurrogate=0, minsplit=2, cp=0,
                                          xval=0)})),
    _case("bag_numeric_one_tree", lambda r: r.step_impute_bag(
        "x1", impute_with=["x2", "x3"], trees=1, seed_val=5)),
    _case("bag_factor_one_tree", lambda r: r.step_impute_bag(
        "f", impute_with=["x1", "x3", "o", "lg"], trees=1, seed_val=6)),
    _case("bag_three_trees", lambda r: r.step_impute_bag("x1", "x2", "f", "o", trees=3,
                                                         seed_val=7)),
    _case("bag_default", lambda r: r.step_impute_bag("x1", "x2", "f", "o", "ch",
                                                     seed_val=r_seed_val(99))),
    _case("bag_controls", lambda r: r.step_impute_bag(
        "x3", "f", impute_with=["x1", "x2", "o", "lg", "ch"], trees=4, seed_val=8,
        options={"keepX": False, "control": rpart_control(cp=0.05, minsplit=6, maxdepth=2,
                                                          xval=0)})),
    _case("bag_competitors", lambda r: r.step_impute_bag(
        "x1", "o", trees=5, seed_val=9, options={"keepX": True, "control": rpart_control(
            maxcompete=1, maxsurrogate=2, usesurrogate=1, surrogatestyle=1, minsplit=3, cp=0,
            xval=0)})),
    _case("bag_xval", lambda r: r.step_impute_bag(
        "x2", "f", trees=3, seed_val=10, options={"control": {"cp": 0.001, "minsplit": 4.0}})),
    _case("bag_subagging", lambda r: r.step_impute_bag(
        "x1", "f", trees=6, seed_val=11, options={"ns": 25.0, "keepX": False})),
    _case("bag_character", lambda r: r.step_factor2string("f", "ch").step_impute_bag(
        "f", "ch", impute_with=["x1", "ch", "f", "lg", "o"], trees=6, seed_val=12)),
    _case("bag_big", lambda r: r.step_impute_bag("a", "k", "g", trees=8, seed_val=13),
          debian=True),
    _case("bag_blind", lambda r: r.step_impute_bag("a", "x", impute_with=["b", "c"], trees=4,
                                                   seed_val=14)),
    _case("bag_blind_one_tree", lambda r: r.step_impute_bag("a", "k", impute_with=["b", "c"],
                                                            trees=1, seed_val=15)),
    _case("bag_blind_xval", lambda r: r.step_impute_bag(
        "a", impute_with=["b", "c"], trees=3, seed_val=16,
        options={"control": {"cp": 0.001, "minsplit": 2.0}})),
    _case("bag_blind_subagging", lambda r: r.step_impute_bag(
        "a", "x", impute_with=["b", "c"], trees=5, seed_val=17,
        options={"ns": 2.0, "keepX": False})),
]

globals().update(make_tests(CASES))


def _bag_steps(recipe) -> list:
    return [s for s in recipe.steps if s.r_class == "step_impute_bag"]


@pytest.mark.parametrize("name", [c.name for c in CASES])
def test_python_prep_stores_rs_fits(name: str) -> None:
    """The ipred fits Python's prep stores are R's: every tree's frame, splits, csplit,
    where, cptable, importance, control, terms, levels, the bootstrap rows, the kept
    ``X``; rpart's print helpers are closures of rpart with R's formals."""
    case = next(c for c in CASES if c.name == name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours = python_prep(case)
    theirs = load(truth_file(name, "recipe.rds"))["steps"].data
    for i, step in enumerate(ours.steps):
        if step.r_class == "step_impute_bag":
            assert differences(step.models_r, theirs[i]["models"], "models") == []


def test_the_cases_cover_the_settings() -> None:
    trees = {s.trees for c in CASES for s in _bag_steps(r_recipe(c.name))}
    assert {1, 3, 25} <= trees
    kinds = {type(m).__name__ for c in CASES for s in _bag_steps(r_recipe(c.name))
             for m in s.models_r.data}
    assert kinds == {"List"}
    assert "step_impute_bag" not in PREP_EXCEPTIONS


@pytest.mark.parametrize("options, setting", [
    ({"coob": True, "keepX": True}, "coob"),
    ({"comb": [{"model": 1}]}, "comb"),
    ({"control": {"xval": np.array([1.0, 2.0, 1.0])}}, "xval given as groups"),
])
def test_settings_trained_only_in_r_are_refused(options: dict, setting: str) -> None:
    train = truth_frame("bag_three_trees", "train.rds")
    with pytest.raises(UnsupportedStepError, match=setting):
        rc.recipe("y ~ .", train).step_impute_bag("x1", trees=10, seed_val=1,
                                                  options=options).prep(train)
    assert setting.split()[0] in PARTIAL_PREP_EXCEPTIONS["step_impute_bag"]


def test_date_predictors_are_refused() -> None:
    train = truth_frame("bag_three_trees", "train.rds")
    train["d"] = pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(len(train)), unit="D")
    with pytest.raises(UnsupportedStepError, match=r"predictors other than .*`d` \(datetime64"):
        rc.recipe("y ~ .", train).step_impute_bag("x1", trees=2, seed_val=1).prep(train)
    assert "(dates)" in PARTIAL_PREP_EXCEPTIONS["step_impute_bag"]


def test_bad_settings_are_refused_as_r_does() -> None:
    train = truth_frame("bag_three_trees", "train.rds")
    recipe = rc.recipe("y ~ .", train)
    with pytest.raises(SpecError, match="`trees` must be a whole number"):
        recipe.step_impute_bag("x1", trees=0).prep(train)
    with pytest.raises(SpecError, match="Do not know how to handle objects of class logical"):
        recipe.step_impute_bag("lg").prep(train)
    with pytest.raises(SpecError, match="larger than the population"):
        recipe.step_impute_bag("x1", options={"ns": 39.0}, trees=2).prep(train)
    with pytest.raises(SpecError, match="maxdepth"):
        recipe.step_impute_bag("x1", options={"control": {"maxdepth": 31}}).prep(train)
    with pytest.raises(UnsupportedObjectError, match="minbucket below 1"):  # R reads past arrays
        recipe.step_impute_bag("x1", options={"control": {"minbucket": 0}}).prep(train)
    with pytest.raises(SpecError, match="'X' cannot be used"):
        recipe.step_impute_bag("x1", options={"X": 1}).prep(train)


def test_impute_bag_warns_of_rows_without_predictors_and_refuses_new_levels():
    new = truth_frame("impute_bag", "new.rds")
    with pytest.warns(UserWarning, match=r"`a` only contains missing values for row: 10\."):
        r_recipe("impute_bag").bake(new)
    new["f"] = new["f"].cat.add_categories("zz")
    new.loc[0, "f"] = "zz"
    with pytest.raises(ForgeError, match="factor f has new level zz"), \
            pytest.warns(UserWarning):
        r_recipe("impute_bag").bake(new)


def _blind_factor() -> pd.DataFrame:
    """bag_blind's training data with a factor known only where `b` and `c` are missing."""
    train = truth_frame("bag_blind", "train.rds")
    train["f"] = pd.Categorical(np.where(train["a"].isna(), None,
                                         np.where(train["a"] > 4, "hi", "lo")))
    return train


def test_a_factor_whose_known_values_have_no_predictor_stops_prep() -> None:
    """A number known only where its predictors are missing gets trees of one empty leaf
    (the bag_blind cases); a factor stops, as rpart's classification of no row does in R
    (:func:`test_r_stops_on_a_factor_whose_known_values_have_no_predictor`)."""
    train = _blind_factor()
    with pytest.raises(SpecError, match="Failed to compute: no rows to fit `f`"):
        rc.recipe("y ~ .", train).step_impute_bag("f", impute_with=["b", "c"],
                                                  seed_val=1).prep(train)


@requires_rstack
def test_r_stops_on_a_factor_whose_known_values_have_no_predictor() -> None:
    with pytest.raises(RError, match="Failed to compute"):
        run_r("prep(step_impute_bag(recipe(y ~ ., train), f, impute_with = imp_vars(b, c), "
              "seed_val = 1), training = train)", inputs={"train": _blind_factor()},
              packages=("recipes",), stack="rstack")


@requires_rstack
def test_r_trains_python_written_options_as_python_does(tmp_path) -> None:
    """Options given in Python (a partial control list, subagging) are written so that
    R's prep of the untrained recipe stores the fits Python's prep stores."""
    from pykerasnip.io import write_rds
    train = truth_frame("bag_three_trees", "train.rds")
    built = rc.recipe("y ~ .", train).step_impute_bag(
        "x1", "f", impute_with=["x2", "x3", "o", "ch"], trees=3, seed_val=44,
        options={"control": {"cp": 0.02, "minsplit": 5, "maxcompete": 2}, "ns": 30})
    write_rds(built, tmp_path / "untrained.rds")
    models = run_r("prep(readRDS(path), training = readRDS(train))$steps[[1]]$models",
                   inputs={"path": tmp_path / "untrained.rds",
                           "train": truth_file("bag_three_trees", "train.rds")},
                   packages=("recipes",), stack="rstack", raw=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ours = built.prep(train).steps[0].models_r
    assert differences(ours, models, "models") == []


@requires_rstack
def test_r_sample_int_draws_as_r() -> None:
    """ipred's bootstrap (with replacement), subagging and rpart's cross-validation
    groups (without) are R's ``sample.int`` draws, one stream after another."""
    settings = [(30, 30, True), (7, 40, True), (70000, 5, True), (40, 25, False),
                (12, 12, False), (1, 1, False)]
    code = "set.seed(5); unlist(lapply(list({}), function(s) sample.int(s[1], s[2], s[3])))".format(
        ", ".join(f"c({n}, {k}, {'TRUE' if r else 'FALSE'})" for n, k, r in settings))
    stream = RRandom(5)
    got = [v for n, k, r in settings for v in stream.sample(n, k, r)]
    assert got == run_r(code, stack="rstack").tolist()


@requires_rstack
def test_r_prints_and_summarises_python_grown_trees(tmp_path) -> None:
    """rpart's print helpers Python stores (closures handing over to rpart's own) serve
    R's ``print()`` and ``summary()`` of the trees, numeric and class."""
    from pykerasnip.io import write_rds
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        write_rds(python_prep(next(c for c in CASES if c.name == "impute_bag")),
                  tmp_path / "prepped.rds")
    lines = run_r("""models <- readRDS(path)$steps[[1]]$models
                     trees <- list(models$a$mtrees[[1]]$btree, models$f$mtrees[[2]]$btree)
                     unlist(lapply(trees, function(t) capture.output(print(t), summary(t))))""",
                  inputs={"path": tmp_path / "prepped.rds"}, packages=("recipes", "rpart"),
                  stack="rstack")
    text = "\n".join(lines)
    assert "node), split, n, deviance, yval" in text and "predicted class=" in text


@requires_rstack
def test_a_sample_of_one_class_fails_as_in_r() -> None:
    """rpart cannot fit a class response whose sample holds only its first level (R's
    ``cbind()`` error, which recipes reports as near zero variance)."""
    train = truth_frame("bag_three_trees", "train.rds")
    train["f"] = train["f"].where(train["f"].isna(), "p")
    message = run_r("""tryCatch(prep(recipe(y ~ ., train) |>
                                       step_impute_bag(f, trees = 1, seed_val = 1), train),
                                  error = function(e) conditionMessage(e))""",
                    inputs={"train": from_pandas(train, tibble=True)}, packages=("recipes",),
                    stack="rstack")
    assert "near zero variance" in str(message)
    with pytest.raises(SpecError, match="not able to fit to `f`.*near zero variance"):
        rc.recipe("y ~ .", train).step_impute_bag("f", trees=1, seed_val=1).prep(train)
