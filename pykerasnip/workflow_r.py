"""Workflows read from R trees: ``workflow`` -> :class:`~pykerasnip.workflow.Workflow`.

A bundled workflow also bundles its model fit and its trained recipe; they are unwrapped
here, in a copy, so the workflow's ``r_node`` is what R's ``unbundle()`` would give.
"""
from __future__ import annotations

from typing import Any

from . import rtree
from .bundle import unbundle_r
from .errors import MalformedObjectError
from .convert import r_get
from .fit_r import _quosure_expr, model_fit_from_r, saved_versions, spec_from_r
from .rds import nodes as n
from .formula.parse import deparse
from .workflow import Preprocessor, Variables, Workflow


def _replaced(node: n.List, key: str, value: Any) -> n.List:
    """A shallow copy of an R list with element ``key`` replaced."""
    copy = n.List(list(node.data), node.attributes, node.levels, node.is_object)
    copy[key] = value
    return copy


def _unbundle_inner(node: n.List) -> n.List:
    """The workflow tree with its bundled model fit and trained recipe unwrapped."""
    fit_stage, pre = node.get("fit"), node.get("pre")
    model_fit = r_get(fit_stage, "fit")
    if isinstance(fit_stage, n.List) and model_fit is not unbundle_r(model_fit):
        node = _replaced(node, "fit", _replaced(fit_stage, "fit", unbundle_r(model_fit)))
    mold = r_get(pre, "mold")
    blueprint = r_get(mold, "blueprint")
    recipe = r_get(blueprint, "recipe")
    if isinstance(blueprint, n.List) and recipe is not None and recipe is not unbundle_r(recipe):
        blueprint = _replaced(blueprint, "recipe", unbundle_r(recipe))
        node = _replaced(node, "pre", _replaced(pre, "mold", _replaced(mold, "blueprint", blueprint)))
    return node


def _symbols(expr: Any) -> list[str]:
    """Column names named by a variables selector (``mpg``, ``c(a, b)``)."""
    expr = _quosure_expr(expr)
    if isinstance(expr, n.Sym):
        return [expr.name]
    if isinstance(expr, n.Lang):
        return [name for _, arg in expr.args for name in _symbols(arg)]
    return [deparse(expr)]


def _preprocessor(actions: Any) -> Preprocessor | None:
    """The workflow's preprocessor action (recipe, formula or variables)."""
    if not isinstance(actions, n.List):
        return None
    for kind in ("recipe", "formula", "variables"):
        if kind in actions:
            action = rtree.record(actions[kind], f"the workflow's {kind} action", (kind,))
            return Preprocessor(kind, PREPROCESSORS[kind](action[kind]))
    return None


def _variables(node: Any) -> Variables:
    node = rtree.record(node, "the workflow's variables", ("outcomes", "predictors"))
    return Variables(_symbols(node["outcomes"]), _symbols(node["predictors"]))


def _recipe(node: Any) -> Any:
    from .recipes.recipe import Recipe

    return Recipe.from_r(unbundle_r(node))


#: preprocessor action -> how its stored value is read
PREPROCESSORS = {"recipe": _recipe, "formula": deparse, "variables": _variables}


def workflow_from_r(node: n.List, safe_mode: bool = True) -> Workflow:
    """A fitted R workflow (possibly bundled inside, possibly butchered) as a Workflow."""
    from .hardhat.blueprint import blueprint_from_r

    rtree.check_lists(node, "the workflow")
    rtree.record(node, "the workflow", ("pre", "fit"))
    root, node = node, _unbundle_inner(node)
    model_action = r_get(node, "fit", "actions", "model")
    formula = r_get(model_action, "formula")
    blueprint = r_get(node, "pre", "mold", "blueprint")
    model_fit = r_get(node, "fit", "fit")
    if model_fit is not None and blueprint is None:
        raise MalformedObjectError("the workflow is fitted but holds no mold blueprint "
                                   "(pre$mold$blueprint) to forge new data with")
    wf = Workflow(
        preprocessor=_preprocessor(r_get(node, "pre", "actions")),
        spec=(spec_from_r(rtree.record(model_action, "the workflow's model action", ("spec",))["spec"])
              if model_action is not None else None),
        model_formula=None if formula is None else deparse(formula),
        blueprint=blueprint_from_r(blueprint) if blueprint is not None else None,
        model_fit=model_fit_from_r(model_fit, safe_mode) if model_fit is not None else None,
        fitted_predictors=_frame_names(r_get(node, "pre", "mold", "predictors")),
        r_node=node,
    )
    wf.r_info = saved_versions(root, model_fit)
    return wf


def _frame_names(node: Any) -> list[str] | None:
    """The column names of a stored data frame (``None`` when none is stored, as in a
    butchered workflow)."""
    if not (isinstance(node, n.List) and node.inherits("data.frame")):
        return None
    return list(node.names or [])
