"""step_ns / step_bs on POSIXct columns against recipes 1.3.2 (tests/r/make_spline_datetimes.R):
R's prepped recipe bakes to R's bits, Python's prep keeps R's date-time knots in the
column's zone and bakes the same, and a Date column is refused at prep as R refuses it."""
from __future__ import annotations

from pathlib import Path

import pytest

import pykerasnip as pk
from recipe_cases import bake_tests, case_names

DATA = Path(__file__).parent / "data" / "spline_datetimes"
CASES = case_names(DATA)


def test_the_cases_are_there() -> None:
    assert len(CASES) == 9


test_r_prepped_recipe_bakes_as_r, test_python_prep_bakes_as_r = bake_tests(DATA)


@pytest.mark.parametrize("case", [c for c in CASES if (DATA / c / "recipe.rds").exists()])
def test_python_prep_writes_r_knots(case: str) -> None:
    """The knots Python writes are R's: date-times in the column's zone, to the bit."""
    from pykerasnip import rds
    from pykerasnip.rtree import to_tree

    r_step = rds.load(DATA / case / "recipe.rds")["steps"][0]
    recipe = pk.read_rds(DATA / case / "unprepped.rds").prep(pk.read_rds(DATA / case / "train.rds"))
    ours = to_tree(recipe)["steps"][0]
    for column, obj in r_step["objects"].items():
        for name in ("knots", "Boundary.knots"):
            want, got = obj.attr(name), ours["objects"][column].attr(name)
            assert got.classes == want.classes, (column, name)
            assert zone(got) == zone(want) and list(got.data) == list(want.data), (column, name)


def zone(node):
    tzone = node.attr("tzone")
    return None if tzone is None else list(tzone.data)
