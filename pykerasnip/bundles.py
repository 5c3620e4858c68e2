"""bundle / unbundle, as R's bundle package does them for workflows and model fits.

On the R side a bundle is ``list(object = <payload>, situate = <closure>)`` with class
``c("bundled_<kind>", "bundle")``; the situater is a closure of class
``c("situater", "function")`` in a fresh environment under ``baseenv()`` whose body
restores the original class (REFERENCE §8.1). A bundled workflow also bundles its model
fit and its trained recipe. For kerasnip a bundle adds no state: the weights already
travel as ``.keras`` bytes.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import rtree

from .convert import r_get, to_python
from .errors import MalformedObjectError, UnsupportedObjectError
from .model.model_fit import ModelFit
from .rds import build as b
from .rds import nodes as n
from .registry import r_class, reader_for
from .workflows import Workflow


@r_class("bundle")
@dataclass
class Bundle:
    """A bundled workflow or model fit: ``object`` is the Python object inside."""

    object: Workflow | ModelFit

    @classmethod
    def from_r(cls, node: n.List, *, safe_mode: bool = True) -> Any:
        """The bundle R saved; a bundle of an object pykerasnip has no class for comes
        back as its payload's natural Python value."""
        payload = rtree.unbundle_r(node)
        if payload is node:
            raise MalformedObjectError("an R object of class 'bundle' holds no 'object' to "
                                       "unbundle")
        reader = reader_for(payload)
        if reader is None:
            return to_python(payload)
        if payload._header is None:  # a bundle's header tells which R wrote the payload
            payload._header = getattr(node, "_header", None)
        return cls(reader(payload, safe_mode=safe_mode))

    def to_r(self) -> n.List:
        """R's ``bundle()`` of the object."""
        node = rtree.to_tree(self.object)
        if rtree.is_r_bundle(node):
            return node
        for r_cls, make in _BUNDLERS.items():
            if node.inherits(r_cls):
                return make(node)
        raise UnsupportedObjectError(f"only workflows and model fits can be bundled, not {node.classes}")

    def unbundle(self) -> Workflow | ModelFit:
        return self.object

    def predict(self, new_data, type: str | None = None, level: float = 0.95, **kwargs):
        """Predict with the bundled object (as R's ``predict(unbundle(b), ...)``)."""
        return self.object.predict(new_data, type=type, level=level, **kwargs)


def bundle(obj: Any) -> Bundle:
    """Wrap a fitted :class:`~pykerasnip.workflows.Workflow` or ``ModelFit`` as a bundle."""
    return obj if isinstance(obj, Bundle) else Bundle(obj)


def unbundle(obj: Any) -> Any:
    """The object inside a :class:`Bundle`; anything else unchanged (as R's ``unbundle``)."""
    return obj.object if isinstance(obj, Bundle) else obj


# -- the R form ------------------------------------------------------------------------
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
    return node if node is None or rtree.is_r_bundle(node) else make(node)


def bundle_workflow(node: n.List) -> n.List:
    """``bundle(workflow)``: model fit and trained recipe bundled inside, a situater
    swapping both back."""
    fit_stage, pre = node["fit"], node["pre"]
    mold = pre["mold"]
    blueprint = mold["blueprint"]
    recipe = r_get(blueprint, "recipe")
    if recipe is not None:
        blueprint = rtree.copy_with(blueprint, {"recipe": _bundled_once(recipe, bundle_recipe)})
        pre = rtree.copy_with(pre, {"mold": rtree.copy_with(mold, {"blueprint": blueprint})})
    fit_stage = rtree.copy_with(fit_stage, {"fit": _bundled_once(fit_stage["fit"], bundle_model_fit)})
    inner = rtree.copy_with(node, {"fit": fit_stage, "pre": pre})
    situate = _situater(
        _assign("res", b.ns_call(*_SWAP, b.sym("object"), "fit", "fit")),
        _assign("res", b.ns_call(*_SWAP, b.sym("res"), "pre", "mold", "blueprint", "recipe")),
        _restore_class("res", node.classes))
    return _bundle("workflow", inner, situate)


#: R class of the payload -> how bundle() wraps it
_BUNDLERS = {"workflow": bundle_workflow, "model_fit": bundle_model_fit}
