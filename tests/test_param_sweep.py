"""A sweep of recipes 1.3.2 steps with non-default arguments (tests/r/make_param_sweep.R),
on base R data sets and small frames with odd level names (spaces, accents, symbols,
blanks). R's prepped recipe bakes R's numbers to the bit, with R's column names, order,
types and factor levels; Python's own prep of the same recipe on the same data does too,
except for the steps whose prep stays in R (``PREP_EXCEPTIONS``); where R stops, Python
raises a typed error."""
from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import LocaleError, PykerasnipError, UnsupportedStepError
from pykerasnip.recipes.steps.base import PREP_EXCEPTIONS
from pykerasnip.rrng import r_session

DATA = Path(__file__).parent / "data" / "param_sweep"
CASES = sorted(p.name for p in DATA.iterdir() if p.is_dir()) if DATA.is_dir() else []


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


def _bake(recipe: pk.Recipe, case: str) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with r_session(1):  # R baked right after set.seed(1)
            return recipe.bake(pk.read_rds(DATA / case / "new_data.rds"))


def _matrix_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """List columns of R matrices (kerasnip's step_collapse/step_sequence) as the nested
    lists of their rows, so R's cells and Python's arrays compare value by value."""
    def rows(cell: Any) -> Any:
        dim = cell.attr("dim") if hasattr(cell, "attr") else None
        if dim is not None:
            cell = np.asarray(cell.data, dtype="f8").reshape([int(d) for d in dim.data], order="F")
        return np.asarray(cell).tolist() if isinstance(cell, np.ndarray) else cell
    lists = [c for c in frame.columns if frame[c].dtype == object and len(frame)
             and not isinstance(frame[c].iloc[0], str)]
    return frame.assign(**{c: frame[c].map(rows) for c in lists})


def _agrees_with_r(baked: "pd.DataFrame | None", case: str) -> None:
    want = pk.read_rds(DATA / case / "baked.rds")
    pd.testing.assert_frame_equal(_matrix_cells(baked), _matrix_cells(want), check_exact=True)


@pytest.mark.parametrize("case", [c for c in CASES if (DATA / c / "recipe.rds").exists()])
def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
    if case in R_STOPS_UNMUFFLED:
        return _stops_as_unmuffled_r(case, lambda: _bake(pk.read_rds(DATA / case / "recipe.rds"), case))
    if not (DATA / case / "baked.rds").exists():  # R's bake() stopped: reading or baking does
        assert (DATA / case / "error.txt").read_text()
        with pytest.raises(PykerasnipError):
            _bake(pk.read_rds(DATA / case / "recipe.rds"), case)
        return
    recipe = pk.read_rds(DATA / case / "recipe.rds")
    assert isinstance(recipe, pk.Recipe)
    _agrees_with_r(_bake(recipe, case), case)


@pytest.mark.parametrize("case", CASES)
def test_python_prep_bakes_as_r(case: str) -> None:
    recipe = pk.read_rds(DATA / case / "unprepped.rds")
    train = pk.read_rds(DATA / case / "train.rds")
    if case in R_STOPS_UNMUFFLED:
        return _stops_as_unmuffled_r(case, lambda: recipe.prep(training=train))
    in_r = sorted({s.r_class for s in recipe.steps} & set(PREP_EXCEPTIONS))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if in_r:
            with pytest.raises(UnsupportedStepError, match=in_r[0]):
                recipe.prep(training=train)
            return
        if not (DATA / case / "baked.rds").exists():
            assert (DATA / case / "error.txt").read_text()
            with pytest.raises(PykerasnipError):
                _bake(recipe.prep(training=train), case)
            return
        prepped = recipe.prep(training=train)
    _agrees_with_r(_bake(prepped, case), case)
