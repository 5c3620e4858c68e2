"""R's dense linear algebra as R 4.2 computes it with the reference BLAS/LAPACK.

``cov`` (stats' C code: a long-double two-pass mean, then long-double sums of products),
``solve`` (LAPACK 3.11's ``dgesv``: the recursive ``dgetrf2`` LU with partial pivoting,
then two triangular solves, replayed operation by operation), ``qr()`` and ``qr.qy()``
(LINPACK's ``dqrdc2`` and ``dqrsl`` over the reference BLAS 3.11), ``%*%``, ``rowSums``,
``colMeans`` and ``mahalanobis``. Each elementary step is one IEEE operation NumPy
performs the same way, so the results are R's to the last bit.
"""
from __future__ import annotations

import numpy as np

from .errors import ForgeError

_TINY = float(np.finfo(float).tiny)
_EPS = float(np.finfo(float).eps)


# --------------------------------------------------------------------------- reference BLAS
def ddot(x: np.ndarray, y: np.ndarray) -> float:
    """BLAS ``ddot``: the products summed in order (the reference code's unrolled loop
    adds them left to right)."""
    return float(np.cumsum(x * y)[-1]) if len(x) else 0.0


#: the thresholds and scalings of Blue's algorithm in BLAS 3.10+'s ``dnrm2``
_TSML, _TBIG, _SSML, _SBIG = 2.0 ** -511, 2.0 ** 486, 2.0 ** 537, 2.0 ** -538


def dnrm2(x: np.ndarray) -> float:
    """BLAS 3.11's ``dnrm2``: squares summed in order in three accumulators (small,
    medium, big values), then combined as the reference code combines them."""
    ax = np.abs(np.asarray(x, dtype="f8"))
    big, small = ax > _TBIG, ax < _TSML
    amed = _ordered_sum(np.where(big | small, 0.0, ax) ** 2)
    if big.any():
        abig = _ordered_sum(np.where(big, ax * _SBIG, 0.0) ** 2)
        if amed > 0 or np.isnan(amed):
            abig = abig + (amed * _SBIG) * _SBIG
        return (1 / _SBIG) * np.sqrt(abig)
    asml = _ordered_sum(np.where(small, ax * _SSML, 0.0) ** 2)
    if asml > 0:
        if amed > 0 or np.isnan(amed):
            amed, asml = np.sqrt(amed), np.sqrt(asml) / _SSML
            ymin, ymax = (amed, asml) if asml > amed else (asml, amed)
            return float(np.sqrt(ymax ** 2 * (1 + (ymin / ymax) ** 2)))
        return (1 / _SSML) * np.sqrt(asml)
    return float(np.sqrt(amed))


def _ordered_sum(values: np.ndarray) -> float:
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


# --------------------------------------------------------------------------- LINPACK QR
def dqrdc2(x: np.ndarray, tol: float = 1e-7) -> tuple[np.ndarray, int, np.ndarray, list[int]]:
    """R's ``qr(x)`` (LINPACK ``dqrdc2``): Householder QR with R's limited pivoting (a
    column whose remaining norm falls below ``tol`` times its original norm moves to the
    end). Returns ``qr``, ``rank``, ``qraux`` and the column order (0-based ``pivot``)."""
    x = np.array(x, dtype="f8", order="F")
    n, p = x.shape
    qraux = np.array([dnrm2(x[:, j]) for j in range(p)])
    work1 = qraux.copy()
    work2 = np.where(qraux == 0, 1.0, qraux)
    pivot = list(range(p))
    k = p + 1
    for l in range(min(n, p)):
        while l + 1 < k and qraux[l] < work2[l] * tol:
            order = list(range(l + 1, p)) + [l]
            x[:, l:] = x[:, order]
            pivot[l:] = [pivot[i] for i in order]
            qraux[l:], work1[l:], work2[l:] = qraux[order], work1[order], work2[order]
            k -= 1
        if l + 1 == n:
            break
        nrmxl = dnrm2(x[l:, l])
        if nrmxl == 0:
            continue
        if x[l, l] != 0:
            nrmxl = float(np.copysign(nrmxl, x[l, l]))
        x[l:, l] *= 1.0 / nrmxl
        x[l, l] = 1.0 + x[l, l]
        for j in range(l + 1, p):
            t = -ddot(x[l:, l], x[l:, j]) / x[l, l]
            x[l:, j] += t * x[l:, l]
            if qraux[j] == 0:
                continue
            ratio = abs(x[l, j]) / qraux[j]
            tt = max(1.0 - ratio * ratio, 0.0)
            if abs(tt) < 1e-6:
                qraux[j] = work1[j] = dnrm2(x[l + 1:, j])
            else:
                qraux[j] *= float(np.sqrt(tt))
        qraux[l] = x[l, l]
        x[l, l] = -nrmxl
    return x, min(k - 1, n), qraux, pivot


