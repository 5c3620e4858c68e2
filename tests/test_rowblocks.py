"""Baking in blocks of rows (:mod:`pykerasnip.rowblocks`) gives what one piece gives: for
every R step case of tests/data/steps and every fixture workflow with a recipe, the new
data baked (forged) in blocks of a few rows equals the one-piece result -- column names
and order, types (categorical levels, ordered), index, every double's bits -- and the
warnings are the same, given once. Recipes whose rows depend on each other (lags,
windows, row filters, kernlab's kpca centring, seeded random draws) stay in one piece.
"""
from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pykerasnip as pk
from conftest import ROOT, case_dir, fixture_cases
from pykerasnip import rowblocks
from pykerasnip.bundles import unbundle
from pykerasnip.recipes.independence import block_problems
from pykerasnip.recipes.recipe import Recipe
from pykerasnip.rrng import r_session
from steps_truth import BAKE_SEED, TRUTH, at_r_clock, r_recipe, truth_frame

BLOCK_ROWS = 7
STEP_CASES = sorted(p.name for p in TRUTH.iterdir() if (p / "recipe.rds").exists())
FIXTURE_FILES = [(c["case"], f["file"]) for c in fixture_cases() for f in c["files"]
                 if f.get("object", {}).get("preprocessor") == "recipe"]
MANY_STEPS = [ROOT / "tests" / "data" / "many_steps", ROOT / "tests" / "data" / "many_steps" / "without_kpca"]


def _recorded(run) -> tuple[pd.DataFrame, list[tuple[type, str]]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = run()
    return out, [(w.category, str(w.message)) for w in caught]


def _pieces(monkeypatch: pytest.MonkeyPatch, cls: type, method: str) -> list[int]:
    """Records the row count of every frame ``cls.method`` processes."""
    sizes: list[int] = []
    original = getattr(cls, method)

    def spy(self, frame, *args):
        sizes.append(len(frame))
        return original(self, frame, *args)
    monkeypatch.setattr(cls, method, spy)
    return sizes


def assert_identical(blocks: pd.DataFrame, whole: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(blocks, whole, check_exact=True)
    for name in whole.columns:
        if pd.api.types.is_float_dtype(whole[name].dtype):
            assert blocks[name].to_numpy().tobytes() == whole[name].to_numpy().tobytes(), name


def _same_either_way(run, monkeypatch, cls, method, splittable: bool, n: int) -> None:
    whole, whole_warnings = _recorded(run)
    sizes = _pieces(monkeypatch, cls, method)
    with rowblocks.blocking(rows=BLOCK_ROWS):
        blocks, block_warnings = _recorded(run)
    assert_identical(blocks, whole)
    assert block_warnings == whole_warnings
    if splittable and n > BLOCK_ROWS:  # really baked in blocks, none done again whole
        assert max(sizes) <= BLOCK_ROWS and sum(sizes) == n, sizes
    else:
        assert sizes == [n], sizes


@pytest.mark.parametrize("name", STEP_CASES)
def test_step_case_bakes_the_same_in_blocks(name, monkeypatch):
    recipe, new = r_recipe(name), truth_frame(name, "new.rds")

    def bake() -> pd.DataFrame:
        with r_session(BAKE_SEED), at_r_clock(name):
            return recipe.bake(new)
    with r_session(BAKE_SEED):
        splittable = not block_problems(recipe)
    _same_either_way(bake, monkeypatch, Recipe, "_bake_rows", splittable, len(new))


def _forge_case(workflow: object, new: pd.DataFrame, monkeypatch) -> None:
    from pykerasnip.hardhat.blueprint import RecipeBlueprint

    blueprint = workflow.blueprint
    splittable = not (blueprint.allow_novel_levels or block_problems(blueprint.recipe))
    _same_either_way(lambda: workflow.forge(new), monkeypatch, RecipeBlueprint, "_forge_rows",
                     splittable, len(new))


@pytest.mark.parametrize("case, file", FIXTURE_FILES)
def test_fixture_workflow_forges_the_same_in_blocks(case, file, monkeypatch):
    folder = case_dir(next(c for c in fixture_cases() if c["case"] == case))
    workflow = unbundle(pk.read_rds(folder / file))
    _forge_case(workflow, pk.read_rds(folder / "new_data.rds"), monkeypatch)


@pytest.mark.parametrize("folder", MANY_STEPS, ids=lambda p: p.name)
def test_many_steps_forge_the_same_in_blocks(folder: Path, monkeypatch):
    for name in ("workflow.rds", "new_data.rds"):
        assert (folder / name).exists(), f"missing R ground truth {folder / name}"
    _forge_case(pk.read_rds(folder / "workflow.rds"), pk.read_rds(folder / "new_data.rds"),
                monkeypatch)


def test_there_are_cases():
    assert len(STEP_CASES) > 150 and len(FIXTURE_FILES) >= 10


# -- the warnings of blocks -----------------------------------------------------------
def _warn_each(rows) -> None:
    warnings.warn(f"rows {[int(i) for i in rows]}", UserWarning, stacklevel=2)


def _sites(frame: pd.DataFrame) -> pd.DataFrame:
    """Passes two warning sites, ``a`` then ``b``, each about the rows where its column
    is negative."""
    for site in ("a", "b"):
        negative = frame[site] < 0
        rowblocks.warn_rows(site, (rowblocks.row_offset() + np.flatnonzero(negative)) if negative.any() else None,
                            _warn_each)
    return frame.assign(c=frame["a"] * 2.0)


def test_blocks_warn_once_per_site_in_one_piece_order():
    # block 1 warns about b only, block 2 about a only: one piece says a, then b
    frame = pd.DataFrame({"a": [1.0, 1.0, -1.0, -1.0], "b": [-1.0, 1.0, 1.0, -1.0]})
    whole, expected = _recorded(lambda: _sites(frame))
    with rowblocks.blocking(rows=2):
        blocks, got = _recorded(lambda: rowblocks.in_blocks(frame, _sites))
    assert_identical(blocks, whole)
    assert got == expected == [(UserWarning, "rows [2, 3]"), (UserWarning, "rows [0, 3]")]


def test_blocks_that_disagree_on_types_are_done_again_whole():
    frame = pd.DataFrame({"x": ["a", "b", "c", "d"]})
    calls: list[int] = []

    def typed(part: pd.DataFrame) -> pd.DataFrame:  # the levels are the rows' own
        calls.append(len(part))
        return part.assign(x=pd.Categorical(part["x"]))
    with rowblocks.blocking(rows=2):
        out = rowblocks.in_blocks(frame, typed)
    assert calls == [2, 2, 4]
    assert list(out["x"].cat.categories) == ["a", "b", "c", "d"]


def test_small_frames_stay_whole():
    assert not rowblocks.splits(250_000) and rowblocks.splits(250_001)
    with rowblocks.blocking(rows=10):
        assert rowblocks.splits(11) and not rowblocks.splits(10)


def test_a_forked_child_bakes_in_blocks_with_its_own_threads():
    import multiprocessing

    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0)})
    with rowblocks.blocking(rows=4):
        rowblocks.in_blocks(frame, _sites)  # the parent's pool exists before the fork
        with multiprocessing.get_context("fork").Pool(1) as pool:
            out = pool.apply_async(rowblocks.in_blocks, (frame, _sites)).get(timeout=60)
    assert_identical(out, _sites(frame))
