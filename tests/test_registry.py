"""One map from R classes to Python classes: ``read_rds`` and the rpy2 bridge make one
lookup on the root's class vector, and every registered class reads its R form and writes
it back."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import pykerasnip as pk
from conftest import FIXTURES
from pykerasnip import rds
from pykerasnip.bundles import Bundle
from pykerasnip.hardhat.blueprint import FormulaBlueprint, RecipeBlueprint, XYBlueprint
from pykerasnip.io import from_tree
from pykerasnip.model.model_fit import ModelFit
from pykerasnip.model.spec import ModelSpec
from pykerasnip.recipes import Recipe
from pykerasnip.registry import r_class, reader_for, registered_classes
from pykerasnip.rtree import to_tree
from pykerasnip.workflows import Workflow

BARE = Path(__file__).parent / "data" / "recipes"


def _subtree(case: str, *path: str):
    """A part of a workflow R saved, as R wrote it."""
    node = rds.load(FIXTURES / case / "workflow.rds")
    for key in path:
        node = node[key]
    return node


@pytest.mark.parametrize("make, expected", [
    (lambda: rds.load(FIXTURES / "seq_reg_recipe_normalize" / "workflow.rds"), Workflow),
    (lambda: rds.load(FIXTURES / "modelfit_xy" / "model_fit.rds"), ModelFit),
    (lambda: rds.load(FIXTURES / "seq_reg_bundle" / "bundle.rds"), Bundle),
    (lambda: rds.load(BARE / "untrained.rds"), Recipe),
    (lambda: _subtree("seq_reg_recipe_normalize", "pre", "mold", "blueprint"), RecipeBlueprint),
    (lambda: _subtree("seq_reg_formula", "pre", "mold", "blueprint"), FormulaBlueprint),
    (lambda: _subtree("seq_reg_variables", "pre", "mold", "blueprint"), XYBlueprint),
    (lambda: _subtree("seq_reg_recipe_normalize", "fit", "actions", "model", "spec"), ModelSpec),
    (lambda: rds.load(FIXTURES / "seq_reg_recipe_normalize" / "new_data.rds"), pd.DataFrame),
])
def test_each_registered_r_class_reads_as_its_python_class(make, expected):
    node = make()
    assert isinstance(from_tree(node), expected)


@pytest.mark.parametrize("make", [
    lambda: rds.load(FIXTURES / "seq_reg_recipe_normalize" / "workflow.rds"),
    lambda: rds.load(FIXTURES / "modelfit_xy" / "model_fit.rds"),
    lambda: rds.load(BARE / "trained.rds"),
    lambda: _subtree("seq_reg_formula", "pre", "mold", "blueprint"),
])
def test_an_object_read_from_r_writes_back_r_own_bytes(make):
    node = make()
    assert rds.dumps(to_tree(from_tree(node))) == rds.dumps(node)


def test_the_lookup_takes_the_most_specific_registered_class():
    node = _subtree("seq_reg_recipe_normalize", "pre", "mold", "blueprint")
    assert node.classes[0] == "default_recipe_blueprint"  # not registered itself
    assert reader_for(node) is reader_for(_subtree("seq_reg_formula", "pre", "mold", "blueprint"))


def test_unregistered_classes_come_back_as_natural_values():
    node = rds.build.structure(rds.build.dbl(1.5, 2.5), {"class": "my_unknown_class"})
    assert reader_for(node) is None
    assert list(from_tree(node)) == [1.5, 2.5]


def test_every_root_a_tidymodels_user_saves_is_registered():
    assert set(registered_classes()) >= {"workflow", "model_fit", "bundle", "recipe",
                                         "recipe_blueprint", "formula_blueprint",
                                         "xy_blueprint", "model_spec", "data.frame"}


def test_an_r_class_is_read_by_one_class_only():
    with pytest.raises(ValueError, match="already read"):
        @r_class("workflow")
        class Other:
            @classmethod
            def from_r(cls, node, *, safe_mode=True):
                return cls()


@pytest.mark.filterwarnings("ignore:There are new levels")
def test_read_rds_of_a_bare_recipe_and_a_bundle_predicts_or_bakes():
    bundle = pk.read_rds(FIXTURES / "seq_reg_bundle" / "bundle.rds")
    assert isinstance(bundle.unbundle(), Workflow)
    recipe = pk.read_rds(BARE / "trained.rds")
    assert list(recipe.bake(pk.read_rds(BARE / "new.rds")).columns) == \
        list(pk.read_rds(BARE / "baked.rds").columns)
