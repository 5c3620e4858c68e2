"""step_pls prepared in Python against recipes 1.3.2 with mixOmics 6.23.3 (tests/data/pls_prep,
made by tests/r/make_pls_truth.R): regression on one to three outcomes, classification on
two and three classes, one to five components, sparse fits, changed options (scale, mode,
tol, max.iter, keepY, the near-zero-variance filter, the centred log ratio), constant and
collinear columns, missing outcome values. Python's prep stores R's fit to the bit (the
``res`` R reads back is R's, byte for byte) and bakes as R; R's bake() of the written
Python prep gives R's own output; where R stops, Python raises a typed error; the settings
trained only in R (``PARTIAL_PREP_EXCEPTIONS["step_pls"]``) are refused."""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip import rds
from pykerasnip.errors import UnsupportedStepError
from pykerasnip.recipes.steps.base import PARTIAL_PREP_EXCEPTIONS
from recipe_cases import case_names, check_python_prep, check_r_prepped, matrix_cells
from steps_truth import r_bake_folders, requires_rstack

DATA = Path(__file__).parent / "data" / "pls_prep"
CASES = case_names(DATA)
#: cases whose fit trains only in R, and the part of the reason that says why
IN_R = {"da_six_classes_svds": "svds", "opt_multilevel": "multilevel"}
PREPARED = [c for c in CASES if (DATA / c / "baked.rds").exists() and c not in IN_R]


def _prep(case: str) -> pk.Recipe:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return pk.read_rds(DATA / case / "unprepped.rds").prep(
            training=pk.read_rds(DATA / case / "train.rds"))


def test_the_cases_are_there() -> None:
    assert len(CASES) == 68
    assert sum((DATA / c / "baked.rds").exists() for c in CASES) == 52
    assert len(PREPARED) == 50


@pytest.mark.parametrize("case", [c for c in CASES if (DATA / c / "recipe.rds").exists()])
def test_r_prepped_recipe_bakes_as_r(case: str) -> None:
    check_r_prepped(DATA, case)


@pytest.mark.parametrize("case", [c for c in CASES if c not in IN_R])
def test_python_prep_bakes_as_r(case: str) -> None:
    check_python_prep(DATA, case)


@pytest.mark.parametrize("case", PREPARED)
def test_python_prep_stores_rs_fit(case: str) -> None:
    """The trained fields are R's, and the step Python writes holds R's ``res`` tree."""
    mine, r_step = _prep(case).steps[-1], pk.read_rds(DATA / case / "recipe.rds").steps[-1]
    for name in ("num_comp", "predictor_prop", "outcome", "columns", "prefix",
                 "keep_original_cols"):
        assert getattr(mine, name) == getattr(r_step, name), name
    assert (mine.sd is None) == (r_step.sd is None)
    if r_step.coefs.empty:
        assert mine.coefs.empty and r_step.r_node["res"] is None
        return
    for name in ("mu", "col_norms", "coefs"):
        assert getattr(mine, name).equals(getattr(r_step, name)), name
    assert rds.dumps(mine.to_r()["res"]) == rds.dumps(r_step.r_node["res"])


@pytest.mark.parametrize("case", sorted(IN_R))
def test_settings_trained_only_in_r_are_refused(case: str) -> None:
    assert IN_R[case] in PARTIAL_PREP_EXCEPTIONS["step_pls"]
    with pytest.raises(UnsupportedStepError, match="prep the recipe in R"):
        _prep(case)


@pytest.fixture(scope="module")
def r_bakes(tmp_path_factory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("pls_written")
    for case in PREPARED:
        (root / case).mkdir()
        pk.write_rds(_prep(case), root / case / "written.rds")
        shutil.copy(DATA / case / "new_data.rds", root / case / "new_data.rds")
    return r_bake_folders(root, PREPARED, "new_data.rds", 1, "rstack")


@requires_rstack
@pytest.mark.parametrize("case", PREPARED)
def test_r_bakes_the_python_prep_as_its_own(r_bakes: dict[str, Any], case: str) -> None:
    got = r_bakes[case]
    assert not isinstance(got, str), f"R's bake() of the written recipe failed: {got}"
    want = pk.read_rds(DATA / case / "baked.rds")
    pd.testing.assert_frame_equal(matrix_cells(got), matrix_cells(want), check_exact=True)
