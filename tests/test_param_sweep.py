"""A sweep of recipes 1.3.2 steps with non-default arguments (tests/r/make_param_sweep.R),
on base R data sets and small frames with odd level names (spaces, accents, symbols,
blanks). R's prepped recipe bakes R's numbers to the bit, with R's column names, order,
types and factor levels; Python's own prep of the same recipe on the same data does too,
except for the steps whose prep stays in R (``PREP_EXCEPTIONS``); where R stops, Python
raises a typed error."""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pykerasnip as pk
from pykerasnip.errors import LocaleError
from recipe_cases import bake, case_names, check_python_prep, check_r_prepped

DATA = Path(__file__).parent / "data" / "param_sweep"
CASES = case_names(DATA)


#: cases the sweep's R baked only because it muffles warnings: there lubridate turns the
#: OS's refusal of a locale into an error, which suppressWarnings() skips (falling back to
#: the session's LC_TIME); unmuffled R stops (message made by tests/r/make_clock_labels.R)
#: and so does Python, with a LocaleError
R_STOPS_UNMUFFLED = {"date_locale_labels": DATA.parent / "clock_labels" / "system_locale_fr_error.txt"}


def _stops_as_unmuffled_r(case: str, bake: Callable[[], Any]) -> None:
    message = R_STOPS_UNMUFFLED[case].read_text().strip().removeprefix("(converted from warning) ")
    with pytest.raises(LocaleError, match=re.escape(message)):
        bake()


def test_the_sweep_files_are_there() -> None:
    assert len(CASES) == 168
    assert sum((DATA / c / "baked.rds").exists() for c in CASES) == 153


@pytest.mark.parametrize("case", [c for c in CASES if (DATA / c / "recipe.rds").exists()])
def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
    if case in R_STOPS_UNMUFFLED:
        return _stops_as_unmuffled_r(case, lambda: bake(DATA, pk.read_rds(DATA / case / "recipe.rds"), case))
    check_r_prepped(DATA, case)


@pytest.mark.parametrize("case", CASES)
def test_python_prep_bakes_as_r(case: str) -> None:
    if case in R_STOPS_UNMUFFLED:
        recipe = pk.read_rds(DATA / case / "unprepped.rds")
        return _stops_as_unmuffled_r(case, lambda: recipe.prep(training=pk.read_rds(DATA / case / "train.rds")))
    check_python_prep(DATA, case)
