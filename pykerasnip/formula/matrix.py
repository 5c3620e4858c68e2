"""R's ``model.matrix``: the numeric design matrix of a model frame.

Numeric variables give one column named after the variable, numeric matrices one
column per matrix column (``poly(wt, 2)1``), dates and date-times their numbers (days,
seconds), and factors (characters and logicals are
factors here) their contrast columns: treatment contrasts (``Speciesversicolor``) for
unordered factors, polynomial contrasts (``f.L``, ``f.Q``) for ordered ones, or all
indicator columns when the terms' coding says so -- including R's rule that, without
an intercept, the first factor gets all its levels. ``one_hot`` gives every unordered
factor and character variable all its indicator columns (hardhat's
``indicators = "one_hot"``; logicals keep treatment coding, as there).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import rexpr, rmath
from ..errors import ForgeError
from ..convert import datetime_numbers
from .frame import Column, ModelFrame


@dataclass(frozen=True)
class Coding:
    """One variable's design columns: ``full`` (all indicators, or the numeric values)
    and ``contrasted`` (the columns used when the coding matrix says 1)."""

    full: pd.DataFrame
    contrasted: pd.DataFrame
    is_factor: bool


def _as_factor(column: pd.Series) -> pd.Categorical:
    values = rexpr.as_vector(column)
    if rexpr.kind(values) == "logical":
        return pd.Categorical(rexpr.as_character(values), categories=["FALSE", "TRUE"])
    return rexpr.as_factor(values)


def _indicators(factor: pd.Categorical) -> np.ndarray:
    codes = factor.codes
    out = (codes[:, None] == np.arange(len(factor.categories))[None, :]).astype(float)
    out[codes < 0] = np.nan
    return out


def _contrasts(factor: pd.Categorical, one_hot: bool) -> tuple[np.ndarray, list[str]]:
    levels = [str(level) for level in factor.categories]
    k = len(levels)
    if factor.ordered:
        return rmath.contr_poly(k), rmath.contr_poly_names(k)
    if one_hot:
        return np.eye(k), levels
    return np.eye(k)[:, 1:], levels[1:]


def variable_coding(column: Column, one_hot: bool = False) -> Coding:
    """The design columns of one model-frame variable (names are suffixes)."""
    if isinstance(column, pd.DataFrame):
        numeric = column.astype(float).set_axis(list(column.columns), axis=1)
        return Coding(numeric, numeric, False)
    if pd.api.types.is_datetime64_any_dtype(column):  # R: a Date/POSIXct is its number
        numeric = pd.DataFrame({"": datetime_numbers(column)}, index=column.index)
        return Coding(numeric, numeric, False)
    kind = rexpr.kind(rexpr.as_vector(column))
    if kind in ("double", "integer"):
        numeric = pd.DataFrame({"": rexpr.as_double(rexpr.as_vector(column))}, index=column.index)
        return Coding(numeric, numeric, False)
    factor = _as_factor(column)
    if len(factor.categories) < 2:  # R's `contrasts<-`, with or without contrasts (one_hot)
        raise ForgeError("contrasts can be applied only to factors with 2 or more levels")
    dummies = _indicators(factor)
    full = pd.DataFrame(dummies, columns=[str(c) for c in factor.categories], index=column.index)
    contrast, names = _contrasts(factor, one_hot and kind != "logical")
    return Coding(full, pd.DataFrame(dummies @ contrast, columns=names, index=column.index), True)


def _term_block(codings: list[tuple[str, pd.DataFrame]], index: pd.Index) -> pd.DataFrame:
    """Columns of one term: products of its variables' columns, the first variable
    varying fastest, names joined with ``:``."""
    names, values = [""], [np.ones(len(index))]
    for var_name, block in codings:
        names = [f"{n}:{var_name}{c}" if n else f"{var_name}{c}" for c in block.columns for n in names]
        with np.errstate(invalid="ignore"):  # R's NA is a signalling NaN to the FPU
            values = [v * block[c].to_numpy() for c in block.columns for v in values]
    return pd.DataFrame(dict(zip(names, values)), index=index)


def _coding_codes(frame: ModelFrame, codings: dict[str, Coding]) -> np.ndarray:
    """The terms' coding matrix, with R's no-intercept adjustment: the first factor
    met (term by term) is coded by all its indicators."""
    codes = frame.terms.factors.copy()
    if frame.terms.intercept:
        return codes
    names = frame.terms.frame_names
    for j in range(codes.shape[1]):
        for i in np.flatnonzero(codes[:, j]):
            if codings[names[i]].is_factor and codings[names[i]].full.shape[1] > 1:
                codes[i, j] = 2
                return codes
    return codes


def model_matrix(frame: ModelFrame, one_hot: bool = False) -> pd.DataFrame:
    """R's ``model.matrix(terms, frame)`` (float64 columns, R's column names); rows with
    missing values give NA entries."""
    terms = frame.terms
    names, labels = terms.frame_names, terms.variable_names
    used = {names[i] for vars_ in terms.term_variables() for i in vars_}
    codings = {n: variable_coding(frame.columns[n], one_hot) for n in names if n in used}
    codes = _coding_codes(frame, codings)
    blocks = [pd.DataFrame({"(Intercept)": np.ones(len(frame))}, index=frame.index)] if terms.intercept else []
    for j, vars_ in enumerate(terms.term_variables()):
        parts = [(labels[i], codings[names[i]].full if codes[i, j] == 2 else codings[names[i]].contrasted)
                 for i in vars_]
        blocks.append(_term_block(parts, frame.index))
    return pd.concat(blocks, axis=1) if blocks else pd.DataFrame(index=frame.index, columns=[])
