"""The evaluator: symbol lookup (data columns, then the environment, then constants),
dispatch of calls to the builtin registry :data:`FUNCTIONS` (``pkg::f`` only for the
package whose semantics ``f`` follows), the ``.data``/``.env`` pronouns, and the nesting
limit. Builtins register with :func:`builtin`.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ForgeError, UnsupportedObjectError, UnsupportedStepError
from ..formula.parse import MAX_NESTING
from ..rds.nodes import Lang, List, Str, Sym
from .values import RVector, as_character, as_vector, kind, recycle

Impl = Callable[[list[tuple[str | None, Any]], "Context"], RVector]

#: R function name -> implementation; each receives the call's unevaluated arguments.
FUNCTIONS: dict[str, Impl] = {}

#: the package whose semantics each implemented non-base function follows; every other
#: function in :data:`FUNCTIONS` is base R's. ``pkg::f`` is accepted only for that package.
PACKAGES: dict[str, str] = {
    **dict.fromkeys(("var", "sd", "median", "poly", "offset"), "stats"),
    **dict.fromkeys(("n", "if_else", "case_when"), "dplyr"),
    **dict.fromkeys(("ns", "bs"), "splines"),
}

CONSTANTS: dict[str, Any] = {"pi": np.pi, "T": True, "F": False}


@dataclass
class Context:
    """Where symbols are looked up: data columns first, then ``env``, then constants."""

    data: pd.DataFrame
    env: Mapping[str, Any] = field(default_factory=dict)
    depth: int = 0  # calls being evaluated, bounded by MAX_NESTING


def evaluate(expr: Any, data: pd.DataFrame, env: Mapping[str, Any] | None = None) -> pd.Series | pd.DataFrame:
    """Evaluate the R expression ``expr`` over the columns of ``data``.

    Returns a Series aligned with ``data`` (length-1 results are recycled, as dplyr
    does) or, for matrix-valued calls such as ``poly()``, a DataFrame. Series dtypes:
    float64 (double), Int32 (integer), boolean (logical), object (character) and
    category (factor).
    """
    value = eval_node(expr, Context(data, env or {}))
    if isinstance(value, pd.DataFrame):
        return value.set_axis(data.index) if len(value) == len(data) else value
    if len(value) == 1:
        value = recycle(value, len(data))
    index = data.index if len(value) == len(data) else None
    return pd.Series(value, index=index, dtype=object if kind(value) == "character" else None)


def eval_node(expr: Any, ctx: Context) -> RVector:
    """Evaluate one node of an R expression tree to an R vector."""
    if isinstance(expr, Lang):
        return _call(expr, ctx)
    if isinstance(expr, Sym):
        return _lookup(expr.name, ctx)
    if isinstance(expr, List):
        return {name: eval_node(value, ctx) for name, value in expr.items()}
    return as_vector(expr)


def _function_name(fn: Any) -> str:
    if isinstance(fn, Sym):
        return fn.name
    if isinstance(fn, Lang) and isinstance(fn.function, Sym) and fn.function.name in ("::", ":::"):
        return _qualified_name(fn.function.name, fn.args)
    raise UnsupportedObjectError(f"cannot evaluate a call to a computed function ({fn!r})")


def _symbol_text(node: Any) -> str | None:
    """The name in ``pkg::f``'s operands, which R accepts as symbols or strings."""
    if isinstance(node, Sym):
        return node.name
    if isinstance(node, Str) and len(node) == 1 and isinstance(node[0], str):
        return node[0]
    return None


def _qualified_name(op: str, args: list[tuple[str | None, Any]]) -> str:
    """``f`` of ``pkg::f`` when ``f`` is implemented with ``pkg``'s semantics; any other
    package's function of the same name may do something else, so it is refused."""
    parts = [_symbol_text(value) for _, value in args] if len(args) == 2 else []
    if len(parts) != 2 or None in parts:
        raise UnsupportedObjectError(f"malformed namespace-qualified call {op}({args!r})")
    package, name = parts
    if name not in FUNCTIONS or PACKAGES.get(name, "base") != package:
        raise UnsupportedStepError(
            f"{package}{op}{name}",
            f"only {', '.join(sorted(set(PACKAGES.values()) | {'base'}))} functions that "
            "pykerasnip implements with that package's semantics may be called with ::")
    return name


def _call(expr: Lang, ctx: Context) -> RVector:
    name = _function_name(expr.function)
    impl = FUNCTIONS.get(name)
    if impl is None:
        raise UnsupportedObjectError(
            f"the R function {name}() is not supported in stored expressions; "
            f"supported: {', '.join(sorted(FUNCTIONS))}")
    if ctx.depth >= MAX_NESTING:
        raise UnsupportedObjectError(f"a stored expression nests calls more than {MAX_NESTING} "
                                     "levels deep, more than pykerasnip evaluates")
    ctx.depth += 1
    try:
        return impl(expr.args, ctx)
    finally:
        ctx.depth -= 1


def _lookup(name: str, ctx: Context) -> RVector:
    if name in ctx.data.columns:
        return as_vector(ctx.data[name])
    for scope in (ctx.env, CONSTANTS):
        if name in scope:
            return as_vector(scope[name])
    raise ForgeError(f"object '{name}' not found: it is neither a column of the data nor a known variable")


def builtin(*names: str, lazy: bool = False) -> Callable[[Callable], Callable]:
    """Register ``fn`` under R ``names``. Eager functions get evaluated arguments
    (R argument names with dots become underscores); lazy ones get the raw call."""
    def decorate(fn: Callable) -> Callable:
        impl = fn if lazy else _eager(fn)
        FUNCTIONS.update(dict.fromkeys(names, impl))
        return fn
    return decorate


def _eager(fn: Callable[..., RVector]) -> Impl:
    signature = inspect.signature(fn)

    def impl(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
        positional = [eval_node(e, ctx) for name, e in args if not name]
        named = {name.replace(".", "_"): eval_node(e, ctx) for name, e in args if name}
        try:
            signature.bind(*positional, **named)
        except TypeError as err:
            raise UnsupportedObjectError(f"unsupported arguments in a stored expression: {err}") from None
        return fn(*positional, **named)
    return impl


def _scalar(value: RVector) -> Any:
    return value[0] if len(value) else None


@builtin("$", lazy=True)
def _dollar(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """``.data$col`` and ``.env$name`` (rlang pronouns)."""
    (_, owner), (_, member) = args
    name = member.name if isinstance(member, Sym) else _scalar(as_character(eval_node(member, ctx)))
    return _pronoun(owner, name, ctx)


@builtin("[[", lazy=True)
def _double_bracket(args: list[tuple[str | None, Any]], ctx: Context) -> RVector:
    """``.data[["col"]]`` and ``.env[["name"]]``."""
    (_, owner), (_, member) = args
    return _pronoun(owner, _scalar(as_character(eval_node(member, ctx))), ctx)


def _pronoun(owner: Any, name: str, ctx: Context) -> RVector:
    scopes = {".data": Context(ctx.data, {}), ".env": Context(ctx.data.iloc[:, :0], ctx.env)}
    if not isinstance(owner, Sym) or owner.name not in scopes:
        raise UnsupportedObjectError("only the .data and .env pronouns can be subset with $ or [[")
    return _lookup(name, scopes[owner.name])