def qr_qy(qr: np.ndarray, rank: int, qraux: np.ndarray, y: np.ndarray) -> np.ndarray:
    """R's ``qr.qy(QR, y)`` (LINPACK ``dqrsl``): Q y for the QR ``dqrdc2`` made."""
    n = qr.shape[0]
    out = np.array(y, dtype="f8", order="F")
    for col in range(out.shape[1]):
        qy = out[:, col]
        for j in reversed(range(min(rank, n - 1))):
            if qraux[j] == 0:
                continue
            v = qr[j:, j].copy()
            v[0] = qraux[j]
            t = -ddot(v, qy[j:]) / v[0]
            qy[j:] += t * v
    return out


# --------------------------------------------------------------------------- summaries
def col_means(x: np.ndarray) -> np.ndarray:
    """``colMeans(x)``: one long-double pass per column."""
    return (_per_column(x) / len(x)).astype("f8") if len(x) else np.full(x.shape[1], np.nan)


def col_sums(x: np.ndarray) -> np.ndarray:
    """``colSums(x)``: each column summed in long double."""
    return _per_column(x).astype("f8") if len(x) else np.zeros(x.shape[1])


def _per_column(x: np.ndarray) -> np.ndarray:
    """Each column's long-double sum, row after row (a cumulative sum keeps that order;
    R's sums start from +0, so a column of -0 sums to +0)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.cumsum(x, axis=0, dtype=np.longdouble)[-1] + np.longdouble(0)


def sum_ld(values: np.ndarray) -> np.longdouble:
    """R's long-double accumulation of a non-empty vector: in order, from +0."""
    with np.errstate(invalid="ignore", over="ignore"):
        return np.cumsum(values, dtype=np.longdouble)[-1] + np.longdouble(0)


def row_sums(x: np.ndarray) -> np.ndarray:
    """``rowSums(x)``: each row summed over the columns in long double."""
    total = np.zeros(x.shape[0], dtype=np.longdouble)
    with np.errstate(invalid="ignore"):
        for j in range(x.shape[1]):
            total = total + x[:, j]
    return total.astype("f8")


def mean_ld(x: np.ndarray) -> np.longdouble:
    """R's two-pass mean of doubles (``summary.c``): the long-double mean, plus the mean of
    the residuals when the first mean is finite as a double."""
    xl = np.asarray(x, dtype=np.longdouble)
    with np.errstate(invalid="ignore", over="ignore"):
        mean = sum_ld(xl) / len(x)
        if np.isfinite(float(mean)):
            mean = mean + sum_ld(xl - mean) / len(x)
    return mean


def cov(x: np.ndarray) -> np.ndarray:
    """``cov(x)`` of a numeric matrix (``use = "everything"``, Pearson, ``stats:::C_cov``):
    two-pass means rounded to doubles, long-double cross products of the deviations over
    ``n - 1``; a column with a missing value gives NA rows and columns; fewer than two rows
    give NA."""
    n, p = x.shape
    out = np.full((p, p), np.nan)
    if n < 2:
        return out
    has_na = np.isnan(x).any(axis=0)
    with np.errstate(invalid="ignore", over="ignore"):
        centred = [x[:, j].astype(np.longdouble) - np.longdouble(float(mean_ld(x[:, j])))
                   for j in range(p)]
        for i in range(p):
            for j in range(i + 1):
                if not (has_na[i] or has_na[j]):
                    total = sum_ld(centred[i] * centred[j])
                    out[i, j] = out[j, i] = float(total / (n - 1))
    return out


