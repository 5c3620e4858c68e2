"""mixOmics 6.23.3's partial least squares (``pls``, ``plsda``, ``spls``, ``splsda``) as
recipes' ``step_pls`` calls them (one study, no multilevel design), with mixOmics'
near-zero-variance filter and centred log ratio when asked; then the summary recipes
keeps (``butcher_pls``).

Every operation is R's: ``colMeans`` in long double, matrixStats' ``colSds`` in double,
``%*%``/``crossprod`` as the reference BLAS sums (:func:`~pykerasnip.rlinalg.matprod`,
:func:`~pykerasnip.rlinalg.crossprod`), ``rowSums`` in long double, the SVD start and
``norm(type = "2")`` through the system LAPACK's ``dgesdd`` and ``solve`` as ``dgesv``.
The fit (``internal_mint.block``) standardises both blocks, then for each component
starts from the first singular vectors of ``crossprod(X, Y)``, alternates the two
blocks' weights (each soft-thresholded to its ``keepX``/``keepY`` variables and scaled to
unit length) until the squared change falls below ``tol``, and deflates the residuals
(X on its scores; Y as ``mode`` says). Missing outcome values are left out of the sums
as mixOmics does; missing predictors leave R's ``solve()`` singular.
"""
from __future__ import annotations

import collections
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import SpecError
from .rds.altrep import format_reals
from .rlinalg import crossprod, matprod, mean_ld, row_sums, solve, svd, svd_values
from .rmath import libm, r_mean_one_pass

#: ``mode`` values of pls/spls (the first is the default; plsda/splsda use it)
MODES = ("regression", "canonical", "invariant", "classic")
#: outcome blocks wider than this start from RSpectra's ``svds`` (Spectra's restarted
#: Lanczos in C++ with Eigen's vectorised sums), not replayed
SVD_MAX_COLUMNS = 3


@dataclass(frozen=True)
class PlsSettings:
    """The arguments of one mixOmics fit: components, variables kept per component in
    each block (``keepX``, ``keepY``) and the tuning options."""

    ncomp: int
    keep_x: tuple[float, ...]
    keep_y: tuple[float, ...]
    scale: bool = True
    mode: str = "regression"
    tol: float = 1e-6
    max_iter: float = 100
    near_zero_var: bool = False
    logratio: str = "none"


@dataclass
class PlsFit:
    """What ``butcher_pls`` keeps: the predictors' centres ``mu`` and scales ``sd`` (None
    unscaled), ``coefs = W %*% solve(t(P) %*% W)`` (p x ncomp) and ``col_norms``, each
    score's squared 2-norm; ``kept``: the (0-based) predictors fitted, those the
    near-zero-variance filter left."""

    kept: np.ndarray
    mu: np.ndarray
    sd: np.ndarray | None
    coefs: np.ndarray
    col_norms: np.ndarray


def fail(message: str) -> SpecError:
    """The error of a fit R stops, as recipes reports it."""
    return SpecError(f"step_pls: failed to compute: {message}")


# --------------------------------------------------------------------------- arguments
#: each function's arguments after those recipes' ``pls_fit`` passes (X, Y, ncomp and,
#: for the sparse ones, keepX), in order
FORMALS = {
    "pls": ("scale", "mode", "tol", "max.iter", "near.zero.var", "logratio", "multilevel",
            "all.outputs", "verbose.call"),
    "plsda": ("scale", "tol", "max.iter", "near.zero.var", "logratio", "multilevel",
              "all.outputs"),
    "spls": ("mode", "keepY", "scale", "tol", "max.iter", "near.zero.var", "logratio",
             "multilevel", "all.outputs", "verbose.call"),
    "splsda": ("scale", "tol", "max.iter", "near.zero.var", "logratio", "multilevel",
               "all.outputs"),
}
#: arguments given already: pls_fit's own (x, y, ncomp, keepX) and those it passes on
_GIVEN = ("x", "y", "ncomp", "keepX", "X", "Y")
#: ``logratio`` values mixOmics accepts
LOGRATIOS = ("none", "CLR")


