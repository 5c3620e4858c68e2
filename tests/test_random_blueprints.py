"""A randomized differential trial of hardhat blueprints (tests/r/make_random_blueprints.R):
random data sets, formulas, xy columns and small recipes, molded by R's hardhat and
forged on randomly perturbed new data. Python's forge from R's blueprint gives R's
predictors (names, order, types, levels, values to the bit, rows), raises a typed error
where R's forge stops and warns where R warns (novel levels in hardhat's words);
Python's own mold of a formula or of xy columns gives R's predictors and outcomes, or
stops where R's mold stops, and its blueprint forges as R's does.

The committed cases are those listed in tests/r/random_blueprints_cases.txt;
``PYKERASNIP_RANDOM_BLUEPRINTS`` points the test at another folder of cases (a hunt)."""
from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import PykerasnipError
from pykerasnip.hardhat.blueprint import Blueprint, Mold, mold_formula, mold_xy
from pykerasnip.hardhat.cast import NovelLevelsWarning
from recipe_cases import assert_same_doubles, case_names

DATA = Path(os.environ.get("PYKERASNIP_RANDOM_BLUEPRINTS", Path(__file__).parent / "data" / "random_blueprints"))
CASES = case_names(DATA)
MOLDED = [c for c in CASES if (DATA / c / "blueprint.rds").exists()]
PYTHON_MOLDS = [c for c in CASES if json.loads((DATA / c / "spec.json").read_text())["kind"] in ("formula", "xy")]


#: R's forge errors where Python's forge goes on by design (pykerasnip/hardhat/cast.py:
#: frames read from CSV cast as a Python user expects): ISO date strings are dates
PYTHON_GOES_ON = re.compile(r"<character> to match type of `[^`]+` <date>")


def spec(case: str) -> dict:
    return json.loads((DATA / case / "spec.json").read_text())


def read(case: str, file: str) -> pd.DataFrame:
    return pk.read_rds(DATA / case / file)


def assert_as_r(got: pd.DataFrame, want: pd.DataFrame, source: pd.DataFrame) -> None:
    """``got`` is R's frame: names, order, types, levels, rows and values to the bit (an
    empty column index may be typed either way)."""
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_exact=True,
                                  check_column_type=len(want.columns) > 0)
    assert_same_doubles(got.reset_index(drop=True), want, source)


def listed_cases() -> set[str]:
    """The committed cases: ``seed i`` lines of tests/r/random_blueprints_cases.txt."""
    lines = (Path(__file__).parent / "r" / "random_blueprints_cases.txt").read_text().splitlines()
    return {f"s{seed}_{int(i):03d}" for seed, i in (line.split() for line in lines if not line.startswith("#"))}


def test_the_trial_files_are_there() -> None:
    """Every listed case has its folder, with R's mold and forge results (or errors)."""
    if "PYKERASNIP_RANDOM_BLUEPRINTS" not in os.environ:
        assert set(CASES) == listed_cases() and len(CASES) == 498
    for case in CASES:
        files = {p.name for p in (DATA / case).iterdir()}
        assert {"spec.json", "train.rds", "new_data.rds"} <= files, case
        assert "mold_error.txt" in files or ({"blueprint.rds", "predictors.rds", "warnings.txt"} <= files
                                             and files & {"forged.rds", "forge_error.txt"}), case


@pytest.mark.parametrize("case", MOLDED)
def test_forge_from_r_blueprint_is_r_forge(case: str) -> None:
    check_forge(case, read(case, "blueprint.rds"))


@pytest.mark.parametrize("case", sorted(set(MOLDED) & set(PYTHON_MOLDS)))
def test_forge_from_python_mold_is_r_forge(case: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blueprint = python_mold(case).blueprint
    check_forge(case, blueprint)


def check_forge(case: str, blueprint: Blueprint) -> None:
    """``blueprint`` forges the case's new data as R's forge did: R's predictors and
    warnings, or a typed error where R stopped."""
    new_data = read(case, "new_data.rds")
    r_warnings = (DATA / case / "warnings.txt").read_text().strip()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        error = DATA / case / "forge_error.txt"
        if error.exists() and PYTHON_GOES_ON.search(error.read_text()):
            try:  # another perturbation of the same new data may stop Python (not R)
                assert blueprint.forge(new_data).shape[0] == len(new_data)
            except PykerasnipError as err:
                assert "<date>" not in str(err)
            return
        if error.exists():
            with pytest.raises(PykerasnipError):
                blueprint.forge(new_data)
            return
        got = blueprint.forge(new_data)
    assert_as_r(got, read(case, "forged.rds"), new_data)
    assert not [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]  # NumPy's
    assert bool([w for w in caught if issubclass(w.category, UserWarning)]) == bool(r_warnings), r_warnings
    novel = [str(w.message) for w in caught if issubclass(w.category, NovelLevelsWarning)]
    assert all(message in r_warnings for message in novel), (novel, r_warnings)  # hardhat's words


def python_mold(case: str) -> Mold:
    drawn, train = spec(case), read(case, "train.rds")
    options = {"intercept": drawn["intercept"], "allow_novel_levels": drawn["allow_novel_levels"]}
    if drawn["kind"] == "formula":
        return mold_formula(drawn["formula"], train, indicators=drawn["indicators"], **options)
    return mold_xy(names(drawn["predictors"]), names(drawn["outcomes"]), train, **options)


def names(drawn: str | list[str]) -> list[str]:
    """Column names from spec.json (one name is a string there)."""
    return [drawn] if isinstance(drawn, str) else drawn


@pytest.mark.parametrize("case", PYTHON_MOLDS)
def test_python_mold_is_r_mold(case: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if (DATA / case / "mold_error.txt").exists():
            with pytest.raises(PykerasnipError):
                python_mold(case)
            return
        got = python_mold(case)
    assert_as_r(got.predictors, read(case, "predictors.rds"), read(case, "train.rds"))
    if spec(case)["kind"] == "formula":  # an xy mold's single outcome is R's .outcome vector
        assert_as_r(got.outcomes, read(case, "outcomes.rds"), read(case, "train.rds"))
