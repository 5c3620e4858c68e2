"""Builtins that make matrices: ``poly``, ``ns``, ``bs`` and ``scale`` from one variable,
``cbind`` from several (a multivariate outcome).

A matrix computed from the data records, in ``attrs["predict_args"]``, the arguments R's
``makepredictcall`` would store in a terms object's ``predvars`` (coefficients, knots,
center and scale), so that new data gets the same basis.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from .. import rmath
from ..rlinalg import sum_ld
from ..errors import ForgeError, UnsupportedObjectError
from ..rds.nodes import Integer, List, Logical, Real, Str, Sym
from .evaluator import Context, builtin, eval_node
from .values import RVector, as_double, kind, logical_arg, numeric_arg


@builtin("poly")
def _poly(x: RVector, degree: RVector | None = None, coefs: dict | None = None,
          raw: RVector | None = None) -> pd.DataFrame:
    """``stats::poly``: the orthogonal polynomial basis (stored ``coefs`` when given,
    as in the ``predvars`` of a terms object)."""
    values = numeric_arg(x, "poly")
    d = 1 if degree is None else int(as_double(degree)[0])
    if logical_arg(raw):
        return _matrix(rmath.poly_raw(values, d))
    if coefs is None:
        _require_complete(values, "poly")
        basis, alpha, norm2 = rmath.poly_fit(values, d)
    else:
        alpha, norm2 = as_double(coefs["alpha"]), as_double(coefs["norm2"])
        basis = rmath.poly_predict(values, alpha, norm2)
    stored = List([Real(alpha), Real(norm2)]).set_attr("names", Str(["alpha", "norm2"]))
    return _matrix(basis, {"coefs": stored}, keep_args=True)


def _interior_knots(values: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` interior knots ``bs()``/``ns()`` place at quantiles of the data."""
    probs = np.linspace(0, 1, count + 2)[1:-1]
    return rmath.quantile7(values[~np.isnan(values)], probs) if count > 0 else np.array([])


def _spline_knots(values: np.ndarray, df: RVector | None, knots: RVector | None,
                  boundary: RVector | None, n_interior: Callable[[int], int], what: str) -> tuple[np.ndarray, np.ndarray]:
    _require_some(values, what)  # even with stored knots: splines' ns()/bs() stop there
    if boundary is None:
        boundary = rmath.na_rm_range(values)
    if knots is None:
        knots = _interior_knots(values, n_interior(int(as_double(df)[0])) if df is not None else 0)
    return as_double(knots), as_double(boundary)


@builtin("ns")
def _ns(x: RVector, df: RVector | None = None, knots: RVector | None = None,
        intercept: RVector | None = None, Boundary_knots: RVector | None = None) -> pd.DataFrame:
    """``splines::ns``: natural cubic spline basis (stored knots when given)."""
    values = numeric_arg(x, "ns")
    has_intercept = logical_arg(intercept)
    inner, boundary = _spline_knots(values, df, knots, Boundary_knots, lambda n: n - 1 - has_intercept, "ns")
    try:
        basis = rmath.ns_basis(values, inner, boundary, intercept=has_intercept)
    except ValueError as err:
        raise ForgeError(f"ns(): {err}") from None
    return _matrix(basis, {"knots": Real(inner), "Boundary.knots": Real(boundary),
                           "intercept": Logical([int(has_intercept)])})


@builtin("bs")
def _bs(x: RVector, df: RVector | None = None, knots: RVector | None = None, degree: RVector | None = None,
        intercept: RVector | None = None, Boundary_knots: RVector | None = None) -> pd.DataFrame:
    """``splines::bs``: B-spline basis (stored knots when given)."""
    values = numeric_arg(x, "bs")
    order = 3 if degree is None else int(as_double(degree)[0])
    has_intercept = logical_arg(intercept)
    inner, boundary = _spline_knots(values, df, knots, Boundary_knots,
                                    lambda n: n - order - 1 + (not has_intercept), "bs")
    basis = rmath.bs_basis(values, inner, boundary, degree=order, intercept=has_intercept)
    return _matrix(basis, {"degree": Integer([order]), "knots": Real(inner), "Boundary.knots": Real(boundary),
                           "intercept": Logical([int(has_intercept)])})


