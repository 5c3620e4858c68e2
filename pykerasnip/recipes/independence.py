"""Does a row's preprocessing depend on the other rows it is baked with?

Spark predicts a partition at a time and :mod:`pykerasnip.rowblocks` bakes big frames in
blocks of rows; both need every row to be processed from itself alone. A step breaks
that when it reads neighbouring rows (lags, windows, rolling imputation), when a
stored expression summarises the whole column it is given (``mean(x)``, ``scale(x)``
without stored centres), or when its options say so (``row_dependence()``, e.g. depths
drawn row after row). Blocks ask more: the whole frame must not be dropped, reordered
or permuted, and a seeded random stream must be drawn in the order one bake draws it.
"""
from __future__ import annotations

from typing import Any, Iterator

from ..formula.parse import deparse
from ..rds.nodes import Lang, List, Logical, Sym
from ..rrng import current_stream

#: R functions in stored expressions that summarise the whole column they are given (the
#: batch being baked), unless the arguments listed fix the summary to stored numbers
WHOLE_COLUMN_FUNCTIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("mean", "var", "sd", "median", "sum", "min", "max", "range", "n",
                     "cumsum", "cumprod", "cummax", "cummin", "rank", "lag", "lead",
                     "quantile", "row_number"), ()),
    "scale": ("center", "scale"), "poly": ("coefs",), "ns": ("knots", "Boundary.knots"),
    "bs": ("knots", "Boundary.knots"),
}


def whole_column_calls(expr: Any) -> Iterator[Lang]:
    """Calls in ``expr`` whose value depends on the whole batch of rows."""
    if isinstance(expr, Lang):
        name = expr.function.name if isinstance(expr.function, Sym) else None
        fixing = WHOLE_COLUMN_FUNCTIONS.get(name)
        if fixing is not None:
            given = {arg for arg, value in expr.args if arg and not isinstance(value, Logical)}
            if not fixing or not set(fixing) <= given:
                yield expr
                return
        for _, value in expr.args:
            yield from whole_column_calls(value)
    elif isinstance(expr, List):
        for value in expr.data:
            yield from whole_column_calls(value)


def step_problems(step: Any) -> list[str]:
    """Why ``step``'s bake of a row reads other rows (empty when it does not)."""
    if step.skip:
        return []
    if step.reads_neighbours:
        return [f"{step.r_class} (id {step.id!r}) reads neighbouring rows"]
    # a step that knows its options make rows depend on each other says why
    reason = getattr(step, "row_dependence", lambda: None)()
    if reason:
        return [f"{step.r_class} (id {step.id!r}) {reason}"]
    expressions = getattr(step, "expressions", None)
    if expressions is None:
        return []
    opaque = [name for name in getattr(step, "inputs", {}) if name not in expressions]
    problems = [f"{step.r_class} column {name!r} is a Python callable, which may read other rows"
                for name in opaque]
    return problems + [f"{step.r_class} column {name!r} = {deparse(expr)} summarises the whole "
                       f"column ({deparse(call)})"
                       for name, expr in expressions.items() for call in whole_column_calls(expr)]


def terms_problems(terms: Any, where: str) -> list[str]:
    """Why a formula's terms (their ``predvars``) summarise the whole column."""
    predvars = getattr(terms, "predvars", None) or []
    return [f"{where} term {deparse(var)} summarises the whole column ({deparse(call)})"
            for var in predvars for call in whole_column_calls(var)]


def recipe_problems(recipe: Any) -> list[str]:
    """Why a recipe's bake of a row reads other rows (empty when every row is baked
    from itself alone)."""
    return [p for step in getattr(recipe, "steps", []) for p in step_problems(step)]


def block_problems(recipe: Any) -> list[str]:
    """Why a recipe cannot be baked in blocks of rows whose results are stacked: a row
    reads other rows, a step works on the whole frame (drops, reorders or permutes
    rows), or a step draws from a seeded random stream (which one bake draws from in
    step order, all rows at a time)."""
    seeded = current_stream() is not None
    steps = [s for s in getattr(recipe, "steps", []) if not s.skip]
    return recipe_problems(recipe) + \
        [f"{s.r_class} (id {s.id!r}) works on the whole frame" for s in steps if s.whole_frame] + \
        [f"{s.r_class} (id {s.id!r}) draws from the seeded random stream"
         for s in steps if s.draws_random and seeded]


def row_dependence(obj: Any) -> list[str]:
    """Why predictions of ``obj`` (a fitted workflow or model fit) on a batch of rows
    would depend on the other rows of the batch (empty when every row is predicted from
    itself alone)."""
    blueprint = getattr(obj, "blueprint", None)
    fit = getattr(obj, "model_fit", None) or obj
    return recipe_problems(getattr(blueprint, "recipe", None)) + \
        terms_problems(getattr(blueprint, "terms", None), "formula") + \
        terms_problems(getattr(getattr(fit, "preproc", None), "terms", None), "model formula")
