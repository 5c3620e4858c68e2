"""Folders of R-made recipe cases, as tests/r/make_recipe_trial.R and make_param_sweep.R
write them: ``unprepped.rds``, ``train.rds``, ``new_data.rds``, and R's ``recipe.rds``
(its prep) with ``baked.rds`` (its bake, right after ``set.seed(1)``), or ``error.txt``
where R stops. How a test reads, prepares and bakes a case and compares with R."""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import PykerasnipError, UnsupportedStepError
from pykerasnip.rds.nodes import is_na_real
from pykerasnip.recipes.steps.base import PREP_EXCEPTIONS
from pykerasnip.rrng import r_session


def case_names(folder: Path) -> list[str]:
    """The case folders, sorted (none when the data is missing: a count test fails)."""
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def bake(folder: Path, recipe: pk.Recipe, case: str) -> pd.DataFrame:
    """``recipe`` baked on the case's new data, with R's random stream after ``set.seed(1)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with r_session(1):
            return recipe.bake(pk.read_rds(folder / case / "new_data.rds"))


def matrix_cells(frame: pd.DataFrame) -> pd.DataFrame:
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


def _bits(values: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(values, dtype="f8").view("u8")


def assert_same_doubles(got: pd.DataFrame, want: pd.DataFrame, new_data: pd.DataFrame) -> None:
    """What ``assert_frame_equal`` lets pass in double columns: the sign of zero, and,
    in the columns R passed through from the new data untouched, R's NA apart from NaN
    (computed missing values are NaN in Python, whichever of the two R made)."""
    for name in want.columns:
        if want[name].dtype != np.float64:
            continue
        g, w = got[name].to_numpy(), want[name].to_numpy()
        assert np.array_equal(np.signbit(g) & (g == 0), np.signbit(w) & (w == 0)), f"{name}: -0"
        passed = name in new_data.columns and new_data[name].dtype == np.float64
        if passed and np.array_equal(_bits(new_data[name].to_numpy()), _bits(w)):
            assert np.array_equal(is_na_real(g), is_na_real(w)), f"{name}: NA and NaN"


def assert_as_r(folder: Path, baked: pd.DataFrame, case: str) -> None:
    """``baked`` is R's bake of the case: values to the bit (the sign of zero too, see
    :func:`assert_same_doubles`), names, order, types, levels."""
    want = pk.read_rds(folder / case / "baked.rds")
    pd.testing.assert_frame_equal(matrix_cells(baked), matrix_cells(want), check_exact=True)
    assert_same_doubles(baked, want, pk.read_rds(folder / case / "new_data.rds"))


def check_r_prepped(folder: Path, case: str) -> None:
    """R's prepped recipe bakes in Python as in R, or stops where R's bake stopped."""
    path = folder / case / "recipe.rds"
    if not (folder / case / "baked.rds").exists():  # R's bake() stopped: reading or baking does
        assert (folder / case / "error.txt").read_text()
        with pytest.raises(PykerasnipError):
            bake(folder, pk.read_rds(path), case)
        return
    recipe = pk.read_rds(path)
    assert isinstance(recipe, pk.Recipe)
    assert_as_r(folder, bake(folder, recipe, case), case)


def check_python_prep(folder: Path, case: str, prep_seed: int | None = None) -> None:
    """Python's prep of the unprepped recipe bakes as R's; a step whose prep stays in R
    is refused naming it; where R stops, Python raises a typed error. ``prep_seed``: R
    prepped right after ``set.seed(prep_seed)`` (recipe_case()'s argument)."""
    recipe = pk.read_rds(folder / case / "unprepped.rds")
    train = pk.read_rds(folder / case / "train.rds")
    in_r = sorted({s.r_class for s in recipe.steps} & set(PREP_EXCEPTIONS))

    def prep() -> pk.Recipe:
        with r_session(prep_seed):
            return recipe.prep(training=train)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if in_r:
            with pytest.raises(UnsupportedStepError, match=in_r[0]):
                prep()
            return
        if not (folder / case / "baked.rds").exists():
            assert (folder / case / "error.txt").read_text()
            with pytest.raises(PykerasnipError):
                bake(folder, prep(), case)
            return
        prepped = prep()
    assert_as_r(folder, bake(folder, prepped, case), case)


def bake_tests(folder: Path, prep_seed: int | None = None) -> tuple[Any, Any]:
    """The two tests every folder of cases gets, for a test module to bind by name:
    R's prepped recipe bakes as R (:func:`check_r_prepped`), and Python's own prep does
    too (:func:`check_python_prep`)."""
    cases = case_names(folder)

    @pytest.mark.parametrize("case", [c for c in cases if (folder / c / "recipe.rds").exists()])
    def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
        check_r_prepped(folder, case)

    @pytest.mark.parametrize("case", cases)
    def test_python_prep_bakes_as_r(case: str) -> None:
        check_python_prep(folder, case, prep_seed=prep_seed)

    return test_r_prepped_recipe_bakes_as_r, test_python_prep_bakes_as_r


def check_r_prediction(folder: Path, fitted: Any, kind: str) -> None:
    """``fitted``'s prediction of ``folder/new_data.rds`` equals R's ``folder/<kind>.rds``
    exactly (Monte Carlo types with R's seed 11), with no NumPy runtime warning."""
    new_data = pk.read_rds(folder / "new_data.rds")
    want = pk.read_rds(folder / f"{kind}.rds")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = fitted.predict(new_data, type=kind, seed=11)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]
    pd.testing.assert_frame_equal(got, want, check_exact=True)
