"""The contract every registered recipe step keeps, checked for each class of the step
registry (as scikit-learn's ``check_estimator`` checks every estimator):

a. every instance R saved -- the recipes of tests/data/steps (tests/r/make_steps_truth.R,
   recipes 1.3.2) and the trained and untrained recipes of the fixtures' workflows -- is
   rebuilt by ``from_r`` then ``to_r`` (with the stored R node dropped, so the step
   writes itself) into the bytes R wrote (compared as version-2 streams: R writes a
   compact sequence such as ``1:3`` as ALTREP in version 3, expanded in version 2, and
   a step cannot know how R built a vector);
b. a step prepped in Python on its ground-truth case, written with ``to_r`` and read back
   with ``from_r``, bakes the case's new data exactly as before (same columns, dtypes and
   values); kerasnip's own steps, which have no Python-prepped case, do this with the
   instances R trained in the fixtures;
c. every registered step has ground truth: a committed case (kerasnip's own steps: a
   fixture). A step registered without one fails here.

Known failures are strict xfails naming the bug, so fixing one turns its entry into an
error until it is removed.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import FIXTURES
from pykerasnip.convert import r_get, to_pandas
from pykerasnip.rds import dumps, load
from pykerasnip.rds.nodes import List
from pykerasnip.recipes import Recipe
from pykerasnip.recipes.steps import kerasnip_steps
from pykerasnip.recipes.steps.base import STEPS, Step, step_class_for
from pykerasnip.rrng import r_session
from steps_truth import BAKE_SEED, TRUTH, all_cases, python_prep, r_recipe, truth_frame

#: kerasnip's own steps: their ground truth is the fixtures
KERASNIP_STEPS = sorted(name for name, cls in STEPS.items() if cls.__module__ == kerasnip_steps.__name__)
#: where a fixture workflow keeps its recipes: trained (the mold's) and untrained (the action's)
RECIPE_PATHS = (("pre", "mold", "blueprint", "recipe"), ("pre", "actions", "recipe", "recipe"))

#: step -> why no ground truth exists yet (reported; strict: adding the truth fails here)
NO_TRUTH = {name: "no fixture holds a trained " + name + " (the shared fixtures need a case)"
            for name in ("step_lead", "step_sequence")}

# Why from_r -> to_r does not give R's bytes back (reported bugs). What most steps share:
ORDER = "fields in another order than recipes writes them (case_weights, skip, id...)"


def _untrained(*fields: str) -> str:
    return f"an untrained step's {', '.join(fields)} written as empty values where R has NULL"


def _fields(*fields: str) -> str:
    return f"{', '.join(fields)} differ from R's"


def _bugs(*why: str) -> str:
    return "; ".join(why)


REBUILD_BUGS = {
    "step_BoxCox": _bugs(_untrained("lambdas")),
    "step_YeoJohnson": _bugs(_untrained("lambdas")),
    "step_arrange": _bugs(_fields("inputs")),
    "step_bs": _bugs("options written as a named list, R's has no names"),
    "step_center": _bugs(ORDER, _untrained("means")),
    "step_corr": _bugs(ORDER, "no case_weights field", _fields("removals")),
    "step_count": _bugs(ORDER, _fields("options")),
    "step_discretize": _bugs(_fields("objects")),
    "step_dummy": _bugs("naming: to_r writes its own dummy_names closure, R saved "
                               "recipes' byte-compiled one"),
    "step_dummy_extract": _bugs(ORDER, _fields("case_weights", "naming")),
    "step_dummy_multi_choice": _bugs(_fields("naming")),
    "step_filter": _bugs(_fields("inputs")),
    "step_filter_missing": _bugs(ORDER, _fields("case_weights")),
    "step_geodist": _bugs(ORDER, _fields("lat", "lon")),
    "step_holiday": _bugs(ORDER),
    "step_impute_knn": _bugs(_fields("impute_with", "ref_data"),
                             "to_r of an untrained step raises AttributeError"),
    "step_impute_linear": _bugs(ORDER, _fields("impute_with", "models")),
    "step_impute_mean": _bugs(ORDER, _untrained("means")),
    "step_impute_median": _bugs(ORDER, _untrained("medians")),
    "step_impute_mode": _bugs(ORDER, "ptype's attributes in another order",
                              _untrained("modes")),
    "step_impute_roll": _bugs(_fields("statistic")),
    "step_indicate_na": _bugs(_untrained("columns")),
    "step_integer": _bugs(_fields("key")),
    "step_interact": _bugs("objects: the terms get a predvars attribute R's lack"),
    "step_inverse": _bugs(ORDER),
    "step_lag": _bugs(_fields("lag")),
    "step_log": _bugs(ORDER, _untrained("columns")),
    "step_logit": _bugs(ORDER),
    "step_mutate": _bugs(ORDER, _fields("inputs")),
    "step_mutate_at": _bugs(ORDER, _fields("fn")),
    "step_normalize": _bugs(ORDER, _untrained("means", "sds")),
    "step_ns": _bugs(_fields("objects", "options")),
    "step_num2factor": _bugs(ORDER, _fields("transform")),
    "step_nzv": _bugs(ORDER, "no case_weights field", _untrained("removals")),
    "step_other": _bugs(ORDER),
    "step_pca": _bugs(ORDER, _fields("num_comp"),
                      "to_r raises TypeError on R's NA num_comp/threshold"),
    "step_percentile": _bugs(ORDER, _fields("case_weights", "options")),
    "step_poly": _bugs(_fields("options"), _untrained("degree")),
    "step_profile": _bugs(ORDER),
    "step_range": _bugs(_untrained("ranges")),
    "step_ratio": _bugs(_fields("columns", "denom", "naming")),
    "step_regex": _bugs(_fields("options")),
    "step_rename": _bugs(_fields("inputs")),
    "step_rename_at": _bugs(ORDER, _fields("fn")),
    "step_rm": _bugs("removals written without R's names"),
    "step_sample": _bugs(ORDER, _fields("case_weights", "size")),
    "step_scale": _bugs(ORDER, _untrained("sds")),
    "step_slice": _bugs(_fields("inputs")),
    "step_spatialsign": _bugs(ORDER, _fields("case_weights")),
    "step_sqrt": _bugs(_untrained("columns")),
    "step_string2factor": _bugs(_fields("levels")),
    "step_zv": _bugs(_untrained("removals")),
    "step_classdist": _bugs(ORDER, _fields("mean_func", "cov_func"), "attributes"),
    "step_classdist_shrunken": _bugs(ORDER, _fields("class", "objects"), "attributes"),
    "step_depth": _bugs(ORDER, _fields("options"), "attributes"),
    "step_ica": "seed written as an integer where the user's R call stored a double",
    "step_nnmf": "seed written as an integer where the user's R call stored a double",
    "step_nnmf_sparse": _bugs("seed written as an integer where the user's R call stored "
                              "a double", _fields("res")),
    "step_impute_bag": "seed_val written as an integer where the user's R call stored a double",
}
#: step -> why to_r -> from_r does not bake the same (reported bugs)
ROUND_TRIP_BUGS = {
    "step_profile": "an integer fixed value comes back from from_r as a numpy int32 array, not "
                    "the Int32 column prep made, so bake's column dtype changes",
}


# -- the material --------------------------------------------------------------------------
def _recipe_steps(root: Any) -> Iterator[tuple[str, List]]:
    for path in RECIPE_PATHS:
        steps = r_get(root, *path, "steps")
        for i, node in enumerate(steps.data if isinstance(steps, List) else []):
            yield f"{'/'.join(path[-2:])}[{i + 1}]", node


@functools.cache
def r_saved_steps() -> dict[str, list[tuple[str, List]]]:
    """Step class -> (where, node) of every distinct step object R saved."""
    found: dict[str, list[tuple[str, List]]] = {}
    seen: set[bytes] = set()
    sources = [(f"steps/{p.parent.name}", enumerate(r_get(load(p), "steps").data))
               for p in sorted(TRUTH.glob("*/recipe.rds"))]
    sources += [(f"{p.relative_to(FIXTURES)}:", _recipe_steps(load(p)))
                for p in sorted(FIXTURES.glob("*/*.rds")) if p.name != "new_data.rds"]
    for source, items in sources:
        for where, node in items:
            where = f"{source}[{where + 1}]" if isinstance(where, int) else source + where
            data = dumps(node)
            if data in seen:
                continue
            seen.add(data)
            cls = step_class_for(node)
            found.setdefault(cls.r_class, []).append((source + where, node))
    return found


@functools.cache
def python_prepped() -> dict[str, list[tuple[str, Recipe, int, pd.DataFrame]]]:
    """Step class -> (case, recipe prepped in Python -- by R for steps trained only in R --,
    step index, the case's new data)."""
    found: dict[str, list[tuple[str, Recipe, int, pd.DataFrame]]] = {}
    for case in all_cases():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            recipe = r_recipe(case.name) if case.prep_in_r else python_prep(case)
        new = truth_frame(case.name, "new.rds")
        for i, step in enumerate(recipe.steps):
            found.setdefault(step.r_class, []).append((case.name, recipe, i, new))
    return found


@functools.cache
def fixture_trained() -> dict[str, list[tuple[str, Recipe, int, pd.DataFrame]]]:
    """Step class -> (fixture, the recipe R trained, step index, the fixture's new data)."""
    found: dict[str, list[tuple[str, Recipe, int, pd.DataFrame]]] = {}
    for path in sorted(FIXTURES.glob("*/workflow.rds")):
        node = r_get(load(path), *RECIPE_PATHS[0])
        if node is None or not (path.parent / "new_data.rds").exists():
            continue
        recipe = Recipe.from_r(node)
        new = to_pandas(load(path.parent / "new_data.rds"))
        for i, step in enumerate(recipe.steps):
            found.setdefault(step.r_class, []).append((path.parent.name, recipe, i, new))
    return found


def _marked(table: dict[str, str]) -> list[Any]:
    return [pytest.param(name, marks=pytest.mark.xfail(reason=table[name], strict=True))
            if name in table else name for name in sorted(STEPS)]


# -- a. from_r -> to_r gives R's bytes ------------------------------------------------------
def r_bytes(node: Any) -> bytes:
    """The version-2 stream of ``node`` (ALTREP vectors expanded, as R writes them there)."""
    return dumps(node, version=2)


def field_differences(got: List, want: List) -> list[str]:
    """What differs between two step lists: field order, each field's bytes, attributes."""
    problems = []
    if got.names != want.names:
        problems.append(f"fields {got.names} != R's {want.names}")
    problems += [f"field {name!r}" for name in want.names or []
                 if name in (got.names or []) and r_bytes(got.get(name)) != r_bytes(want.get(name))]
    if r_bytes(List([], attributes=got.attributes)) != r_bytes(List([], attributes=want.attributes)):
        problems.append("attributes")
    return problems


@pytest.mark.parametrize("r_class", _marked({**NO_TRUTH, **REBUILD_BUGS}))
def test_r_saved_step_is_rebuilt_byte_for_byte(r_class: str) -> None:
    saved = r_saved_steps().get(r_class)
    assert saved, f"{r_class}: no R-saved instance (see test_every_registered_step_has_ground_truth)"
    failures = {}
    for where, node in saved:
        step = STEPS[r_class].from_r(node)
        step.r_node = None  # the step writes itself: no stored R object to hand back
        try:
            rebuilt = step.to_r()
        except Exception as exc:  # noqa: BLE001 (reported with the others)
            failures[where] = [f"to_r raised {type(exc).__name__}: {exc}"]
            continue
        if r_bytes(rebuilt) != r_bytes(node):
            failures[where] = field_differences(rebuilt, node)
    assert failures == {}


# -- b. to_r -> from_r bakes the same -------------------------------------------------------
def _input_of(recipe: Recipe, index: int, new: pd.DataFrame) -> pd.DataFrame:
    """The new data as step ``index`` of ``recipe`` receives it in ``Recipe.bake``."""
    data = new[[v for v in dict.fromkeys(recipe.var_info["variable"]) if v in new.columns]]
    for step in recipe.steps[:index]:
        if not step.skip:
            data = step.bake(data)
    return data


def _baked(step: Step, data: pd.DataFrame) -> pd.DataFrame:
    with r_session(BAKE_SEED), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return step.bake(data.copy())


@pytest.mark.parametrize("r_class", _marked({**NO_TRUTH, **ROUND_TRIP_BUGS}))
def test_step_written_and_read_back_bakes_the_same(r_class: str) -> None:
    cases = python_prepped().get(r_class) or \
        (fixture_trained().get(r_class, []) if r_class in KERASNIP_STEPS else [])
    assert cases, f"{r_class}: no ground-truth case (see test_every_registered_step_has_ground_truth)"
    for name, recipe, index, new in cases:
        step = recipe.steps[index]
        with r_session(BAKE_SEED), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            data = _input_of(recipe, index, new)
        again = type(step).from_r(step.to_r())
        assert type(again) is type(step) and again.trained == step.trained, name
        pd.testing.assert_frame_equal(_baked(again, data), _baked(step, data), check_exact=True,
                                      obj=f"{name}: step {index + 1}")


# -- c. ground truth for every step ---------------------------------------------------------
@pytest.mark.parametrize("r_class", _marked(NO_TRUTH))
def test_every_registered_step_has_ground_truth(r_class: str) -> None:
    if r_class in KERASNIP_STEPS:
        assert r_class in fixture_trained(), f"{r_class}: no fixture holds it trained"
    else:
        assert r_class in python_prepped(), \
            f"{r_class}: no case in tests/data/steps (add one to tests/r/make_steps_truth.R " \
            "and to a test_steps_*.py module)"
    assert r_class in r_saved_steps(), f"{r_class}: no instance R saved"


def test_the_registry_is_what_is_checked() -> None:
    assert len(STEPS) > 60 and set(KERASNIP_STEPS) == {"step_collapse", "step_lead", "step_sequence"}
    assert not set(r_saved_steps()) - set(STEPS)  # every step R saved is registered
    assert Path(TRUTH).is_dir()
