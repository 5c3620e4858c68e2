"""Pieces of kerasnip's own R objects that Python cannot produce for real.

* Shim closures: kerasnip's internal functions (post-processors, ``process_x_*``,
  ``process_y_*``) stored in fitted models are byte-compiled package closures. A shim has
  the same formals, the kerasnip namespace as environment and a body calling the
  function by name, so R finds the installed kerasnip's version.
* Python-object stubs: where R stored a live Keras model (a reticulate object), a dead
  one: an environment holding a NULL external pointer. reticulate rejects it, so kerasnip
  restores the model from the stored ``.keras`` bytes (it must not be NULL for Laplace
  models, which kerasnip only restores when present).
"""
from __future__ import annotations

from ..rds import build as b
from ..rds import nodes as n

KERASNIP_VERSION = "0.1.2.900"
#: one node per file: the writer emits it once and references it afterwards
KERASNIP_NS = b.namespace("kerasnip", KERASNIP_VERSION)

_PROCESS_Y_FORMALS = {"sequential": ("y", "is_classification", "class_levels"),
                      "functional": ("y", "is_classification", "class_levels", "layer_blocks")}

#: Python classes reticulate records for a Keras model (most derived first)
_MODEL_CLASSES = {
    "sequential": ("keras.src.models.sequential.Sequential", "keras.src.models.model.Model"),
    "functional": ("keras.src.models.functional.Functional", "keras.src.ops.function.Function",
                   "keras.src.models.model.Model"),
}
_BASE_CLASSES = ("keras.src.trainers.trainer.Trainer", "keras.src.layers.layer.Layer",
                 "keras.src.ops.operation.Operation", "python.builtin.object")


def shim(function: str, *formals: str, optional: tuple[str, ...] = ()) -> n.Closure:
    """``function(<formals>, <optional> = NULL) <function>(<all formals by name>)``
    enclosed by the kerasnip namespace."""
    args = {name: n.MissingArg for name in formals} | {name: None for name in optional}
    body = b.call(function, *(b.sym(a) for a in formals),
                  **{a: b.sym(a) for a in optional})
    return b.closure(args, body, KERASNIP_NS)


def post_shim(function: str) -> n.Closure:
    """A prediction post-processor: ``function(results, object)``."""
    return shim(function, "results", "object")


def process_x_shim(api: str) -> n.Closure:
    """``process_x_sequential`` / ``process_x_functional``: ``function(x)``."""
    return shim(f"process_x_{api}", "x")


def process_y_shim(api: str) -> n.Closure:
    """``process_y_sequential`` / ``process_y_functional`` with their NULL defaults."""
    first, *optional = _PROCESS_Y_FORMALS[api]
    return shim(f"process_y_{api}", first, optional=tuple(optional))


def python_stub(api: str) -> n.Environment:
    """A dead reticulate reference to a Keras model built with ``api``."""
    classes = [*_MODEL_CLASSES[api], *_BASE_CLASSES]
    return b.environment({"pyobj": b.null_extptr(), "convert": True}, enclos=n.EmptyEnv,
                         attributes={"class": classes})