def function_name(classification: bool, sparse: bool) -> str:
    """The mixOmics function ``pls_fit`` calls."""
    return ("spls" if sparse else "pls") + ("da" if classification else "")


def match_options(options: Mapping[str, Any], function: str) -> dict[str, Any]:
    """``options`` matched to ``function``'s arguments as R matches a call's (exact
    names, then unique prefixes); R's errors for the others."""
    formals, matched = FORMALS[function], {}
    for name, value in options.items():
        if name in _GIVEN:
            raise fail(f'formal argument "{name}" matched by multiple actual arguments')
        hits = [name] if name in formals else \
            [f for f in formals if f.startswith(name) and f not in options]
        if not hits:
            raise fail(f"unused argument ({name} = ...)")
        if len(hits) > 1:
            raise fail(f"argument {name!r} matches multiple formal arguments")
        if hits[0] in matched:
            raise fail(f'formal argument "{hits[0]}" matched by multiple actual arguments')
        matched[hits[0]] = value
    return matched


def replayed(matched: Mapping[str, Any], n_predictors: int, n_outcomes: int) -> bool:
    """Does Python replay this fit? Not with a ``multilevel`` design, nor from RSpectra's
    ``svds`` start (wide outcome blocks)."""
    if matched.get("multilevel") is not None:
        return False
    return n_outcomes <= SVD_MAX_COLUMNS or min(n_predictors, n_outcomes) < 3


def _scalar(value: Any) -> Any:
    item = np.ravel(value)[0] if np.size(value) else None
    return item.item() if isinstance(item, np.generic) else item


