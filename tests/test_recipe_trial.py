"""Recipes a new user's R session made (tests/r/make_recipe_trial.R): recipes 1.3.2 steps
on base R data sets and with step options the step ground truth does not use. R's
prepped recipe bakes R's numbers to the bit; Python's own prep of the same recipe on the
same data does too, except for the steps whose prep stays in R (``PREP_EXCEPTIONS``);
where R stops, Python raises a typed error. ``selections.rds``: how recipes resolves
tidyselect selections (names, positions, ranges, ``!``, ``&``, ``|``, ``all_of()``,
``num_range()``...), read from their text and never run."""
from __future__ import annotations

from pathlib import Path

import pytest

import pykerasnip as pk
from pykerasnip.errors import SpecError
from pykerasnip.formula.parse import parse
from pykerasnip.rds import build as b
from pykerasnip.rds.nodes import GlobalEnv
from pykerasnip.recipes import selectors
from recipe_cases import bake_tests, case_names

DATA = Path(__file__).parent / "data" / "recipe_trial"
CASES = case_names(DATA)


def test_the_trial_files_are_there() -> None:
    assert len(CASES) == 31
    assert sum((DATA / c / "baked.rds").exists() for c in CASES) == 28


test_r_prepped_recipe_bakes_as_r, test_python_prep_bakes_as_r = bake_tests(DATA)


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
