"""R's dense linear algebra as R 4.2 computes it with the reference BLAS/LAPACK.

``cov`` (stats' C code: a long-double two-pass mean, then long-double sums of products),
``solve`` (LAPACK 3.11's ``dgesv``: the recursive ``dgetrf2`` LU with partial pivoting,
then two triangular solves, replayed operation by operation), ``%*%``, ``crossprod``,
``rowSums``, ``colMeans``, ``mahalanobis`` and ``qr()`` / ``qr.qty()`` / ``qr.qy()``
(LINPACK's ``dqrdc2``/``dqrsl`` with BLAS 3.11's ``dnrm2``). Each elementary step is one
IEEE operation NumPy performs the same way, so the results are R's to the last bit.
``svd``, ``svd_values``, ``eigen_symmetric`` and ``chol`` call LAPACK's ``dgesdd`` /
``dsyevr`` / ``dpotrf`` in the system library, the one R links, as R's ``La_svd`` /
``La_rs`` / ``La_chol`` do (NumPy's stand in without it).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import functools
import warnings
from dataclasses import dataclass

import numpy as np

from .errors import ForgeError, PrecisionWarning

_TINY = float(np.finfo(float).tiny)
_EPS = float(np.finfo(float).eps)


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


def crossprod(x: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
    """``crossprod(x, y)`` (``t(x) %*% y``; ``y`` defaults to ``x``): each entry summed
    over the rows in order from +0, as the reference ``dgemm``/``dgemv`` ("T") and
    ``dsyrk`` and R's own NaN-safe loop all do."""
    x = np.asarray(x, dtype="f8")
    y = x if y is None else np.asarray(y, dtype="f8")
    out = np.zeros((x.shape[1], y.shape[1]))
    if len(x):
        with np.errstate(invalid="ignore", over="ignore"):
            for j in range(y.shape[1]):
                # a running sum keeps the order; adding +0 makes a -0 total +0, as a sum
                # begun at +0 ends
                out[:, j] = np.cumsum(x * y[:, j, None], axis=0)[-1] + 0.0
    return out


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


# --------------------------------------------------------------------------- LINPACK QR
# LAPACK 3.10+'s dnrm2 (Blue's algorithm): squares of mid-range magnitudes summed as is,
# tiny and huge ones scaled into separate accumulators
_T_SML, _T_BIG = 2.0 ** -511, 2.0 ** 486
_S_SML, _S_BIG = 2.0 ** 537, 2.0 ** -538


def dnrm2(x: np.ndarray) -> float:
    """The reference BLAS ``dnrm2`` (LAPACK 3.11) of a vector."""
    ax = np.abs(np.asarray(x, dtype="f8"))
    if ax.size == 0:
        return 0.0
    big, small = ax > _T_BIG, ax < _T_SML
    medium = ~big & ~small  # NaN too, as its comparisons are false
    amed = _ordered_sum(ax[medium] * ax[medium])
    if big.any():
        abig = _ordered_sum((ax[big] * _S_BIG) ** 2)
        if amed > 0 or np.isnan(amed):
            abig += (amed * _S_BIG) * _S_BIG
        return float(np.sqrt(abig) / _S_BIG)
    asml = _ordered_sum((ax[small] * _S_SML) ** 2)
    if asml > 0:
        if amed > 0 or np.isnan(amed):
            lo, hi = sorted((np.sqrt(amed), np.sqrt(asml) / _S_SML))
            return float(np.sqrt(hi * hi * (1.0 + (lo / hi) ** 2)))
        return float(np.sqrt(asml) / _S_SML)
    return float(np.sqrt(amed))


def _ordered_sum(values: np.ndarray) -> float:
    """A sum in index order from +0, as a Fortran loop adds."""
    return float(np.cumsum(np.r_[0.0, values])[-1])


def _ddot(v: np.ndarray, m: np.ndarray) -> np.ndarray:
    """The reference ``ddot`` of ``v`` with each column of ``m`` (products summed in
    order from +0)."""
    out = np.zeros(m.shape[1:])
    for weight, row in zip(v, m):
        out += weight * row
    return out


