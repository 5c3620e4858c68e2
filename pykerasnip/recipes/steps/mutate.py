"""``step_mutate``: new or rewritten columns from expressions.

An R-made step holds arbitrary R code (quosures); only the expression shapes that
:func:`pykerasnip.rexpr.evaluate` whitelists can be replayed, anything else raises
:class:`UnsupportedStepError`. Python-made steps take R expressions as text
(``Total = "Gr_Liv_Area + Total_Bsmt_SF"``, evaluated the same way and written back to
R as quosures) or callables of the data frame (Python only).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pandas as pd

from ...errors import SpecError, UnsupportedObjectError, UnsupportedStepError
from ...formula.parse import parse
from ...rds import build as b
from ...rds.nodes import GlobalEnv, Lang, List
from ...rexpr import evaluate
from .base import Step, register, step_to_r, with_columns

Expression = Callable[[pd.DataFrame], Any]


def quosure_expression(quosure: Any) -> Any:
    """The expression a quosure (``~expr`` with class ``quosure``) wraps."""
    if isinstance(quosure, Lang) and len(quosure.args) == 1:
        return quosure.args[0][1]
    raise UnsupportedStepError("step_mutate", f"not a quosure: {quosure!r}")


@dataclass(frozen=True, eq=False)
class RExpression:
    """A stored R expression as a callable of a frame, evaluated with the whitelist; an
    object rather than a closure, so that fitted workflows pickle (Spark ships them,
    vetiver-python's joblib pins store them)."""

    expr: Any

    def __call__(self, data: pd.DataFrame) -> Any:
        try:
            return evaluate(self.expr, data)
        except UnsupportedObjectError as err:
            raise UnsupportedStepError("step_mutate", str(err)) from err


@register
class StepMutate(Step):
    """``step_mutate``: ``name = expression`` pairs evaluated in order, each seeing the
    columns made by the previous ones (``dplyr::mutate``)."""

    r_class = "step_mutate"

    def __init__(self, *terms: Any, **common: Any):
        step_args = {k: common.pop(k) for k in ("role", "trained", "skip", "id") if k in common}
        super().__init__(*terms, **step_args)
        wrong = [name for name, fn in common.items() if not (callable(fn) or isinstance(fn, str))]
        if wrong:
            raise SpecError(f"step_mutate: give each new column an R expression (text) or a "
                            f"callable of the data frame (not {', '.join(wrong)})")
        #: the R expression of each input, when it has one
        self.expressions = {name: parse(text) for name, text in common.items() if isinstance(text, str)}
        self.inputs: dict[str, Expression] = {
            name: RExpression(self.expressions[name]) if name in self.expressions else fn
            for name, fn in common.items()}

    @classmethod
    def from_r(cls, node: List) -> "StepMutate":
        step = super().from_r(node)
        inputs = node.get("inputs")
        step.expressions = {} if inputs is None else \
            {name: quosure_expression(q) for name, q in inputs.items()}
        step.inputs = {name: RExpression(expr) for name, expr in step.expressions.items()}
        return step

    def to_r(self) -> List:
        python_only = [name for name in self.inputs if name not in self.expressions]
        if python_only:
            raise UnsupportedStepError("step_mutate", "columns made by Python callables cannot be "
                                       f"written for R: {', '.join(python_only)}")
        inputs = b.quosures({name: b.quosure(expr, GlobalEnv) for name, expr in self.expressions.items()})
        return step_to_r(self, {".pkgs": b.chr(), "inputs": inputs}, with_terms=False)

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        for name, expression in self.inputs.items():
            data = with_columns(data, {name: expression(data)})
        return data