def _scale_amount(arg: RVector | None, values: np.ndarray, default: Callable[[np.ndarray], float]) -> float | None:
    """``scale()``'s center/scale argument: TRUE (or missing) computes it from the data,
    FALSE skips it, a number is used as given."""
    if arg is not None and kind(arg) != "logical":
        return float(as_double(arg)[0])
    return default(values) if logical_arg(arg, True) else None


def _present_sum(values: np.ndarray) -> tuple[float, int]:
    """R's long-double sum of the non-missing ``values`` (rounded to double at the end,
    as ``sum()`` does) and their count."""
    present = values[~np.isnan(values)]
    return (sum_ld(present) if len(present) else np.longdouble(0)), len(present)


def _column_mean(values: np.ndarray) -> float:
    """``colMeans(x, na.rm = TRUE)`` of one column: the sum divided in long double."""
    total, count = _present_sum(values)
    return float(total / count) if count else float("nan")


def _root_mean_square(values: np.ndarray) -> float:
    """``scale()``'s default scale: ``sqrt(sum(v^2) / max(1, length(v) - 1))`` of the
    non-missing values."""
    total, count = _present_sum(values * values)
    return float(np.sqrt(float(total) / max(1, count - 1)))


@builtin("scale")
def _scale(x: RVector, center: RVector | None = None, scale: RVector | None = None) -> pd.DataFrame:
    """``base::scale`` of one variable: a one-column matrix (stored center and scale
    are reused on new data through the terms' ``predvars``)."""
    values = numeric_arg(x, "scale")
    stored = {}
    shift = _scale_amount(center, values, _column_mean)
    if shift is not None:
        values, stored["center"] = values - shift, Real([shift])
    spread = _scale_amount(scale, values, _root_mean_square)
    if spread is not None:
        values, stored["scale"] = values / spread, Real([spread])
    return _matrix(values[:, None], stored, keep_args=True, names=[""])


def _require_complete(values: np.ndarray, what: str) -> None:
    if np.isnan(values).any():
        raise ForgeError(f"missing values are not allowed in '{what}' (when computing its coefficients)")


def _require_some(values: np.ndarray, what: str) -> None:
    if np.isnan(values).all():
        raise ForgeError(f"'{what}' needs at least one non-missing value (R: length of 'derivs' is "
                         "larger than length of 'x')")


def _matrix(values: np.ndarray, predict_args: dict[str, Any] | None = None,
            keep_args: bool = False, names: list[str] | None = None) -> pd.DataFrame:
    """A basis matrix (columns "1", "2", ... unless ``names`` are given; "" = R's
    matrix without column names). ``predict_args`` are the R arguments
    ``makepredictcall`` stores in the terms' ``predvars`` so that new data gets the
    same basis; ``keep_args`` keeps the call's other arguments (``poly``), otherwise
    only ``x`` is kept (``ns``/``bs``)."""
    columns = names if names is not None else [str(i + 1) for i in range(values.shape[1])]
    frame = pd.DataFrame(values, columns=columns)
    if predict_args:
        frame.attrs.update(predict_args=predict_args, keep_args=keep_args)
    return frame


#: kinds of vectors ``cbind`` binds here, in R's order of coercion (the last present wins)
_BINDABLE = ("logical", "integer", "double")


@builtin("cbind", lazy=True)
def _cbind(args: list[tuple[str | None, Any]], ctx: Context) -> pd.DataFrame:
    """``cbind`` of logical or numeric vectors (``cbind(y1, y2) ~ x``): a matrix of
    their common type; columns named by the argument's tag or symbol (R's
    ``deparse.level = 1``), "" otherwise."""
    values = [eval_node(expr, ctx) for _, expr in args]
    kinds = [kind(v) for v in values]
    if not values or any(k not in _BINDABLE for k in kinds):
        raise UnsupportedObjectError(f"cbind() of {kinds} vectors is not supported in stored "
                                     "expressions (logical and numeric ones are)")
    common = max(kinds, key=_BINDABLE.index)
    dtype = {"logical": "boolean", "integer": "Int32", "double": float}[common]
    columns = [pd.Series(as_double(v) if common == "double" else v).astype(dtype) for v in values]
    frame = pd.concat(columns, axis=1, ignore_index=True)
    frame.columns = [name or (expr.name if isinstance(expr, Sym) else "") for name, expr in args]
    return frame
