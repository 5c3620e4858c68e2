"""R's ``model.frame``: evaluate a terms object's variables over a data frame.

Each variable is computed from its ``predvars`` expression by the safe interpreter
(:mod:`pykerasnip.rexpr`), so stored data-dependent transformations such as
``poly(wt, 2, coefs = ...)`` are re-applied exactly. Factor levels can be imposed
(``xlev``), rows with missing values kept (``na.pass``) or dropped (``na.omit``), and
variable classes checked against the fitted ones (``.checkMFClasses``).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .. import rexpr
from ..errors import ForgeError
from ..hardhat.cast import column_kind
from ..rds.nodes import Lang, pairlist
from .terms import Terms

Column = pd.Series | pd.DataFrame


@dataclass
class ModelFrame:
    """A model frame: one column per terms variable (matrix-valued variables such as
    ``poly(x, 2)`` are DataFrames), and the terms with ``predvars``/``data_classes``."""

    columns: dict[str, Column]
    terms: Terms
    index: pd.Index

    def __len__(self) -> int:
        return len(self.index)

    def to_frame(self) -> pd.DataFrame:
        """A flat DataFrame (matrix columns become ``<name><colname>`` columns)."""
        parts = [col.add_prefix(name) if isinstance(col, pd.DataFrame) else col.rename(name)
                 for name, col in self.columns.items()]
        return pd.concat(parts, axis=1) if parts else pd.DataFrame(index=self.index)


MF_CLASSES = {"double": "numeric", "integer": "numeric", "logical": "logical", "factor": "factor",
              "ordered": "ordered", "character": "character"}


def mf_class(column: Column) -> str:
    """R's ``.MFclass``: the class name model frames record in ``dataClasses``."""
    if isinstance(column, pd.DataFrame):
        return f"nmatrix.{column.shape[1]}"
    return MF_CLASSES.get(column_kind(column), "other")


def _with_levels(column: Column, name: str, levels: Sequence[str]) -> Column:
    """``factor(x, levels = xlev)`` as model.frame applies it to factor and character
    variables (others are left for the class check); new levels are an error."""
    vector = rexpr.as_vector(column)
    if rexpr.kind(vector) not in ("factor", "character"):
        return column
    values = rexpr.as_character(vector)
    novel = sorted({v for v in values if v is not None} - set(levels))
    if novel:
        raise ForgeError(f"factor {name} has new level{'s' if len(novel) > 1 else ''} {', '.join(novel)}")
    ordered = rexpr.kind(vector) == "factor" and vector.ordered
    return pd.Series(pd.Categorical(values, categories=list(levels), ordered=ordered), index=column.index)


def _missing_rows(column: Column) -> np.ndarray:
    missing = column.isna()
    return missing.any(axis=1).to_numpy() if isinstance(column, pd.DataFrame) else missing.to_numpy()


def _predict_call(predvar: Any, column: Column) -> Any:
    """R's ``makepredictcall``: a data-dependent call (``poly``, ``ns``, ``bs``) gets
    the arguments that reproduce its fitted basis on new data."""
    stored = column.attrs.get("predict_args") if isinstance(column, pd.DataFrame) else None
    if not stored or not isinstance(predvar, Lang):
        return predvar
    kept = predvar.args if column.attrs["keep_args"] else predvar.args[:1]
    kept = [(n, v) for n, v in kept if n not in stored]
    return pairlist([(None, predvar.function), *kept, *stored.items()], cls=Lang)


def model_frame(terms: Terms, data: pd.DataFrame, na_action: str = "pass",
                xlevels: Mapping[str, Sequence[str]] | None = None) -> ModelFrame:
    """R's ``model.frame(terms, data, na.action, xlev)``.

    ``na_action`` is ``"pass"`` (keep rows with NA) or ``"omit"`` (drop them). The
    returned terms carry ``predvars`` with fitted coefficients and ``data_classes``.
    """
    names = terms.frame_names
    columns: dict[str, Column] = {}
    for name, predvar in zip(names, terms.predvars):
        value = rexpr.evaluate(predvar, data)
        if xlevels and name in xlevels:
            value = _with_levels(value, name, xlevels[name])
        columns[name] = value
    predvars = [_predict_call(p, columns[n]) for n, p in zip(names, terms.predvars)]
    index = data.index
    if na_action == "omit" and columns:
        keep = ~np.logical_or.reduce([_missing_rows(c) for c in columns.values()])
        columns = {n: c[keep] for n, c in columns.items()}
        index = index[keep]
    classes = {n: mf_class(c) for n, c in columns.items()}
    return ModelFrame(columns, replace(terms, predvars=predvars, data_classes=classes), index)


def check_classes(fitted: Mapping[str, str], frame: ModelFrame) -> None:
    """R's ``.checkMFClasses``: new variables must have the fitted classes (an ordered
    factor may stand in for a factor, a factor for a character)."""
    substitutes = {("factor", "ordered"), ("character", "factor")}
    wrong = [(name, fitted[name], mf_class(col)) for name, col in frame.columns.items()
             if name in fitted and fitted[name] != mf_class(col)
             and (fitted[name], mf_class(col)) not in substitutes]
    if len(wrong) == 1:
        name, old, new = wrong[0]
        raise ForgeError(f"variable '{name}' was fitted with type \"{old}\" but type \"{new}\" was supplied")
    if wrong:
        raise ForgeError("variables " + ", ".join(f"'{n}'" for n, _, _ in wrong)
                         + " were specified with different types from the fit")
