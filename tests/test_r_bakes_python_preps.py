"""recipes 1.3.2 itself bakes what Python prepares: every case of the recipe trial and of
the parameter sweep (R-made, tests/r/make_recipe_trial.R and make_param_sweep.R) is
prepared in Python, written with ``write_rds``, read by R's ``readRDS()`` and baked by
R's ``bake()``, which must give R's own bake of its own prep, to the bit."""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.errors import PykerasnipError
from pykerasnip.recipes.steps.base import PREP_EXCEPTIONS
from r_oracle import requires_r
from recipe_cases import matrix_cells
from steps_truth import r_bake_folders

DATA = Path(__file__).parent / "data"
SETS = ("recipe_trial", "param_sweep")

def _cases() -> list[tuple[str, str]]:
    return [(s, p.name) for s in SETS for p in sorted((DATA / s).iterdir())
            if (p / "baked.rds").exists() and (p / "unprepped.rds").exists()]


def _python_prep(folder: Path) -> Any:
    """Python's prep of the case, or None where only R prepares it (a prep exception) or
    Python stops with a typed error (test_recipe_trial and test_param_sweep check those
    against R)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            recipe = pk.read_rds(folder / "unprepped.rds")
            if {s.r_class for s in recipe.steps} & set(PREP_EXCEPTIONS):
                return None
            return recipe.prep(training=pk.read_rds(folder / "train.rds"))
        except PykerasnipError:
            return None


@pytest.fixture(scope="module")
def r_bakes(tmp_path_factory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("written")
    names = []
    for kind, case in _cases():
        prepped = _python_prep(DATA / kind / case)
        if prepped is None:
            continue
        folder = root / f"{kind}__{case}"
        folder.mkdir()
        pk.write_rds(prepped, folder / "written.rds")
        shutil.copy(DATA / kind / case / "new_data.rds", folder / "new_data.rds")
        names.append(folder.name)
    return r_bake_folders(root, names, "new_data.rds", 1, "rstack", ("recipes", "kerasnip"))


def test_the_cases_are_there() -> None:
    assert len(_cases()) >= 28 + 153


@requires_r("recipes==1.3.2", "kerasnip", stack="rstack")
@pytest.mark.parametrize("kind,case", _cases())
def test_r_bakes_the_python_prep_as_its_own(r_bakes: dict[str, Any], kind: str, case: str) -> None:
    name = f"{kind}__{case}"
    if name not in r_bakes:
        pytest.skip("not prepared in Python: a prep exception, or a typed error (checked against R elsewhere)")
    got = r_bakes[name]
    assert not isinstance(got, str), f"R's bake() of the written recipe failed: {got}"
    want = pk.read_rds(DATA / kind / case / "baked.rds")
    pd.testing.assert_frame_equal(matrix_cells(got), matrix_cells(want), check_exact=True)
