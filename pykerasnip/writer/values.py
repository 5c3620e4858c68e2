"""Python values as the R objects kerasnip stores: argument quosures and layer blocks.

R keeps every spec argument as an rlang quosure. A literal the user typed (``64``,
``"relu"``, ``TRUE``) is a constant with the empty environment; numbers become doubles,
as R users type them. A sequence becomes the call ``c(...)`` enclosed by the global
environment (rlang gives a call the caller's environment; ``c`` must be found when R
refits). An R expression read from a file keeps its form, with the global environment.

Layer blocks written from Python are R closures with the block's name and formals (R
only inspects them to re-register the model) whose body stops with a message. A formal's
default is written when it is a constant (number, string, bool, ``None`` -> ``NULL``,
a sequence of those -> ``c(...)``); any other default is written as ``NULL``, so R never
sees a value it could not rebuild.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..model.arguments import MISSING, block_formals
from ..model.spec import ZAP
from ..rds import build as b
from ..rds import nodes as n

_NUMBER = (int, float, np.integer, np.floating)
_BOOL = (bool, np.bool_)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, (*_BOOL, *_NUMBER, str))


def literal(value: Any) -> Any:
    """A scalar as the R constant a user would type (numbers as doubles)."""
    if isinstance(value, _BOOL):
        return b.lgl(bool(value))
    if isinstance(value, _NUMBER):
        return b.dbl(float(value))
    return b.chr(value)


def is_constant(value: Any) -> bool:
    """Can ``value`` be written as an R constant or a ``c(...)`` of constants?"""
    if isinstance(value, (list, tuple)):
        return all(_is_scalar(v) for v in value)
    return value is None or _is_scalar(value) or isinstance(value, n.RObject)


def expression(value: Any) -> Any:
    """The R expression for a constant value (see :func:`is_constant`)."""
    if isinstance(value, (list, tuple)):
        return b.call("c", *[literal(v) for v in value])
    if value is None or isinstance(value, n.RObject):
        return value
    return literal(value)


def _environment_of(expr: Any) -> Any:
    return n.GlobalEnv if isinstance(expr, (n.Lang, n.Sym)) else n.EmptyEnv


def arg_quosure(name: str, value: Any) -> n.Lang:
    """The quosure R stores for spec argument ``name`` (a zap quosure when unset).

    A value with no R form (a Keras object, a callable) is written unset, with a warning:
    prediction in R does not need it, refitting in R would use kerasnip's default."""
    if value is ZAP:
        return b.quosure(b.zap(), n.EmptyEnv)
    if not is_constant(value):
        warnings.warn(f"argument {name!r} ({type(value).__name__}) has no R equivalent; it "
                      "is written as unset (R refits would use kerasnip's default)",
                      stacklevel=4)
        return b.quosure(b.zap(), n.EmptyEnv)
    expr = expression(value)
    return b.quosure(expr, _environment_of(expr))


def arg_quosures(args: Mapping[str, Any]) -> dict[str, n.Lang]:
    """``{name: quosure}`` for a mapping of spec arguments, in order."""
    return {name: arg_quosure(name, value) for name, value in args.items()}


def _formal_default(value: Any) -> Any:
    if value is MISSING:
        return n.MissingArg
    return expression(value) if is_constant(value) else None


def block_closure(name: str, block: Any) -> n.Closure:
    """A layer block as an R closure with the block's formals that stops when called."""
    formals = {arg: _formal_default(default) for arg, default in block_formals(block)}
    body = b.call("stop", f"layer block '{name}' was defined in Python with pykerasnip; "
                          "refit in R to use it")
    return b.closure(formals, body, n.GlobalEnv)


def layer_blocks(spec: Any) -> n.List:
    """The spec's layer blocks as a named list of R closures: R's own closures when the
    spec was read from R, stopping stubs otherwise."""
    r_blocks = spec.r_node.attr("kerasnip_layer_blocks") if spec.r_node is not None else None
    if isinstance(r_blocks, n.List):
        return r_blocks
    return b.named_list({name: block_closure(name, block)
                         for name, block in spec.layer_blocks.items()})

