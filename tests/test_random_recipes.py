"""A randomized differential trial of recipes 1.3.2 step chains (tests/r/make_random_recipes.R):
random data sets (row and column subsets of base R and modeldata sets, with missing values,
odd level names, character, logical, Date and POSIXct columns) under random chains of one
to five steps with random arguments and selectors. R's prepped recipe bakes R's numbers to
the bit, with R's names, order, types and levels; Python's own prep of the unprepped recipe
does too (R and Python prep right after set.seed(1); the generator draws no step whose prep
stays in R); where R stops, Python raises a typed error. Each case's ``recipe.txt`` shows
its chain as R code (never run here)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pykerasnip.recipes.steps.base import PREP_EXCEPTIONS
from recipe_cases import bake_tests, case_names

#: the committed cases; RANDOM_RECIPES points the same tests at a hunt's folder instead
DATA = Path(os.environ.get("RANDOM_RECIPES", Path(__file__).parent / "data" / "random_recipes"))
CASES = case_names(DATA)
COMMITTED = 192


def test_the_cases_are_there() -> None:
    if "RANDOM_RECIPES" not in os.environ:
        assert len(CASES) == COMMITTED
    assert CASES
    for case in CASES:
        files = {p.name for p in (DATA / case).iterdir()}
        assert {"unprepped.rds", "train.rds", "new_data.rds", "recipe.txt"} <= files, case
        assert "baked.rds" in files or "error.txt" in files, case


@pytest.mark.parametrize("case", CASES)
def test_no_step_whose_prep_stays_in_r(case: str) -> None:
    text = (DATA / case / "recipe.txt").read_text()
    assert not [s for s in PREP_EXCEPTIONS if f"{s}(" in text]


test_r_prepped_recipe_bakes_as_r, test_python_prep_bakes_as_r = bake_tests(DATA, prep_seed=1)
