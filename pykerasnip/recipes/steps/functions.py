"""``step_mutate_at``: one R function applied to each selected column
(``dplyr::mutate_at``). The function is replayed when it is an R primitive (``log``,
``sqrt``...), a ``~`` lambda in ``.x`` or a one-argument function whose body
:func:`pykerasnip.rexpr.evaluate` understands; anything else is R code Python does not run.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ...errors import UnsupportedObjectError, UnsupportedStepError
from ...formula.parse import parse
from ...rds import build as b
from ...rds.nodes import Builtin, Lang, List, Sym
from ...rexpr import evaluate
from .base import register
from .naming import InputsStep
from .recode import closure_expression

_ARG = ".x"


def column_function(fn: Any) -> Any:
    """The R expression in ``.x`` that ``fn`` computes (a name, ``~`` lambda text, R
    primitive, formula or one-argument closure)."""
    if isinstance(fn, str):
        return parse(fn.strip()[1:]) if fn.strip().startswith("~") else b.call(fn, b.sym(_ARG))
    if isinstance(fn, Builtin):
        return b.call(fn.name, b.sym(_ARG))
    if isinstance(fn, Lang) and isinstance(fn.function, Sym) and fn.function.name == "~":
        return fn.args[-1][1]
    argument, body = closure_expression(fn, "step_mutate_at")
    return _renamed(body, argument)


def _renamed(expr: Any, name: str) -> Any:
    """``expr`` with the symbol ``name`` replaced by ``.x``."""
    if isinstance(expr, Sym):
        return b.sym(_ARG) if expr.name == name else expr
    if isinstance(expr, Lang):
        args = [(tag, _renamed(value, name)) for tag, value in expr.args]
        return b.call(_renamed(expr.function, name),
                      *[v for t, v in args if not t], **{t: v for t, v in args if t})
    return expr


@register
class StepMutateAt(InputsStep):
    """``step_mutate_at``: each selected column replaced by ``fn(column)`` (``fn``: an R
    function name such as ``"log"`` or a lambda such as ``"~ .x * 2"``)."""

    r_class = "step_mutate_at"

    def __init__(self, *terms: Any, fn: Any = None, **common: Any):
        super().__init__(*terms, **common)
        self.expression = None if fn is None else column_function(fn)

    @classmethod
    def from_r(cls, node: List) -> "StepMutateAt":
        fn = node.get("fn")
        if isinstance(fn, List) and not fn.inherits("formula"):
            raise UnsupportedStepError(cls.r_class, "a list of functions (new columns per function)")
        step = super().from_r(node)
        step.expression = column_function(fn)
        return step

    def to_r(self) -> List:
        return self.lambda_to_r(self.expression)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        if self.expression is None:
            raise UnsupportedStepError(self.r_class, "`fn` is required")
        super().prep(data, info)

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        self.check_columns(data)
        out = {}
        for column in self.inputs:
            try:
                out[column] = evaluate(self.expression, pd.DataFrame({_ARG: data[column]}))
            except UnsupportedObjectError as err:
                raise UnsupportedStepError(self.r_class, str(err)) from err
        return data.assign(**out)
