"""Spec argument values and layer blocks as kerasnip stores them in R, both ways.

Read from R, a quosure becomes its literal value (length-1 vectors as scalars), :data:`ZAP`
when zapped, or the R expression node; R closures become block signatures (names and
formals, never run).

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

from ..convert import to_python
from ..errors import MalformedObjectError
from ..rds import build as b
from ..rds import nodes as n
from ..rtree import quosure_expr
from .arguments import MISSING, ZAP, BlockSignature, block_formals


def r_value(node: Any) -> Any:
    """A spec argument's value: :data:`ZAP` for a zapped quosure, the Python value of a
    literal (length-1 vectors become scalars), the R expression node otherwise."""
    expr = quosure_expr(node)
    if isinstance(expr, n.List) and expr.inherits("rlang_zap"):
        return ZAP
    expr = n.plain(expr)
    if isinstance(expr, (n.Logical, n.Integer, n.Real, n.Str)) and not expr.attributes:
        value = to_python(expr)
        return value[0].item() if len(value) == 1 and hasattr(value[0], "item") else (
            value[0] if len(value) == 1 else list(value))
    return expr


def named_args(node: Any) -> dict[str, Any]:
    """A ``model_spec``'s ``args`` / ``eng_args`` list as ``{name: value}``."""
    if not isinstance(node, n.List):
        return {}
    if len(node.data) and (node.names is None or None in node.names or "" in node.names):
        raise MalformedObjectError("a model_spec's arguments must all be named")
    return {k: r_value(v) for k, v in node.items()}


def _formal_from_r(value: Any) -> Any:
    return MISSING if value is n.MissingArg else r_value(value)


def block_signatures(blocks: Any) -> dict[str, BlockSignature]:
    """``kerasnip_layer_blocks`` (R closures) as ``BlockSignature``s: names and formals."""
    if not isinstance(blocks, n.List):
        return {}
    return {name: BlockSignature(name, [(arg, _formal_from_r(default))
                                        for arg, default in (fn.formals.items() if fn.formals else [])])
            for name, fn in blocks.items() if isinstance(fn, n.Closure)}


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


def _formal_to_r(value: Any) -> Any:
    if value is MISSING:
        return n.MissingArg
    return expression(value) if is_constant(value) else None


def block_closure(name: str, block: Any) -> n.Closure:
    """A layer block as an R closure with the block's formals that stops when called."""
    formals = {arg: _formal_to_r(default) for arg, default in block_formals(block)}
    body = b.call("stop", f"layer block '{name}' was defined in Python with pykerasnip; "
                          "refit in R to use it")
    return b.closure(formals, body, n.GlobalEnv)