@dataclass
class LinpackQR:
    """R's ``qr()`` object: the compact Householder factors ``qr`` and ``qraux``, the
    numerical rank and the (0-based) column ``pivot``."""

    qr: np.ndarray
    qraux: np.ndarray
    rank: int
    pivot: list[int]


def qr_linpack(x: np.ndarray, tol: float = 1e-7) -> LinpackQR:
    """``qr(x, tol)`` as R's LINPACK ``dqrdc2``: Householder QR that moves a column whose
    remaining norm falls below ``tol`` times its original norm to the end; every
    operation as the Fortran performs it (``dnrm2``, ``ddot``, ``dscal``, ``daxpy``).
    Like R (``.Fortran`` without ``NAOK``), a missing or infinite value raises."""
    x = np.array(x, dtype="f8", order="F")
    if not np.isfinite(x).all():
        raise ForgeError("qr(): NA/NaN/Inf in foreign function call (arg 1)")
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
        x[l, l] += 1.0
        for j in range(l + 1, p):
            t = -float(_ddot(x[l:, l], x[l:, j:j + 1])[0]) / x[l, l]
            x[l:, j] += t * x[l:, l]
            if qraux[j] != 0:
                ratio = abs(x[l, j]) / qraux[j]
                tt = max(1.0 - ratio * ratio, 0.0)
                if abs(tt) < 1e-6:
                    qraux[j] = dnrm2(x[l + 1:, j])
                    work1[j] = qraux[j]
                else:
                    qraux[j] *= np.sqrt(tt)
        qraux[l] = x[l, l]
        x[l, l] = -nrmxl
    return LinpackQR(x, qraux, min(k - 1, n), pivot)


def _reflect(qr: LinpackQR, y: np.ndarray, order: range) -> np.ndarray:
    """LINPACK ``dqrsl``'s Householder reflections of the columns of ``y``, column j of
    the factors for each j in ``order``."""
    y = np.array(y, dtype="f8", copy=True)
    for j in order:
        if qr.qraux[j] == 0:
            continue
        v = qr.qr[j:, j].copy()
        v[0] = qr.qraux[j]
        t = -_ddot(v, y[j:]) / v[0]
        y[j:] += v[:, None] * t if y.ndim == 2 else v * t
    return y


def qr_qty(qr: LinpackQR, y: np.ndarray) -> np.ndarray:
    """``qr.qty(qr, y)``: Q'y (LINPACK ``dqrsl``, job 1000)."""
    return _reflect(qr, y, range(min(qr.rank, qr.qr.shape[0] - 1)))


def qr_qy(qr: LinpackQR, y: np.ndarray) -> np.ndarray:
    """``qr.qy(qr, y)``: Qy (LINPACK ``dqrsl``, job 10000)."""
    return _reflect(qr, y, range(min(qr.rank, qr.qr.shape[0] - 1) - 1, -1, -1))


# --------------------------------------------------------------------------- LAPACK SVD
@functools.lru_cache(maxsize=1)
def _system_lapack() -> "ctypes.CDLL | None":
    """The system's LAPACK (the library R's ``La_svd`` calls on this machine), or None,
    said once with a :class:`PrecisionWarning`."""
    for name in ("liblapack.so.3", ctypes.util.find_library("lapack")):
        if name:
            try:
                return ctypes.CDLL(name)
            except OSError:
                continue
    warnings.warn("no system LAPACK (the library R links) was found: svd(), eigen() and "
                  "chol() use NumPy's, which agrees with R to about 1e-13 and may flip the "
                  "signs of components; install liblapack3 for R's bits", PrecisionWarning,
                  stacklevel=3)
    return None


