"""Recipes saved with the step class names of recipes < 0.1.16 (``step_knnimpute``...),
which recipes 1.3.2 still bakes with the renamed steps: Python bakes R's output (R-made
ground truth from tests/r/make_old_step_names.R), and writes them back as R saved them."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.convert import to_pandas
from pykerasnip.recipes.steps.base import OLD_STEP_NAMES

DATA = Path(__file__).parent / "data" / "old_step_names"


def _bake(recipe: pk.Recipe) -> pd.DataFrame:
    return recipe.bake(to_pandas(pk.rds.load(DATA / "new_data.rds"))).reset_index(drop=True)


@pytest.mark.parametrize("old", sorted(OLD_STEP_NAMES))
def test_old_step_name_bakes_as_r(old: str, tmp_path: Path) -> None:
    recipe = pk.read_rds(DATA / f"{old}.rds")
    assert recipe.steps[0].r_class == OLD_STEP_NAMES[old]
    want = to_pandas(pk.rds.load(DATA / f"{old}_baked.rds")).reset_index(drop=True)
    pd.testing.assert_frame_equal(_bake(recipe), want, check_exact=True)
    pk.write_rds(recipe, tmp_path / "again.rds")
    again = pk.read_rds(tmp_path / "again.rds")
    assert pk.rds.load(tmp_path / "again.rds")["steps"][0].classes == [old, "step"]
    pd.testing.assert_frame_equal(_bake(again), want, check_exact=True)
