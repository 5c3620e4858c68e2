"""``step_mutate``: new or rewritten columns from expressions.

An R-made step holds arbitrary R code (quosures); only the expression shapes that
:func:`pykerasnip.rexpr.evaluate` whitelists can be replayed, anything else raises
:class:`UnsupportedStepError`. Python-made steps take callables of the data frame.
"""
from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from ...errors import SpecError, UnsupportedObjectError, UnsupportedStepError
from ...rds.nodes import Lang, List
from .base import Step, register

Expression = Callable[[pd.DataFrame], Any]


def quosure_expression(quosure: Any) -> Any:
    """The expression a quosure (``~expr`` with class ``quosure``) wraps."""
    if isinstance(quosure, Lang) and len(quosure.args) == 1:
        return quosure.args[0][1]
    raise UnsupportedStepError("step_mutate", f"not a quosure: {quosure!r}")


def r_expression(expr: Any) -> Expression:
    """A callable evaluating a stored R expression over a frame with the whitelist."""
    from ...rexpr import evaluate

    def run(data: pd.DataFrame) -> Any:
        try:
            return evaluate(expr, data)
        except UnsupportedObjectError as err:
            raise UnsupportedStepError("step_mutate", str(err)) from err
    return run


@register
class StepMutate(Step):
    """``step_mutate``: ``name = expression`` pairs evaluated in order, each seeing the
    columns made by the previous ones (``dplyr::mutate``)."""

    r_class = "step_mutate"

    def __init__(self, *terms: Any, **common: Any):
        step_args = {k: common.pop(k) for k in ("role", "trained", "skip", "id") if k in common}
        super().__init__(*terms, **step_args)
        wrong = [name for name, fn in common.items() if not callable(fn)]
        if wrong:
            raise SpecError(f"step_mutate: give each new column a callable of the data frame "
                            f"(not {', '.join(wrong)})")
        self.inputs: dict[str, Expression] = dict(common)

    @classmethod
    def from_r(cls, node: List) -> "StepMutate":
        step = super().from_r(node)
        inputs = node.get("inputs")
        step.inputs = {} if inputs is None else \
            {name: r_expression(quosure_expression(q)) for name, q in inputs.items()}
        return step

    def prep(self, data: pd.DataFrame, info: pd.DataFrame) -> None:
        self.trained = True

    def bake(self, data: pd.DataFrame) -> pd.DataFrame:
        out = data.copy()
        for name, expression in self.inputs.items():
            out[name] = expression(out)
        return out
