"""Fitted workflows as R ``workflow`` trees (REFERENCE §5.1, §10.3 rule 8).

``pre`` holds the preprocessor action (recipe, formula or variables, each with its
untrained blueprint) and the mold: 0-row slices of the processed predictors and of the
outcome prototypes (the original outcome columns; a recipe's outcome transformations are
not replayed) -- R's ``predict()`` only reads the trained blueprint. ``fit`` holds the
model action (the unfitted spec) and the ``model_fit``; ``post`` is empty. Blueprints
and recipes come from R's own trees when they were read from R, else from their
``to_r()``.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from ..convert import from_pandas
from ..formula.parse import parse
from ..hardhat.blueprint import role_variables
from ..io import to_tree
from ..rds import build as b
from ..rds import nodes as n
from .spec import spec_to_r
from .parts import copy_with, r_form

#: blueprint field -> its value before mold() (hardhat's untrained blueprints)
_UNTRAINED: dict[str, Callable[[], Any]] = {
    "ptypes": lambda: None, "formula": lambda: None, "levels": lambda: None,
    "recipe": lambda: None, "extra_role_ptypes": lambda: None,
    "terms": lambda: b.named_list(predictors=None, outcomes=None),
}

#: roles a recipe mold does not report among its ``extras``
_MODEL_ROLES = ("predictor", "outcome")


def formula_to_r(text: str) -> n.Lang:
    """An R formula (class ``formula``, global environment) from its text."""
    return b.structure(parse(text), {"class": "formula", ".Environment": n.GlobalEnv})


def untrained_blueprint(trained: n.List) -> n.List:
    """The blueprint as the preprocessor action holds it: ``trained`` with the fields
    ``mold()`` fills (ptypes, recipe, terms, ...) reset."""
    return copy_with(trained, {name: _UNTRAINED[name]() for name in trained.names or []
                               if name in _UNTRAINED})


def _columns_quosure(names: list[str]) -> n.Lang:
    syms = [b.sym(name) for name in names]
    return b.quosure(syms[0] if len(syms) == 1 else b.call("c", *syms), n.GlobalEnv)


def _variables(value: Any) -> n.List:
    return b.structure(b.named_list(outcomes=_columns_quosure(value.outcomes),
                                    predictors=_columns_quosure(value.predictors)),
                       {"class": "workflow_variables"})


#: preprocessor kind -> its action's R value
_ACTION_VALUES: dict[str, Callable[[Any], Any]] = {
    "recipe": lambda value: r_form(value, "workflow's untrained recipe"),
    "formula": formula_to_r,
    "variables": _variables,
}


def _preprocessor_action(wf: Any, blueprint: n.List) -> n.List:
    kind = wf.preprocessor.kind
    action = b.named_list({kind: _ACTION_VALUES[kind](wf.preprocessor.value),
                           "blueprint": untrained_blueprint(blueprint)})
    return b.structure(action, {"class": [f"action_{kind}", "action_pre", "action"]})


def _zero_rows(df: pd.DataFrame) -> n.List:
    return from_pandas(df.iloc[:0].reset_index(drop=True), tibble=True)


def _forge_ptype(blueprint: Any) -> pd.DataFrame:
    """0-row new data with every column ``forge()`` requires: the predictors and, for a
    recipe, the other roles it needs at bake time."""
    extra = getattr(blueprint, "extra_role_ptypes", {})
    frame = pd.concat([blueprint.ptypes.predictors, *extra.values()], axis=1)
    return frame.loc[:, ~frame.columns.duplicated()]


def _list_columns(blueprint: Any) -> set[str]:
    """Columns a recipe makes lists (kerasnip's step_collapse): recipes types them."""
    recipe = getattr(blueprint, "recipe", None)
    if recipe is None:
        return set()
    info = recipe.term_info
    return {name for name, kinds in zip(info["variable"], info["type"]) if "list" in kinds}


def _zero_row_predictors(blueprint: Any) -> n.List:
    """0 rows of the processed predictors; an empty list column stays a list (pandas keeps
    no element type for an empty object column)."""
    node = _zero_rows(blueprint.forge(_forge_ptype(blueprint)))
    lists = _list_columns(blueprint)
    return copy_with(node, {name: n.List([]) for name in node.names if name in lists})


def _extra_roles(blueprint: Any) -> Any:
    """hardhat's ``extras$roles`` of a recipe mold: per role other than predictor and
    outcome, the processed columns with it (NULL when there are none)."""
    info = blueprint.recipe.term_info
    roles = [r for r in dict.fromkeys(info["role"].map(_role_name)) if r not in _MODEL_ROLES]
    if not roles:
        return None
    baked = blueprint.recipe.bake(_forge_ptype(blueprint))
    return b.named_list({role: _zero_rows(baked[[v for v in role_variables(info, role)
                                                 if v in baked.columns]])
                         for role in roles})


def _role_name(role: Any) -> str:
    return role if isinstance(role, str) else "NA"


def _extras(node: n.List, blueprint: Any) -> Any:
    """The mold's ``extras``: ``roles`` for a recipe, ``offset`` for a formula."""
    if node.inherits("recipe_blueprint"):
        return b.named_list(roles=_extra_roles(blueprint))
    if node.inherits("formula_blueprint"):
        return b.named_list(offset=None)
    return None


def _stage(classes: str, **fields: Any) -> n.List:
    return b.structure(b.named_list(fields), {"class": [classes, "stage"]})


def _pre(wf: Any) -> n.List:
    blueprint = r_form(wf.blueprint, "workflow's trained blueprint")
    mold = b.named_list(predictors=_zero_row_predictors(wf.blueprint),
                        outcomes=_zero_rows(wf.blueprint.ptypes.outcomes), blueprint=blueprint,
                        extras=_extras(blueprint, wf.blueprint))
    actions = b.named_list({wf.preprocessor.kind: _preprocessor_action(wf, blueprint)})
    return _stage("stage_pre", actions=actions, mold=mold, case_weights=None)


def _unfitted_spec(spec: Any) -> n.List:
    if spec.r_node is not None and spec.r_node.inherits("kerasnip_spec"):
        return spec.r_node
    return spec_to_r(spec)


def _fit(wf: Any, model_fit: Any) -> n.List:
    formula = None if wf.model_formula is None else formula_to_r(wf.model_formula)
    model = b.structure(b.named_list(spec=_unfitted_spec(wf.spec), formula=formula),
                        {"class": ["action_model", "action_fit", "action"]})
    return _stage("stage_fit", actions=b.named_list(model=model), fit=to_tree(model_fit))


def workflow_to_r(wf: Any) -> n.List:
    """The fitted workflow R's ``predict()`` accepts (class ``workflow``)."""
    model_fit = wf.extract_fit_parsnip()  # raises for an untrained workflow
    post = _stage("stage_post", actions=b.named_list(), fit=None)
    return b.structure(b.named_list(pre=_pre(wf), fit=_fit(wf, model_fit), post=post,
                                    trained=True),
                       {"class": "workflow"})
