"""Renaming steps: step_rename (``new = old`` pairs) and step_rename_at (a function of
the names).

step_rename_at's R function is replayed when it is ``toupper``/``tolower`` or a lambda
(``~ paste0("x_", .x)``) built from ``paste``, ``paste0``, ``toupper``, ``tolower``,
``sub``, ``gsub`` and string constants; anything else is R code Python does not run.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import pandas as pd

from ...errors import SpecError, UnsupportedStepError
from ...formula.parse import check_nesting, parse
from ...rds import build as b
from ...rds.nodes import Builtin, Closure, GlobalEnv, Lang, List, Str, Sym
from .base import Step, closure_body, named_chr, register, step_to_r
from .mutate import quosure_expression
from .text import r_regex


# --------------------------------------------------------------------------- step_rename
def _old_name(expr: Any) -> str:
    if isinstance(expr, Sym):
        return expr.name
    if isinstance(expr, Str) and len(expr.data) == 1:
        return str(expr.data[0])
    raise UnsupportedStepError("step_rename", f"renaming by the expression {expr!r} (only column "
                                              "names are replayed)")


@register
class StepRename(Step):
    """``step_rename``: ``new = "old"`` pairs, as ``dplyr::rename``."""

    r_class = "step_rename"

    def __init__(self, *terms: Any, **renames: Any):
        common = {k: renames.pop(k) for k in ("role", "trained", "skip", "id") if k in renames}
        super().__init__(*terms, **common)
        wrong = [new for new, old in renames.items() if not isinstance(old, str)]
        if wrong:
            raise SpecError(f"step_rename: give each new name an existing column name ({wrong})")
        self.renames: dict[str, str] = dict(renames)

    @classmethod
    def from_r(cls, node: List) -> "StepRename":
        step = super().from_r(node)
        inputs = node.get("inputs")
        step.renames = {} if inputs is None else \
            {new: _old_name(quosure_expression(q)) for new, q in inputs.items()}
        return step

    def to_r(self) -> List:
        inputs = b.quosures({new: b.quosure(b.sym(old), GlobalEnv) for new, old in self.renames.items()})
        empty = b.structure(b.r_list([]), {"class": ["quosures", "list"]})
        return step_to_r(self, {"inputs": inputs}, terms=empty)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.check_columns(data)
        self.trained = True

    def required_columns(self) -> list[str]:
        return list(self.renames.values())

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        return rename_columns(data, {old: new for new, old in self.renames.items()}, self.r_class)


def rename_columns(data: pd.DataFrame, mapping: dict[str, str], step: str) -> pd.DataFrame:
    """``data`` with columns renamed (in place); a new name may not clash with a kept one."""
    names = [mapping.get(c, c) for c in data.columns]
    if len(set(names)) < len(names):
        clash = sorted({n for n in names if names.count(n) > 1})
        raise SpecError(f"{step}: names must be unique; {', '.join(clash)} would be repeated")
    return data.set_axis(names, axis=1)


# --------------------------------------------------------------------------- step_rename_at
NameFunction = Callable[[list[str]], list[str]]


def _string_args(args: list[tuple[str | None, Any]], names: list[str]) -> tuple[list, dict]:
    positional, named = [], {}
    for tag, value in args:
        (named.__setitem__(tag, _evaluate(value, names)) if tag else
         positional.append(_evaluate(value, names)))
    return positional, named


def _recycled(values: list, n: int) -> list[str]:
    return [str(v) for v in (values * n if len(values) == 1 else values)]


def _paste(sep: str) -> Callable[..., list[str]]:
    def paste(*parts: list, sep: tuple[str, ...] | list[str] = (sep,)) -> list[str]:
        n = max(len(p) for p in parts)
        return [sep[0].join(col) for col in zip(*(_recycled(p, n) for p in parts))]
    return paste


def _substitute(count: int) -> Callable[..., list[str]]:
    def substitute(pattern: list, replacement: list, x: list, fixed: list | None = None,
                   **options: list) -> list[str]:
        regex = r_regex(pattern[0], fixed=bool(fixed and fixed[0]),
                        ignore_case=bool(options.get("ignore.case", [False])[0]))
        repl = replacement[0].replace("\\", "\\\\") if fixed and fixed[0] else \
            re.sub(r"\\(\d)", r"\\g<\1>", replacement[0])
        return [regex.sub(repl, v, count=count) for v in x]
    return substitute


STRING_FUNCTIONS: dict[str, Callable[..., list[str]]] = {
    "paste0": _paste(""), "paste": _paste(" "),
    "toupper": lambda x: [v.upper() for v in x], "tolower": lambda x: [v.lower() for v in x],
    "sub": _substitute(1), "gsub": _substitute(0),
}


def _evaluate(expr: Any, names: list[str]) -> list:
    if isinstance(expr, Sym) and expr.name in (".x", ".", "x"):
        return list(names)
    if isinstance(expr, Str):
        return [str(v) for v in expr.data]
    if hasattr(expr, "data") and not isinstance(expr, Lang):
        return list(expr.data)
    if isinstance(expr, Lang) and isinstance(expr.function, Sym) and expr.function.name in STRING_FUNCTIONS:
        positional, named = _string_args(list(expr.args), names)
        return STRING_FUNCTIONS[expr.function.name](*positional, **named)
    raise UnsupportedStepError("step_rename_at", f"the naming expression {expr!r}")


def name_function(fn: Any) -> tuple[NameFunction, Any]:
    """(Python function, R expression in ``.x``) for step_rename_at's ``fn``: a base
    function, a function name, or a ``~`` lambda."""
    if isinstance(fn, str):
        expr = parse(fn.lstrip("~ ")) if fn.lstrip().startswith("~") else b.call(fn, b.sym(".x"))
    elif isinstance(fn, Lang) and isinstance(fn.function, Sym) and fn.function.name == "~":
        expr = fn.args[-1][1]
    elif isinstance(fn, Builtin) or isinstance(fn, Closure):
        expr = b.call(_base_function_name(fn), b.sym(".x"))
    else:
        raise UnsupportedStepError("step_rename_at", f"the function {fn!r}")
    check_nesting(expr, "step_rename_at's naming function")
    return functools.partial(_evaluate, expr), expr  # a partial pickles, a lambda does not


def _base_function_name(fn: Any) -> str:
    if isinstance(fn, Builtin) and fn.name in STRING_FUNCTIONS:
        return fn.name
    text = repr(closure_body(fn))
    for name in ("toupper", "tolower"):
        if f"Sym('{name}')" in text and fn.arg_names == ["x"]:
            return name
    raise UnsupportedStepError("step_rename_at", f"the function {fn!r} is R code")


class InputsStep(Step):
    """A step applying an R function to the selected columns, kept in ``inputs``."""

    def __init__(self, *terms: Any, **common: Any):
        super().__init__(*terms, **common)
        self.inputs: list[str] = []

    @classmethod
    def from_r(cls, node: List) -> "InputsStep":
        step = super().from_r(node)
        inputs = node.get("inputs")
        step.inputs = [str(v) for v in inputs.data] if isinstance(inputs, Str) else []
        return step

    def lambda_to_r(self, expression: Any) -> List:
        """The step with ``fn`` written as the lambda ``~ expression``."""
        lam = b.structure(b.call("~", expression), {"class": "formula", ".Environment": GlobalEnv})
        return step_to_r(self, {"fn": lam, "inputs": named_chr(self.inputs) if self.trained else None})

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.inputs = self.select(info)
        self.trained = True

    def required_columns(self) -> list[str]:
        return self.inputs


@register
class StepRenameAt(InputsStep):
    """``step_rename_at``: the selected columns renamed by ``fn`` (``"toupper"``,
    ``"tolower"`` or an R lambda such as ``"~ paste0('x_', .x)"``)."""

    r_class = "step_rename_at"

    def __init__(self, *terms: Any, fn: Any = None, **common: Any):
        super().__init__(*terms, **common)
        if fn is None and not self.trained:
            raise SpecError("step_rename_at: `fn` is required")
        self.fn, self.expression = name_function(fn) if fn is not None else (None, None)

    @classmethod
    def from_r(cls, node: List) -> "StepRenameAt":
        step = super().from_r(node)
        step.fn, step.expression = name_function(node.get("fn"))
        return step

    def to_r(self) -> List:
        return self.lambda_to_r(self.expression)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        new = self.fn(list(self.inputs))
        return rename_columns(data, dict(zip(self.inputs, new)), self.r_class)