def pls_settings(matched: Mapping[str, Any], ncomp: int, keep_x: tuple[float, ...],
                 n_outcomes: int) -> PlsSettings:
    """The fit's settings from the matched options, checked as mixOmics checks them."""
    scale, mode = _scalar(matched.get("scale", True)), _scalar(matched.get("mode", MODES[0]))
    tol, max_iter = _scalar(matched.get("tol", 1e-6)), _scalar(matched.get("max.iter", 100))
    near_zero_var = _scalar(matched.get("near.zero.var", False))
    logratio = _scalar(matched.get("logratio", LOGRATIOS[0]))
    for name, value in (("scale", scale), ("near.zero.var", near_zero_var)):
        if not isinstance(value, bool):
            raise fail(f"'{name}' must be either TRUE or FALSE")
    if logratio not in LOGRATIOS:
        raise fail("Choose one of the two following logratio transformation: none or CLR")
    if mode not in MODES:
        raise fail("Choose one of the four following modes: canonical, invariant, classic or "
                   "regression")
    for name, value in (("tol", tol), ("max.iter", max_iter)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
            raise fail(f"{name} must be non negative")
    keep_y = [float(k) for k in np.ravel(matched.get("keepY", []))]
    keep_y += [float(n_outcomes)] * (ncomp - len(keep_y))
    return PlsSettings(ncomp, keep_x, tuple(keep_y), scale, mode, float(tol), float(max_iter),
                       near_zero_var, logratio)


# --------------------------------------------------------------------------- filter, log ratio
FREQ_CUT, UNIQUE_CUT = 95 / 5, 10


def near_zero_variance(x: np.ndarray) -> np.ndarray:
    """mixOmics' ``nearZeroVar``: the columns with one value, or whose most frequent
    value (counted as ``table()`` does, by its 15-digit text) is more than 19 times as
    frequent as the next while they have at most 10% distinct values."""
    flagged = np.zeros(x.shape[1], dtype=bool)
    for j, column in enumerate(x.T):
        values = column[~np.isnan(column)]
        distinct = len(np.unique(values))
        ratio = 1.0 if distinct == len(values) else 0.0 if distinct == 1 else _freq_ratio(values)
        flagged[j] = (ratio > FREQ_CUT and 100 * distinct / len(column) <= UNIQUE_CUT) or \
            distinct <= 1
    return flagged


def _freq_ratio(values: np.ndarray) -> float:
    """``max(t) / max(t[-which.max(t)])`` of ``t = table(values)`` (-0 when the values
    share one text: ``max()`` of nothing is -Inf)."""
    counts = sorted(collections.Counter(format_reals(values)).values(), reverse=True)
    return counts[0] / counts[1] if len(counts) > 1 else -0.0


def centred_log_ratio(x: np.ndarray) -> np.ndarray:
    """mixOmics' ``clr.transfo`` (``logratio = "CLR"``): ``log(x / g)`` with ``g`` each
    row's geometric mean ``exp(mean(log(x)))`` (the C library's log and exp, R's mean)."""
    if np.isnan(x).any() or (x < 0).any():
        raise fail("For CLR transformation, data must be non-negative with no missing values")
    if (x == 0).any():
        raise fail("make sure you use pseudo counts before normalisation to avoid 0 values with "
                   "log ratio transformation")
    if x.shape[1] == 1:  # mixOmics returns a list, which colMeans() refuses
        raise fail("'x' must be numeric")
    log, exp = libm("log"), libm("exp")
    logs = log(x)
    means = exp(np.array([float(mean_ld(row)) for row in logs]))
    with np.errstate(over="ignore", under="ignore"):
        return log(x / means[:, None])


# --------------------------------------------------------------------------- scaling
def _col_sd(values: np.ndarray) -> float:
    """matrixStats' ``colSds(na.rm = TRUE)`` of one column: double sums, in order, of
    the values and of the squared deviations from their mean."""
    kept = values[~np.isnan(values)]
    if len(kept) <= 1:
        return np.nan
    mean = (np.cumsum(kept)[-1] + 0.0) / len(kept)
    return float(np.sqrt((np.cumsum((kept - mean) ** 2)[-1] + 0.0) / (len(kept) - 1)))


def scale_block(x: np.ndarray, scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """mixOmics' ``scale.function``: the centred (and, with ``scale``, scaled) block,
    its column means and standard deviations; a column of zero spread becomes zeros."""
    # colMeans(na.rm = TRUE)
    mean = np.array([r_mean_one_pass(col[~np.isnan(col)]) for col in x.T])
    with np.errstate(invalid="ignore", divide="ignore"):
        centred = x - mean
        if not scale:
            return centred, mean, None
        sd = np.array([_col_sd(col) for col in x.T])
        scaled = centred / sd
    scaled[:, sd == 0] = 0.0
    return scaled, mean, sd


# --------------------------------------------------------------------------- one component
def l2_normalized(x: np.ndarray) -> np.ndarray:
    """``l2.norm``: ``x / drop(sqrt(crossprod(x)))``."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return x / np.sqrt(crossprod(x[:, None])[0, 0])


def soft_threshold(x: np.ndarray, keep: float) -> np.ndarray:
    """``sparsity``/``soft_thresholding_L1``: all but the ``keep`` largest absolute
    weights (ties ranked by their maximum) set to zero, the kept ones shrunk by the
    largest dropped magnitude."""
    drop = len(x) - keep
    if drop <= 0:
        return x
    size = np.abs(x)
    selected = (size[None, :] <= size[:, None]).sum(axis=1) > drop
    if selected.all():
        return x
    return np.where(selected, np.sign(x) * (size - size[~selected].max()), 0.0)


def _squares_over_observed(v: np.ndarray, observed: np.ndarray, axis: int) -> np.ndarray:
    """``apply(temp, 2, crossprod)`` of mixOmics' missing-value code: the sum of squares
    of ``v`` over the observed cells along ``axis``, in order (the missing ones add
    zeros)."""
    squares = np.where(observed, v * v if axis == 1 else (v * v)[:, None], 0.0)
    return np.cumsum(squares, axis=axis).take(-1, axis=axis) + 0.0


def block_scores(block: np.ndarray, weights: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    """``A %*% a``; with missing cells (zeros in ``block``), each row's score divided by
    the squared norm of the weights of its observed variables (0 where none is)."""
    scores = matprod(block, weights[:, None])[:, 0]
    if missing is None:
        return scores
    norms = np.full(len(block), crossprod(weights[:, None])[0, 0])
    rows = missing.any(axis=1)
    norms[rows] = _squares_over_observed(weights, ~missing[rows], axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = scores / norms
    scores[np.isnan(scores)] = 0.0
    return scores


def deflate(block: np.ndarray, scores: np.ndarray, missing: np.ndarray | None) -> np.ndarray:
    """mixOmics' ``deflation``: ``X - tcrossprod(t, p)`` with the regression of each
    column on the scores ``p = crossprod(X, t) / crossprod(t)`` (over the observed rows
    of a column with missing cells, 0 where undefined)."""
    loading = crossprod(block, scores[:, None])[:, 0]
    norms = np.full(block.shape[1], crossprod(scores[:, None])[0, 0])
    with np.errstate(invalid="ignore", divide="ignore"):
        if missing is None:
            loading = loading / norms
        else:
            columns = missing.any(axis=0)
            norms[columns] = _squares_over_observed(scores, ~missing[:, columns], axis=0)
            loading = loading / norms
            loading[np.isnan(loading)] = 0.0
        return block - np.outer(scores, loading)


def svd_start(rx: np.ndarray, ry: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``initialisation_by_svd``: the first left and right singular vectors of
    ``crossprod(X, Y)`` (an outcome block of at most :data:`SVD_MAX_COLUMNS` columns)."""
    _, u, vt = svd(crossprod(rx, ry))
    return u[:, 0], vt[0, :]


@dataclass
class _Component:
    """One component: each block's weights and scores."""

    a: np.ndarray
    b: np.ndarray
    t: np.ndarray
    u: np.ndarray


def fit_component(rx: np.ndarray, ry: np.ndarray, miss_y: np.ndarray | None, keep_x: float,
                  keep_y: float, settings: PlsSettings) -> _Component:
    """``sparse.mint.block_iteration`` with the "horst" scheme on the two blocks."""
    a, b = svd_start(rx, ry)
    t, u = matprod(rx, a[:, None])[:, 0], block_scores(ry, b, miss_y)
    a, b = l2_normalized(a), l2_normalized(b)
    iteration = 1
    while True:
        old_a, old_b = a, b
        # Z = rowSums(design[q, ] * variates): the other block's scores, in long double
        a = l2_normalized(soft_threshold(crossprod(rx, row_sums(np.column_stack(
            [0.0 * t, u]))[:, None])[:, 0], keep_x))
        t = matprod(rx, a[:, None])[:, 0]
        b = l2_normalized(soft_threshold(crossprod(ry, row_sums(np.column_stack(
            [t, 0.0 * u]))[:, None])[:, 0], keep_y))
        u = block_scores(ry, b, miss_y)
        if iteration > settings.max_iter:
            warnings.warn("step_pls: the SGCCA algorithm did not converge", UserWarning,
                          stacklevel=3)
        change = max(crossprod((a - old_a)[:, None])[0, 0],
                     crossprod((b - old_b)[:, None])[0, 0])
        if np.isnan(change) and iteration <= settings.max_iter:
            raise fail("missing value where TRUE/FALSE needed (the weights are undefined)")
        if change < settings.tol or iteration > settings.max_iter:
            return _Component(a, b, t, u)
        iteration += 1


#: how each ``mode`` deflates the outcome block: (residual, component, missing) -> residual
_DEFLATE_Y: dict[str, Callable[[np.ndarray, _Component, np.ndarray | None], np.ndarray]] = {
    "regression": lambda ry, c, miss: deflate(ry, c.t, miss),
    "canonical": lambda ry, c, miss: deflate(ry, c.u, miss),
    "classic": lambda ry, c, miss: ry - np.outer(c.t, c.b),
    "invariant": lambda ry, c, miss: ry,
}


# --------------------------------------------------------------------------- the fit
def checked_predictors(x: np.ndarray, y: np.ndarray, settings: PlsSettings
                       ) -> tuple[np.ndarray, np.ndarray]:
    """``Check.entry.pls`` and ``internal_wrapper.mint`` before the fit: R's checks (and
    messages), the near-zero-variance filter and the log ratio. The predictors to fit and
    the (0-based) columns they are."""
    n, q = y.shape
    if settings.mode == "canonical" and settings.ncomp > q:
        raise fail(f"For `canonical mode', 'ncomp' needs to be lower than ncol(Y)= {q}")
    if any(k < 0 for k in settings.keep_y) or any(k > q for k in settings.keep_y):
        raise fail(f"each component of 'keepY' must be non negative and no greater than {q}")
    kept = np.flatnonzero(~near_zero_variance(x)) if settings.near_zero_var else \
        np.arange(x.shape[1])
    if not len(kept):
        raise fail("No more variables in X")
    if n <= 1:
        raise fail("At least one study has only one sample, please consider removing before "
                   "calling the function again")
    if n < 5:
        warnings.warn("step_pls: At least one study has less than 5 samples, mean centering "
                      "might not do as expected", UserWarning, stacklevel=3)
    x = x[:, kept]
    if settings.logratio == "CLR":
        x = centred_log_ratio(x)
    if settings.ncomp > min(x.shape):
        raise fail(f"'ncomp' should be smaller than {min(x.shape)}")
    if q > SVD_MAX_COLUMNS and min(x.shape[1], q) < 3:
        raise fail("nrow(A) and ncol(A) should be at least 3")  # RSpectra's svds()
    if not np.isfinite(x).all():
        # mixOmics fits around them, but their NaN scores reach solve(t(P) %*% W)
        raise SpecError("step_pls: missing or infinite predictor values: solve(): system is "
                        "computationally singular: reciprocal condition number = 0")
    return x, kept


def pls(x: np.ndarray, y: np.ndarray, settings: PlsSettings) -> PlsFit:
    """mixOmics' fit of the outcome block ``y`` (numeric columns, or a class indicator
    matrix) on the predictors ``x``, then ``butcher_pls``'s summary of it."""
    x, kept = checked_predictors(x, y, settings)
    keep_x = [min(k, x.shape[1]) for k in settings.keep_x]
    xs, mu, sd = scale_block(x, settings.scale)
    rx, (ry, _, _) = xs, scale_block(y, settings.scale)
    miss_y = np.isnan(ry) if np.isnan(ry).any() else None
    weights, scores = [], []
    for comp in range(settings.ncomp):
        if miss_y is not None:
            ry = np.where(miss_y, 0.0, ry)
        component = fit_component(rx, ry, miss_y, keep_x[comp], settings.keep_y[comp], settings)
        weights.append(component.a)
        scores.append(component.t)
        if comp + 1 < settings.ncomp:
            rx = deflate(rx, component.t, None)
            ry = _DEFLATE_Y[settings.mode](ry, component, miss_y)
    w, t = np.column_stack(weights), np.column_stack(scores)
    return PlsFit(kept, mu, sd, *_butcher(xs, w, t))


def _butcher(xs: np.ndarray, w: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """recipes' ``butcher_pls``: ``coefs`` and ``col_norms`` from the scaled predictors,
    the weights ``W`` and the scores."""
    p_loadings = crossprod(xs, t)
    coefs = matprod(w, solve(matprod(p_loadings.T, w)))
    norms = np.array([_square(svd_values(col[:, None])[0]) for col in t.T])
    return coefs, norms


def _square(value: float) -> float:
    """R's ``x^2``, which is ``x * x``."""
    return value * value


def class_indicators(codes: np.ndarray, n_levels: int) -> np.ndarray:
    """mixOmics' ``unmap``: one 0/1 column per class (codes 0-based, in level order)."""
    out = np.zeros((len(codes), n_levels))
    out[np.arange(len(codes)), codes] = 1.0
    return out
