"""Recipes saved bare by R (``saveRDS(rec)`` / ``saveRDS(prep(rec))``): ``read_rds`` gives
a :class:`Recipe` that bakes as R bakes and prepares in Python as R prepares, its stored
selectors translated, never run. Ground truth: tests/r/make_bare_recipes.R and the
``untrained.rds`` of every case of tests/r/make_steps_truth.R (recipes 1.3.2)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import SpecError, UnsupportedStepError
from pykerasnip.rds import build as b
from pykerasnip.rds.nodes import GlobalEnv
from pykerasnip.recipes import Recipe, selectors
from pykerasnip.recipes.steps.base import PARTIAL_PREP_EXCEPTIONS, PREP_EXCEPTIONS
from pykerasnip.rrng import r_session
from steps_truth import BAKE_SEED, TRUTH, all_cases, assert_same_frame, at_r_clock

BARE = Path(__file__).parent / "data" / "recipes"
CASES = sorted(p.name for p in TRUTH.iterdir() if p.is_dir())
#: cases whose numbers rest on eigen() (LAPACK's dsyevr in R, NumPy's eigh here): their


def test_every_step_case_has_its_untrained_recipe():
    assert len(CASES) >= 80
    missing = [c for c in CASES if not (TRUTH / c / "untrained.rds").exists()]
    assert not missing, f"run tests/r/make_steps_truth.R for {missing}"


@pytest.mark.parametrize("case", CASES)
def test_an_untrained_r_recipe_preps_in_python_as_r_does(case):
    folder = TRUTH / case
    recipe = pk.read_rds(folder / "untrained.rds")
    assert isinstance(recipe, Recipe) and not any(s.trained for s in recipe.steps)
    try:
        prepped = recipe.prep(pk.read_rds(folder / "train.rds"))
    except UnsupportedStepError as refused:  # only a step (or setting) trained in R may refuse
        assert refused.step in {*PREP_EXCEPTIONS, *PARTIAL_PREP_EXCEPTIONS}
        assert refused.step in {s.r_class for s in recipe.steps}
        return
    assert all(s.trained and s.r_node is None for s in prepped.steps)
    with r_session(BAKE_SEED), at_r_clock(case):
        baked = prepped.bake(pk.read_rds(folder / "new.rds"))
    truth = next((c for c in all_cases() if c.name == case), None)
    tolerance = {} if truth is None else {"atol": truth.atol, "rtol": truth.rtol}
    assert_same_frame(baked, pk.read_rds(folder / "baked.rds"), **tolerance)


def _bare(name: str):
    return pk.read_rds(BARE / f"{name}.rds")


@pytest.mark.filterwarnings("ignore:There are new levels")
def test_a_bare_recipe_bakes_juices_and_preps_as_r():
    trained, untrained = _bare("trained"), _bare("untrained")
    assert isinstance(trained, Recipe) and isinstance(untrained, Recipe)
    new, train, want = _bare("new"), _bare("train"), _bare("baked")
    pd.testing.assert_frame_equal(trained.bake(new), want)
    prepped = untrained.prep(train)
    pd.testing.assert_frame_equal(prepped.bake(new), want)
    pd.testing.assert_frame_equal(prepped.bake(None), _bare("juiced"))


@pytest.mark.filterwarnings("ignore:There are new levels")
def test_prep_keeps_trained_steps_as_r_does_unless_fresh():
    trained, train = _bare("trained"), _bare("train")
    kept = trained.prep(train.iloc[:4])  # R: already trained steps are not trained again
    assert [s.r_node for s in kept.steps] == [s.r_node for s in trained.steps]
    pd.testing.assert_frame_equal(kept.bake(_bare("new")), _bare("baked"))
    fresh = trained.prep(train, fresh=True)
    assert all(s.r_node is None for s in fresh.steps)
    pd.testing.assert_frame_equal(fresh.bake(_bare("new")), _bare("baked"))


def _quosures(*exprs):
    return b.structure(b.r_list([b.quosure(e, GlobalEnv) for e in exprs], [""] * len(exprs)),
                       {"class": ["quosures", "list"]})


INFO = pd.DataFrame({"variable": ["Alpha", "alpha2", "beta", "y"],
                     "type": [["double", "numeric"]] * 4,
                     "role": ["predictor", "predictor", "predictor", "outcome"],
                     "source": ["original"] * 4})


@pytest.mark.parametrize("expr, expected", [
    (b.sym("beta"), ["beta"]),
    (b.call("c", b.sym("beta"), b.sym("Alpha")), ["beta", "Alpha"]),
    (b.call("all_predictors"), ["Alpha", "alpha2", "beta"]),
    (b.call("starts_with", b.chr("al")), ["Alpha", "alpha2"]),  # tidyselect ignores case
    (b.call("starts_with", b.chr("al"), **{"ignore.case": b.lgl(False)}), ["alpha2"]),
    (b.ns_call("tidyselect", "ends_with", b.chr("A")), ["Alpha", "beta"]),
    (b.call("has_role", b.chr("outcome")), ["y"]),
])
def test_stored_selectors_become_python_selectors(expr, expected):
    assert selectors.select(selectors.from_r(_quosures(expr)), INFO) == expected


def test_where_with_a_type_predicate_selects_by_recipes_type():
    info = pd.DataFrame({"variable": ["a", "b", "f", "s"], "role": ["predictor"] * 4,
                         "type": [["double", "numeric"], ["integer", "numeric"],
                                  ["factor", "unordered", "nominal"],
                                  ["string", "unordered", "nominal"]]})
    pick = {name: selectors.select(selectors.from_r(_quosures(b.call("where", b.sym(name)))), info)
            for name in ("is.numeric", "is.double", "is.factor", "is.character")}
    assert pick == {"is.numeric": ["a", "b"], "is.double": ["a"], "is.factor": ["f"],
                    "is.character": ["s"]}
    assert selectors.from_r(_quosures(b.call("all_integer_predictors")))[0].names(info) == ["b"]


def test_a_negated_selector_removes_columns():
    found = selectors.from_r(_quosures(b.call("all_predictors"), b.call("-", b.sym("beta"))))
    assert selectors.select(found, INFO) == ["Alpha", "alpha2"]


@pytest.mark.parametrize("expr, message", [
    (b.call("where", b.sym("is.numeric.Date")), r"where\(is.numeric.Date\) is not read"),
    (b.call("where", b.call("function", b.sym("x"))), r"where\(\) .* no Python twin"),
    (b.call("num_range", b.chr("x"), b.call("seq_len", b.dbl(3))), "computed argument"),
    (b.call("all_of", b.sym("cols")), r"all_of\(\) .* uses `cols`, a variable of the R session"),
    (b.call("any_of", b.call("c", b.chr("a"), b.sym("more"))), "uses `more`"),
    (b.call("starts_with", b.call("c", b.chr("a"), b.chr("b"))), "computed argument"),
    (b.call(":", b.call("-", b.sym("a")), b.sym("b")), "one negated end"),
    (b.call("c", b.sym("a"), new=b.sym("b")), "renaming"),
    (b.call("-", b.sym("a"), b.sym("b")), r"-\(\) .* has 2 arguments"),
    (b.ns_call("evilpkg", "all_predictors"), r"<call>\(\) .* no Python twin"),
    (b.call("starts_with", b.call("paste0", b.chr("a"))), "computed argument"),
    (b.lgl(True), "cannot read the selector"),
])
def test_selectors_without_a_python_twin_are_refused_by_name(expr, message):
    with pytest.raises(SpecError, match=message):
        selectors.from_r(_quosures(expr))
