"""Recipes a new user's R session made (tests/r/make_recipe_trial.R): recipes 1.3.2 steps
on base R data sets and with step options the step ground truth does not use. R's
prepped recipe bakes R's numbers to the bit; Python's own prep of the same recipe on the
same data does too, except for the steps whose prep stays in R (``PREP_EXCEPTIONS``);
where R stops, Python raises a typed error. ``selections.rds``: how recipes resolves
tidyselect selections (names, positions, ranges, ``!``, ``&``, ``|``, ``all_of()``,
``num_range()``...), read from their text and never run."""
from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import PykerasnipError, SpecError, UnsupportedStepError
from pykerasnip.formula.parse import parse
from pykerasnip.rds import build as b
from pykerasnip.rds.nodes import GlobalEnv
from pykerasnip.recipes import selectors
from pykerasnip.recipes.steps.base import PREP_EXCEPTIONS
from pykerasnip.rrng import r_session

DATA = Path(__file__).parent / "data" / "recipe_trial"
CASES = sorted(p.name for p in DATA.iterdir() if p.is_dir()) if DATA.is_dir() else []


def test_the_trial_files_are_there() -> None:
    assert len(CASES) == 31
    assert sum((DATA / c / "baked.rds").exists() for c in CASES) == 28


def _bake(recipe: pk.Recipe, case: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with r_session(1):  # R baked right after set.seed(1)
            return recipe.bake(pk.read_rds(DATA / case / "new_data.rds"))


def _agrees_with_r(baked: "pd.DataFrame | None", case: str) -> None:
    want = DATA / case / "baked.rds"
    pd.testing.assert_frame_equal(baked, pk.read_rds(want), check_exact=True)


@pytest.mark.parametrize("case", [c for c in CASES if (DATA / c / "recipe.rds").exists()])
def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
    recipe = pk.read_rds(DATA / case / "recipe.rds")
    assert isinstance(recipe, pk.Recipe)
    if (DATA / case / "baked.rds").exists():
        _agrees_with_r(_bake(recipe, case), case)
    else:
        assert (DATA / case / "error.txt").read_text()
        with pytest.raises(PykerasnipError):
            _bake(recipe, case)


@pytest.mark.parametrize("case", CASES)
def test_python_prep_bakes_as_r(case: str) -> None:
    recipe = pk.read_rds(DATA / case / "unprepped.rds")
    in_r = sorted({s.r_class for s in recipe.steps} & set(PREP_EXCEPTIONS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if in_r:
            with pytest.raises(UnsupportedStepError, match=in_r[0]):
                recipe.prep(training=pk.read_rds(DATA / case / "train.rds"))
            return
        if not (DATA / case / "baked.rds").exists():
            with pytest.raises(PykerasnipError):
                _bake(recipe.prep(training=pk.read_rds(DATA / case / "train.rds")), case)
            return
        prepped = recipe.prep(training=pk.read_rds(DATA / case / "train.rds"))
    _agrees_with_r(_bake(prepped, case), case)


def test_names_r_keeps_as_altrep_read_as_names() -> None:
    tree = pk.read_rds(DATA / "altrep_names.rds")
    assert list(tree["named"].names) == ["5", "6"]
    assert list(tree["frame"].index) == ["11", "12", "13"]
    assert list(tree["years"].index) == [1947, 1948, 1949]


SELECTIONS = pk.read_rds(DATA / "selections.rds")


@pytest.mark.filterwarnings("ignore:In .*numerical expression has")  # R's `:` warns too
@pytest.mark.parametrize("data, text, selected",
                         list(SELECTIONS["selections"].itertuples(index=False)))
def test_stored_selections_select_as_r(data: str, text: str, selected: "str | None") -> None:
    exprs = [arg for _, arg in parse(f"c({text})").args]  # the step's arguments, as R stores them
    quosures = b.structure(b.r_list([b.quosure(e, GlobalEnv) for e in exprs], [""] * len(exprs)),
                           {"class": ["quosures", "list"]})
    info = SELECTIONS["roles"][data]
    if not isinstance(selected, str):  # R stops
        with pytest.raises(SpecError):
            selectors.select(selectors.from_r(quosures), info)
        return
    assert selectors.select(selectors.from_r(quosures), info) == selected.split()