def svd(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``La.svd(x)`` (d, u, vt; thin): LAPACK's ``dgesdd`` with ``jobz = "S"``, as R
    calls it. The system LAPACK, the library R itself links, gives R's bits; without
    one, NumPy's (the same algorithm on OpenBLAS) agrees to ~1e-13."""
    return _dgesdd(x, "S")


def svd_values(x: np.ndarray) -> np.ndarray:
    """``svd(x, nu = 0, nv = 0)$d``: the singular values alone (``dgesdd`` with
    ``jobz = "N"``, as R calls it; NumPy's without a system LAPACK)."""
    return _dgesdd(x, "N")[0]


def svd_full(x: np.ndarray, lwork: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LAPACK's ``dgesdd`` with ``jobz = "A"`` (d, square u, square vt) and the workspace
    length ``lwork`` a C caller passes (the length picks blocked or unblocked steps). As
    such a caller, nothing is checked: a matrix with NaN leaves d, u and vt zero, as
    ``dgesdd`` refuses it without touching them."""
    return _dgesdd(x, "A", lwork=lwork, checked=False)


def _dgesdd(x: np.ndarray, jobz: str, lwork: int | None = None, checked: bool = True
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``dgesdd`` of ``x`` (optimal workspace unless ``lwork``); NumPy's without LAPACK.
    ``jobz`` "N" leaves u and vt empty. ``checked``: R's ``La.svd`` stops on values that
    are not finite and on LAPACK's error codes."""
    a = np.array(x, dtype="f8", order="F", copy=True)
    if checked and not np.isfinite(a).all():
        raise ForgeError("svd(): infinite or missing values in 'x'")
    lapack = _system_lapack()
    m, n = a.shape
    k = min(m, n)
    if lapack is None or a.size == 0:
        if jobz == "N":
            return np.linalg.svd(a, compute_uv=False), np.empty((0, 0)), np.empty((0, 0))
        u, d, vt = np.linalg.svd(a, full_matrices=jobz == "A")
        return d, u, vt
    # R's La_svd passes 1 x 1 placeholders for u and vt when jobz is "N"
    ushape, vtshape = {"A": ((m, m), (n, n)), "S": ((m, k), (k, n)), "N": ((1, 1), (1, 1))}[jobz]
    d, u, vt = np.zeros(k), np.zeros(ushape, order="F"), np.zeros(vtshape, order="F")
    iwork, info = np.zeros(8 * k, dtype=np.int32), ctypes.c_int(0)

    def call(work: np.ndarray, size: int) -> None:
        ptr = [v.ctypes.data_as(ctypes.c_void_p) for v in (a, d, u, vt, work, iwork)]
        dims = [ctypes.byref(ctypes.c_int(v)) for v in (m, n, m, ushape[0], vtshape[0], size)]
        lapack.dgesdd_(ctypes.c_char_p(jobz.encode()), dims[0], dims[1], ptr[0],
                       dims[2], ptr[1], ptr[2], dims[3], ptr[3], dims[4], ptr[4], dims[5],
                       ptr[5], ctypes.byref(info), ctypes.c_size_t(1))

    if lwork is None:
        query = np.zeros(1)
        call(query, -1)
        lwork = int(query[0])
    call(np.zeros(lwork), lwork)
    if checked and info.value != 0:
        raise ForgeError(f"error code {info.value} from Lapack routine 'dgesdd'")
    return d, u, vt


def eigen_symmetric(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``eigen(x, symmetric = TRUE)``: values (decreasing) and vectors, from LAPACK's
    ``dsyevr`` as R's ``La_rs`` calls it (lower triangle, all values, abstol 0); the
    system LAPACK gives R's bits, NumPy's ``eigh`` stands in without one."""
    a = np.array(x, dtype="f8", order="F", copy=True)
    if not np.isfinite(a).all():
        raise ForgeError("eigen(): infinite or missing values in 'x'")
    lapack = _system_lapack()
    n = a.shape[0]
    if lapack is None or n == 0:
        values, vectors = np.linalg.eigh(a)
        return values[::-1], vectors[:, ::-1]
    values, vectors = np.zeros(n), np.zeros((n, n), order="F")
    isuppz, count, info = np.zeros(2 * n, dtype=np.int32), ctypes.c_int(0), ctypes.c_int(0)
    zero, none = ctypes.c_double(0.0), ctypes.c_int(0)

    def call(work: np.ndarray, lwork: int, iwork: np.ndarray, liwork: int) -> None:
        ptr = [v.ctypes.data_as(ctypes.c_void_p) for v in (a, values, vectors, isuppz, work, iwork)]
        lapack.dsyevr_(ctypes.c_char_p(b"V"), ctypes.c_char_p(b"A"), ctypes.c_char_p(b"L"),
                       ctypes.byref(ctypes.c_int(n)), ptr[0], ctypes.byref(ctypes.c_int(n)),
                       ctypes.byref(zero), ctypes.byref(zero), ctypes.byref(none),
                       ctypes.byref(none), ctypes.byref(zero), ctypes.byref(count), ptr[1],
                       ptr[2], ctypes.byref(ctypes.c_int(n)), ptr[3], ptr[4],
                       ctypes.byref(ctypes.c_int(lwork)), ptr[5],
                       ctypes.byref(ctypes.c_int(liwork)), ctypes.byref(info),
                       ctypes.c_size_t(1), ctypes.c_size_t(1), ctypes.c_size_t(1))

    work, iwork = np.zeros(1), np.zeros(1, dtype=np.int32)
    call(work, -1, iwork, -1)
    lwork, liwork = int(work[0]), int(iwork[0])
    call(np.zeros(lwork), lwork, np.zeros(liwork, dtype=np.int32), liwork)
    if info.value != 0:
        raise ForgeError(f"error code {info.value} from Lapack routine 'dsyevr'")
    return values[::-1].copy(), vectors[:, ::-1].copy()


def chol(x: np.ndarray) -> np.ndarray:
    """``chol(x)``: the upper triangular ``R`` with ``t(R) %*% R == x``, from LAPACK's
    ``dpotrf`` on the upper triangle as R's ``La_chol`` calls it (the system LAPACK gives
    R's bits; NumPy's Cholesky stands in without one)."""
    a = np.asfortranarray(np.triu(np.array(x, dtype="f8")))  # La_chol zeroes the lower part
    n = a.shape[0]
    lapack = _system_lapack()
    if lapack is None or n == 0:
        try:
            return np.linalg.cholesky(a + np.triu(a, 1).T).T
        except np.linalg.LinAlgError as exc:
            raise ForgeError(f"chol(): the matrix is not positive definite ({exc})") from exc
    info = ctypes.c_int(0)
    lapack.dpotrf_(ctypes.c_char_p(b"U"), ctypes.byref(ctypes.c_int(n)),
                   a.ctypes.data_as(ctypes.c_void_p), ctypes.byref(ctypes.c_int(n)),
                   ctypes.byref(info), ctypes.c_size_t(1))
    if info.value > 0:
        raise ForgeError(f"the leading minor of order {info.value} is not positive")
    if info.value < 0:
        raise ForgeError(f"argument {-info.value} of Lapack routine 'dpotrf' had invalid value")
    return np.ascontiguousarray(a)


def lm_coefficients(x: np.ndarray, y: np.ndarray, tol: float = 1e-7) -> tuple[np.ndarray, LinpackQR]:
    """``lm.fit(x, y)$coefficients`` as R's ``dqrls`` computes them (``dqrdc2``, then
    ``dqrsl``'s Q'y and back substitution); the columns pivoted out as aliased are NaN
    (R's NA). Also the QR, whose ``rank`` and ``pivot`` ``lm`` keeps."""
    qr = qr_linpack(x, tol)
    k = qr.rank
    coef = np.full(x.shape[1], np.nan)
    b = qr_qty(qr, np.asarray(y, dtype="f8"))[:k].copy()
    for j in range(k - 1, -1, -1):
        b[j] = b[j] / qr.qr[j, j]
        if j:
            b[:j] += -b[j] * qr.qr[:j, j]
    coef[qr.pivot[:k]] = b
    return coef, qr