# --------------------------------------------------------------------------- products
def matprod(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x %*% y``: each entry summed over the inner index in order in double (the
    reference ``dgemm`` and R's own NaN-safe loop agree on that order)."""
    columns = np.ascontiguousarray(np.asarray(x, dtype="f8").T)  # each column of x contiguous
    out = np.zeros((y.shape[1], x.shape[0]))
    # a zero of y times a column without Inf or NaN is a zero, which leaves a sum begun at
    # +0 (and so never -0) as it is: such terms are left out
    finite = {k for k in range(x.shape[1]) if (y[k] == 0).any() and np.isfinite(columns[k]).all()}
    with np.errstate(invalid="ignore", over="ignore"):
        for c in range(y.shape[1]):
            for k in range(x.shape[1]):
                if not (y[k, c] == 0 and k in finite):
                    out[c] += columns[k] * y[k, c]
    return out.T


# --------------------------------------------------------------------------- LAPACK dgesv
def _laswp(a: np.ndarray, pivots: list[int], start: int, stop: int) -> None:
    """``dlaswp``: swap row ``k`` with row ``pivots[k]`` for k in [start, stop)."""
    for k in range(start, stop):
        p = pivots[k]
        if p != k:
            a[[k, p]] = a[[p, k]]


def _trsm_lower_unit(a: np.ndarray, b: np.ndarray) -> None:
    """``dtrsm('L', 'L', 'N', 'U')``: ``b := inv(L) b`` for the unit lower triangle of
    ``a``, column by column, forward."""
    m = a.shape[0]
    for j in range(b.shape[1]):
        for k in range(m):
            if b[k, j] != 0.0:
                b[k + 1:, j] = b[k + 1:, j] - b[k, j] * a[k + 1:m, k]


def _trsm_upper(a: np.ndarray, b: np.ndarray) -> None:
    """``dtrsm('L', 'U', 'N', 'N')``: ``b := inv(U) b``, column by column, backward."""
    for j in range(b.shape[1]):
        for k in range(a.shape[0] - 1, -1, -1):
            if b[k, j] != 0.0:
                b[k, j] = b[k, j] / a[k, k]
                b[:k, j] = b[:k, j] - b[k, j] * a[:k, k]


def _getrf2(a: np.ndarray) -> tuple[list[int], int]:
    """``dgetrf2`` on ``a`` in place (a view): the pivots (0-based, local) and INFO."""
    m, n = a.shape
    if m == 0 or n == 0:
        return [], 0
    if m == 1:
        return [0], int(a[0, 0] == 0.0)
    if n == 1:
        i = int(np.argmax(np.abs(a[:, 0])))  # idamax: the first largest modulus
        if a[i, 0] == 0.0:
            return [i], 1
        if i != 0:
            a[[0, i], 0] = a[[i, 0], 0]
        if abs(a[0, 0]) >= _TINY:
            a[1:, 0] = (1.0 / a[0, 0]) * a[1:, 0]
        else:
            a[1:, 0] = a[1:, 0] / a[0, 0]
        return [i], 0
    n1 = min(m, n) // 2
    left, right = a[:, :n1], a[:, n1:]
    pivots, info = _getrf2(left)
    _laswp(right, pivots, 0, n1)
    _trsm_lower_unit(a[:n1, :n1], right[:n1])
    # dgemm with alpha = -1: C := C + (-B[l, j]) * A[i, l], l in order
    for j in range(right.shape[1]):
        for k in range(n1):
            right[n1:, j] = right[n1:, j] + (-right[k, j]) * left[n1:, k]
    lower, info2 = _getrf2(a[n1:, n1:])
    if info == 0 and info2 > 0:
        info = info2 + n1
    pivots += [p + n1 for p in lower]
    _laswp(left, pivots, n1, min(m, n))
    return pivots, info


def solve(a: np.ndarray, b: np.ndarray | None = None, tol: float = _EPS) -> np.ndarray:
    """``solve(a, b)`` (``b`` defaults to the identity: the inverse), as R's ``La_solve``
    calls ``dgesv``; an exactly or computationally singular ``a`` raises
    :class:`ForgeError` as R stops."""
    lu = np.array(a, dtype="f8", order="F", copy=True)
    n = lu.shape[0]
    if lu.ndim != 2 or lu.shape[1] != n or n == 0:
        raise ForgeError(f"solve(): 'a' must be a non-empty square matrix, not {lu.shape}")
    rhs = np.eye(n) if b is None else np.array(b, dtype="f8", copy=True).reshape(n, -1)
    with np.errstate(all="ignore"):
        pivots, info = _getrf2(lu)
        if info > 0:
            raise ForgeError(f"Lapack routine dgesv: system is exactly singular: "
                             f"U[{info},{info}] = 0")
        _laswp(rhs, pivots, 0, n)
        _trsm_lower_unit(lu, rhs)
        _trsm_upper(lu, rhs)
    if tol > 0:
        # R stops when LAPACK's estimate of the reciprocal condition number (dgecon) is
        # below tol; the exact 1-norm value stands in for the estimate
        inverse = rhs if b is None else solve(a, tol=0)
        with np.errstate(all="ignore"):
            rcond = 1.0 / (np.abs(a).sum(axis=0).max() * np.abs(inverse).sum(axis=0).max())
        if not rcond >= tol:
            raise ForgeError(f"system is computationally singular: reciprocal condition "
                             f"number = {rcond:g}")
    return rhs


def mahalanobis(x: np.ndarray, center: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """``mahalanobis(x, center, cov)``: ``rowSums((x - center) %*% solve(cov) * (x - center))``."""
    with np.errstate(invalid="ignore"):
        centred = x - center
    return row_sums(matprod(centred, solve(covariance)) * centred)
