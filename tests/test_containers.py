"""tidymodels objects inside the containers R users make (R-made, tests/r/make_containers.R):
a ``save()`` workspace and a plain list given to ``saveRDS()``. Each element reads as it
would alone, so the recipe inside bakes to R's ``bake()``."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from pykerasnip.recipes import Recipe

DATA = Path(__file__).parent / "data" / "containers"


@pytest.mark.parametrize("file,names", [("workspace.RData", ["rec", "new_data"]),
                                        ("list.rds", ["recipe", "new_data", "note"])])
def test_the_recipe_inside_bakes_as_r(file: str, names: list[str]) -> None:
    held = pk.read_rds(DATA / file)
    assert held.keys() == names
    recipe, new_data = held[names[0]], held["new_data"]
    assert isinstance(recipe, Recipe) and isinstance(new_data, pd.DataFrame)
    want = pk.read_rds(DATA / "baked.rds")
    pd.testing.assert_frame_equal(recipe.bake(new_data).reset_index(drop=True), want,
                                  check_exact=True)


def test_other_elements_keep_their_natural_form() -> None:
    assert pk.read_rds(DATA / "list.rds")["note"].tolist() == ["made in R"]
