"""fastICA's C method (``fastICA(X, n.comp, method = "C")``, package 1.2-3), operation by
operation: the routine ``icainc_JM`` and its helpers, with every product the reference
``dgemm`` (each entry summed over the inner index in order, zeros included), every SVD
the system LAPACK's ``dgesdd`` with fastICA's workspace, and ``tanh``/``exp`` the C
library's. The start ``w.init`` is R's ``rnorm(n.comp^2)``, as fastICA draws it.

The C code sees R's column-major ``X`` (n rows, p columns) as a row-major p x n matrix;
here too every matrix is the C code's row-major one, and :func:`fastica_c` returns the
``K`` (p x n.comp) and ``W`` (n.comp x n.comp) R reads back.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import ForgeError
from .rlinalg import svd_full
from .rmath import libm
from .rrng import RRandom


@dataclass(frozen=True)
class IcaOptions:
    """fastICA's tuning arguments that the C method uses."""

    n_comp: int
    parallel: bool = True  # alg.typ "parallel", else "deflation"
    logcosh: bool = True  # fun "logcosh", else "exp"
    alpha: float = 1.0
    row_norm: bool = False
    maxit: int = 200
    tol: float = 1e-4


def gemm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` as the reference ``dgemm`` sums it: over the inner index in order, from +0."""
    out = np.zeros((a.shape[0], b.shape[1]))
    for k in range(a.shape[1]):
        out += a[:, k, None] * b[None, k, :]
    return out


def _running_sum(x: np.ndarray) -> np.ndarray:
    """Each row of ``x`` summed in order in double (a C loop's ``+=``)."""
    return np.cumsum(x, axis=1)[:, -1] if x.shape[1] else np.zeros(x.shape[0])


def _svd(mat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``svd_JM`` of a square matrix: u and d (``jobz = "A"``, fastICA's ``lwork``)."""
    e = mat.shape[0]
    d, u, _ = svd_full(mat, 3 * e * e + max(e, 4 * e * e + 4 * e))
    return u, d


def _diag(values: np.ndarray) -> np.ndarray:
    out = np.zeros((len(values), len(values)))
    np.fill_diagonal(out, values)
    return out


def _orthogonalise(w: np.ndarray) -> np.ndarray:
    """``orthog_mat_JM``: ``u diag(1/d) u' w`` for ``w = u diag(d) v'``."""
    u, d = _svd(w)
    return gemm(gemm(gemm(u, _diag(1 / d)), u.T.copy()), w)


def _centre(data: np.ndarray) -> np.ndarray:
    """``rowcentre_JM``: each row minus its mean, summed as ``x / n`` terms."""
    return data - _running_sum(data / data.shape[1])[:, None]


def _standardise(data: np.ndarray) -> np.ndarray:
    """``colstandard_JM``: each column to mean 0 and (n - 1)-variance 1."""
    n = data.shape[0]
    mean = np.cumsum(data, axis=0)[-1] / n
    var = (np.cumsum(data * data, axis=0)[-1] - n * mean * mean) / (n - 1)
    return (data - mean) / np.sqrt(var)


def _whitening(data: np.ndarray) -> np.ndarray:
    """``calc_K_JM``: ``diag(1/sqrt(d)) u'`` of the SVD of ``data data' / n``."""
    u, d = _svd(gemm(data, data.T.copy()) / data.shape[1])
    return gemm(_diag(1 / np.sqrt(d)), u.T.copy())


def _g(y: np.ndarray, alpha: float, logcosh: bool) -> tuple[np.ndarray, np.ndarray]:
    """The contrast's derivative and second derivative at ``y`` (``alpha * y`` for logcosh)."""
    if logcosh:
        g = libm("tanh")(alpha * y)
        return g, alpha * (1 - g * g)
    gauss = libm("exp")(-0.5 * y * y)
    return y * gauss, (1 - y * y) * gauss


def _symmetric_step(w: np.ndarray, data: np.ndarray, opts: IcaOptions) -> tuple[np.ndarray, float]:
    """``Symm_logcosh_JM`` / ``Symm_exp_JM``: one parallel update and its tolerance."""
    p = data.shape[1]
    g, dg = _g(gemm(w, data), opts.alpha, opts.logcosh)
    new = _orthogonalise(gemm(g, data.T / p) - gemm(_diag(_running_sum(dg / p)), w))
    change = np.abs(1 - np.abs(np.diag(gemm(new, w.T.copy()))))
    return new, float(np.max(change, initial=0.0, where=change > 0))  # C's max skips NaN


def _parallel(w: np.ndarray, data: np.ndarray, opts: IcaOptions) -> np.ndarray:
    w, tol = _symmetric_step(w, data, opts)
    it = 2
    while tol > opts.tol and it < opts.maxit:
        w, tol = _symmetric_step(w, data, opts)
        it += 1
    return w


def _gram_schmidt(w: np.ndarray, k: int) -> None:
    """``gramsch_JM`` then ``rowstd_JM`` on row ``k`` of ``w``, in place."""
    for i in range(k):
        w[k] = w[k] - w[i] * _running_sum((w[i] * w[k])[None, :])[0]
    w[k] = w[k] / np.sqrt(_running_sum((w[k] * w[k])[None, :])[0])


def _deflation_step(w: np.ndarray, data: np.ndarray, opts: IcaOptions) -> np.ndarray:
    """``Def_logcosh_JM`` / ``Def_exp_JM``: one update of one row."""
    p = data.shape[1]
    g, dg = _g(gemm(w[None, :], data), opts.alpha, opts.logcosh)
    return gemm(g, data.T / p)[0] - w * _running_sum(dg / p)[0]


def _deflation(w: np.ndarray, data: np.ndarray, opts: IcaOptions) -> np.ndarray:
    w = w.copy()
    for i in range(w.shape[0]):
        _gram_schmidt(w, i)
        tol, it = 1.0, 0
        while tol > opts.tol and it < opts.maxit:
            old = w[i].copy()
            w[i] = _deflation_step(old, data, opts)
            _gram_schmidt(w, i)
            tol = abs(abs(_running_sum((old * w[i])[None, :])[0]) - 1)
            it += 1
    return w


def fastica_c(x: np.ndarray, opts: IcaOptions, stream: RRandom) -> tuple[np.ndarray, np.ndarray]:
    """``fastICA(x, n.comp, method = "C", ...)[c("K", "W")]`` for the numeric matrix ``x``
    (rows are observations), drawing ``w.init`` from ``stream``."""
    x = np.asarray(x, dtype="f8")
    if not np.isfinite(x).all():  # .C() refuses them; NaN arising inside goes on, as in C
        raise ForgeError("fastICA(): NA/NaN/Inf in foreign function call (arg 1)")
    e = min(opts.n_comp, *x.shape)
    w_init = stream.rnorm(e * e).reshape(e, e)  # R's column-major matrix, read row-major
    data = _centre(x.T.copy())
    if opts.row_norm:
        data = _standardise(data)
    k = _whitening(data)[:e]
    white = gemm(k, data)
    w = _orthogonalise(w_init)
    w = _parallel(w, white, opts) if opts.parallel else _deflation(w, white, opts)
    return k.T.copy(), w.T.copy()
