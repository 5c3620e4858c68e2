"""Bundles as R's bundle package writes them (REFERENCE §8.1).

A bundle is ``list(object, situate)`` of class ``c("bundled_<kind>", "bundle")``; the
situater is a closure of class ``c("situater", "function")`` in a fresh environment
under ``baseenv()`` whose body restores the original class. A bundled workflow also
bundles its model fit and its trained recipe.
"""
from __future__ import annotations

from typing import Any

from ..bundle import is_r_bundle
from ..convert import r_get
from ..errors import UnsupportedObjectError
from ..io import to_tree
from ..rds import build as b
from ..rds import nodes as n
from .parts import copy_with

_SWAP = ("bundle", "swap_element")


def _situater(*statements: Any) -> n.Closure:
    env = b.environment(enclos=n.BaseEnv)
    body = b.call("{", *statements)
    return b.structure(b.closure({"object": n.MissingArg}, body, env),
                       {"class": ["situater", "function"]})


def _assign(name: str, value: Any) -> n.Lang:
    return b.call("<-", b.sym(name), value)


def _restore_class(name: str, classes: list[str]) -> n.Lang:
    return b.call("structure", b.sym(name), **{"class": b.chr(classes)})


def _bundle(kind: str, node: n.List, situate: n.Closure) -> n.List:
    return b.structure(b.named_list(object=node, situate=situate),
                       {"class": [f"bundled_{kind}", "bundle"]})


def bundle_model_fit(node: n.List) -> n.List:
    """``bundle(model_fit)``: the model fit unchanged, a situater restoring its class."""
    situate = _situater(_assign("res", b.ns_call(*_SWAP, b.sym("object"), "fit")),
                        _restore_class("res", node.classes))
    return _bundle("model_fit", node, situate)


def bundle_recipe(node: n.List) -> n.List:
    """``bundle(recipe)``: kerasnip's steps bundle to themselves."""
    steps = b.call("$", b.sym("object"), b.sym("steps"))
    situate = _situater(
        _assign("steps_unbundled", b.ns_call("purrr", "map", steps,
                                             b.call("::", b.sym("bundle"), b.sym("unbundle")))),
        b.call("<-", steps, b.sym("steps_unbundled")),
        _restore_class("object", node.classes))
    return _bundle("recipe", node, situate)


def _bundled_once(node: Any, make: Any) -> Any:
    return node if node is None or is_r_bundle(node) else make(node)


def bundle_workflow(node: n.List) -> n.List:
    """``bundle(workflow)``: model fit and trained recipe bundled inside, a situater
    swapping both back."""
    fit_stage, pre = node["fit"], node["pre"]
    mold = pre["mold"]
    blueprint = mold["blueprint"]
    recipe = r_get(blueprint, "recipe")
    if recipe is not None:
        blueprint = copy_with(blueprint, {"recipe": _bundled_once(recipe, bundle_recipe)})
        pre = copy_with(pre, {"mold": copy_with(mold, {"blueprint": blueprint})})
    fit_stage = copy_with(fit_stage, {"fit": _bundled_once(fit_stage["fit"], bundle_model_fit)})
    inner = copy_with(node, {"fit": fit_stage, "pre": pre})
    situate = _situater(
        _assign("res", b.ns_call(*_SWAP, b.sym("object"), "fit", "fit")),
        _assign("res", b.ns_call(*_SWAP, b.sym("res"), "pre", "mold", "blueprint", "recipe")),
        _restore_class("res", node.classes))
    return _bundle("workflow", inner, situate)


#: R class of the payload -> how bundle() wraps it
_BUNDLERS = {"workflow": bundle_workflow, "model_fit": bundle_model_fit}


def bundle_to_r(obj: Any) -> n.List:
    """``bundle(x)`` for a pykerasnip workflow or model fit (or their R trees)."""
    node = to_tree(obj)
    if is_r_bundle(node):
        return node
    for cls, make in _BUNDLERS.items():
        if node.inherits(cls):
            return make(node)
    raise UnsupportedObjectError(f"only workflows and model fits can be bundled, not {node.classes}")
