"""ddalpha 1.3.13's depth functions as recipes' step_depth calls them
(``ddalpha::depth.<metric>(x, data, ...)``): Mahalanobis, spatial, potential, zonoid,
simplicialVolume and halfspace, with their R defaults and checks.

The R parts replay R's arithmetic (:mod:`pykerasnip.rlinalg`); the C++ parts are
replayed operation by operation: double sums in loop order, Boost uBLAS's LU for
determinants, libstdc++'s ``std::sort`` (:mod:`pykerasnip.native.cxxalgo`), and Boost's
``rand48`` with its ziggurat normals (:mod:`pykerasnip.native.boost_random`). ddalpha seeds
that engine with ``seed``, or with the clock (``time(NULL)``, :data:`clock`) when
``seed = 0`` (the default): so does this module, giving R's numbers for the same second.

``eigen()``, used by the "moment" scaling of spatial and potential depth, is LAPACK's
``dsyevr`` from the system library R links (:func:`pykerasnip.rlinalg.eigen_symmetric`);
the MCD estimates (robustbase's ``covMcd``) are not replayed.
"""
from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import rlinalg
from . import cxxalgo
from .boost_random import Rand48
from ..errors import ForgeError, UnsupportedStepError
from ..rmath import r_pow

#: ``time(NULL)``: the seed ddalpha's C++ code takes when ``seed = 0``
clock: Callable[[], int] = lambda: int(time.time())

_STEP = "step_depth"


def _engine(seed: Any) -> Rand48:
    """``setSeed(seed)``: the given seed, or the clock for 0."""
    seed = int(seed)
    return Rand48(seed if seed != 0 else clock())


# --------------------------------------------------------------------------- R-level checks
def _check_data(data: np.ndarray, x: np.ndarray, enough_points: bool = True) -> None:
    if data.shape[1] < 2:
        raise ForgeError('step_depth: Argument "data" should be a numeric matrix of at least '
                         '2-dimensional data')
    if x.shape[1] != data.shape[1]:
        raise ForgeError('step_depth: Dimensions of the arguments "x" and "data" should coincide')
    if enough_points and data.shape[1] + 1 > data.shape[0]:
        raise ForgeError(f"step_depth: To few data points ({data.shape[0]} rows in "
                         f"{data.shape[1]} dimensions)")


def _check_finite(*arrays: np.ndarray) -> None:
    """R's ``.C()`` refuses NA, NaN and Inf."""
    if not all(np.isfinite(a).all() for a in arrays):
        raise ForgeError("step_depth: NA/NaN/Inf in foreign function call (ddalpha's C code)")


def _no_mcd(estimate: Any) -> None:
    if str(estimate).upper() == "MCD" or str(estimate) in ("1MCD", "NMCD"):
        raise UnsupportedStepError(_STEP, "the MCD estimate (robustbase::covMcd, fitted by "
                                          "random subsampling) is not replayed")


# --------------------------------------------------------------------------- Mahalanobis
def mahalanobis_depth(x: np.ndarray, data: np.ndarray, mah_estimate: str = "moment",
                      mah_parMcd: float = 0.75) -> np.ndarray:
    """``depth.Mahalanobis``: ``1 / (1 + d2)`` with ``d2 = diag(t %*% solve(cov) %*% t(t))``
    of the centred rows ``t``."""
    _no_mcd(mah_estimate)
    if mah_estimate != "moment":
        raise ForgeError(f"step_depth: Wrong parameter 'estimate' ({mah_estimate!r})")
    sigma = rlinalg.solve(rlinalg.cov(data))
    with np.errstate(invalid="ignore", over="ignore"):
        centred = x - rlinalg.col_means(data)
        product = rlinalg.matprod(centred, sigma)
        squared = np.zeros(len(x))
        for j in range(x.shape[1]):
            squared = squared + product[:, j] * centred[:, j]
        return 1 / (1 + squared)


# --------------------------------------------------------------------------- spatial
def _moment_scaling(data: np.ndarray) -> np.ndarray:
    """ddalpha's ``solve(eigen(cov)$vectors %*% diag(sqrt(eigen(cov)$values)))``."""
    values, vectors = rlinalg.eigen_symmetric(rlinalg.cov(data))
    with np.errstate(invalid="ignore"):
        root = np.sqrt(values)
    return rlinalg.solve(rlinalg.matprod(vectors, np.diag(root)))


def spatial_depth(x: np.ndarray, data: np.ndarray, mah_estimate: str = "moment",
                  mah_parMcd: float = 0.75) -> np.ndarray:
    """``depth.spatial``: one minus the norm of the mean unit vector from the (scaled)
    data points to each row."""
    _check_data(data, x, enough_points=False)
    _no_mcd(mah_estimate)
    if mah_estimate == "none":
        scaling = np.eye(data.shape[1])
    elif mah_estimate == "moment":
        covariance = rlinalg.cov(data)
        scaling = _moment_scaling(data) if not np.isnan(covariance).any() else np.eye(data.shape[1])
    else:
        raise ForgeError(f"step_depth: Wrong parameter 'mah.estimate' ({mah_estimate!r})")
    n = data.shape[0]
    depths = np.empty(len(x))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        for i, row in enumerate(x):
            diffs = rlinalg.matprod(scaling, (row[:, None] - data.T)).T
            sums = rlinalg.row_sums(diffs)
            diffs = diffs[(sums != 0) & ~np.isnan(sums)]  # R's which(): NA is not TRUE
            if len(diffs) == 1:
                raise ForgeError("step_depth: 'x' must be an array of at least two dimensions "
                                 "(spatial depth of a row with a single distinct data point)")
            inverse = 1 / np.sqrt(rlinalg.row_sums(diffs * diffs))
            means = rlinalg.col_sums(inverse[:, None] * diffs) / n
            depths[i] = 1 - math.sqrt(float(np.cumsum((means * means).astype(np.longdouble))[-1]))
    return depths


# --------------------------------------------------------------------------- potential
def _squared_distances(x: np.ndarray, point: np.ndarray) -> np.ndarray:
    total = np.zeros(len(x))
    for j in range(x.shape[1]):
        diff = x[:, j] - point[j]
        total = total + diff * diff
    return total


def _gaussian(d2: np.ndarray, ss: float, dim: int) -> np.ndarray:
    # C++ integer division: -d / 2 truncates towards zero
    power = -(dim // 2)
    return math.pow(2 * math.pi * ss, power) * np.array([math.exp(v) for v in -d2 / (2 * ss)])


#: ddalpha's kernels (by their code 1..5): squared distances, bandwidth, dimension -> values
KERNELS: dict[int, Callable[[np.ndarray, float, int], np.ndarray]] = {
    1: lambda d2, a, dim: 1 / (1 + a * d2),
    2: _gaussian,
    3: lambda d2, a, dim: np.array([math.exp(-a * math.sqrt(v)) for v in d2]),
    4: lambda d2, a, dim: 1 / (np.sqrt(d2) + 0.000001) * math.tan(a),
}
_KERNEL_CODES = {"EDKernel": 1, "GKernel": 2, "EKernel": 3, "TriangleKernel": 4}


def _kernel_code(kernel: Any) -> int:
    if isinstance(kernel, str):
        return _KERNEL_CODES.get(kernel, 1)
    code = int(kernel)
    if code == 5:
        raise UnsupportedStepError(_STEP, "the potential depth's VarGKernel (kernel = 5): "
                                          "ddalpha 1.3.13 frees an uninitialised pointer there "
                                          "and R itself crashes")
    if code not in KERNELS:
        raise ForgeError(f"step_depth: Unsupported kernel type {kernel!r}")
    return code


def _mahalanobis_transform(points: np.ndarray, mu: np.ndarray, scaling: np.ndarray) -> np.ndarray:
    """ddalpha's ``mah.transform``: ``t(B_inv %*% (t(x) - mu))``."""
    return rlinalg.matprod(scaling, points.T - mu[:, None]).T


def potential_depth(x: np.ndarray, data: np.ndarray, pretransform: Any = "1Mom",
                    kernel: Any = "GKernel", kernel_bandwidth: Any = None,
                    mah_parMcd: float = 0.75) -> np.ndarray:
    """``depth.potential``: the kernel potential of each row (after the Mahalanobis
    moment transform of ``pretransform``)."""
    _check_data(data, x)
    if pretransform is not None:
        _no_mcd(pretransform)
        if pretransform not in ("1Mom", "NMom"):
            raise ForgeError(f"step_depth: unknown pretransform {pretransform!r}")
        mu, scaling = rlinalg.col_means(data), _moment_scaling(data)
        data, x = _mahalanobis_transform(data, mu, scaling), _mahalanobis_transform(x, mu, scaling)
    code = _kernel_code(kernel)
    if kernel_bandwidth is None:
        bandwidth = float(r_pow(float(data.shape[0]), -2 / (data.shape[1] + 4)))
    else:
        bandwidth = float(np.ravel(kernel_bandwidth)[0])
        if np.size(kernel_bandwidth) != 1 or math.isnan(bandwidth) or bandwidth == 0:
            raise ForgeError('step_depth: Argument "kernel.bandwidth" has invaid format.')
    _check_finite(data, x)
    out = np.zeros(len(x))
    with np.errstate(over="ignore", divide="ignore"):
        for point in data:
            out = out + KERNELS[code](_squared_distances(x, point), bandwidth, data.shape[1])
    return out


# --------------------------------------------------------------------------- zonoid
def _means_sds(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ddalpha's ``GetMeansSds``: double sums, the sample standard deviation."""
    n = len(x)
    means, squares = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for row in x:
        means = means + row
    means = means / n
    for row in x:
        squares = squares + (row - means) * (row - means)
    return means, np.sqrt(squares / (n - 1))


class _Zonoid:
    """Dyckerhoff's revised simplex algorithm for the zonoid depth of ``z`` in ``x``
    (ddalpha's ZonoidDepth.cpp): phase I finds ``z`` in the convex hull, phase II
    minimises the largest weight."""

    EPS, ACCURACY, MAX_IT = 1e-8, 1e-10, 1000

    def __init__(self, x: np.ndarray, z: np.ndarray, engine: Rand48):
        self.n, self.d = x.shape
        self.engine = engine
        flip = z < 0  # canonical form: every coordinate of z non-negative
        self.x = np.where(flip, -x, x)
        self.z = np.where(flip, -z, z)
        d = self.d
        self.rs = np.zeros((d + 2, d + 3))
        self.rs[1:d + 2, 1:d + 2] = np.eye(d + 1)
        self.rs[0, 1:d + 2] = 1.0
        self.rs[0, d + 2] = self.rs[d + 1, d + 2] = 1.0
        for i in range(1, d + 1):
            self.rs[i, d + 2] = self.z[i - 1]
            self.rs[0, d + 2] += self.z[i - 1]
        self.basis = [-1] * (d + 1)

    def _dot(self, start: float, coefficients: np.ndarray, point: np.ndarray) -> float:
        total = start
        for c, v in zip(coefficients, point):
            total += c * v
        return total

    def _column_for(self, point: np.ndarray, rows: range) -> None:
        d = self.d
        for i in rows:
            self.rs[i, 0] = self._dot(self.rs[i, d + 1], self.rs[i, 1:d + 1], point)

    def _phase1_column(self) -> int:
        d, rs = self.d, self.rs
        rs[0, 0] = -rs[0, d + 1]
        column = 0
        for k in range(1, self.n + 1):
            if k not in self.basis:
                value = self._dot(0.0, rs[0, 1:d + 1], self.x[k - 1])
                if value > rs[0, 0]:
                    rs[0, 0], column = value, k
        rs[0, 0] += rs[0, d + 1]
        if rs[0, 0] < self.EPS:
            return 0
        self._column_for(self.x[column - 1], range(1, d + 2))
        return column

    def _pivot_row(self) -> int:
        d, rs = self.d, self.rs
        best, rows = np.finfo(float).max, []
        for i in range(1, d + 2):
            if rs[i, 0] > self.EPS:
                quotient = rs[i, d + 2] / rs[i, 0]
                if quotient <= best + self.EPS:
                    if quotient < best - self.EPS:
                        rows, best = [], quotient
                    rows.append(i)
        return rows[0] if len(rows) <= 1 else rows[self.engine.below(len(rows))]

    def _step(self, row: int, column: int) -> None:
        rs = self.rs
        pivot = rs[row, 0]
        for j in range(1, self.d + 3):
            rs[row, j] /= pivot
            others = np.arange(self.d + 2) != row
            rs[others, j] -= rs[row, j] * rs[others, 0]
        self.basis[row - 1] = column

    def _nonzero_row(self, row: int) -> int:
        d, rs = self.d, self.rs
        for k in range(self.n, 0, -1):
            if k not in self.basis:
                value = self._dot(rs[row, d + 1], rs[row, 1:d + 1], self.x[k - 1])
                if abs(value) > self.EPS:
                    self._column_for(self.x[k - 1], range(0, d + 2))
                    return k
        return 0

    def _add_column(self) -> bool:
        d, rs, n = self.d, self.rs, self.n
        values = [self._dot(0.0, rs[0, 1:d + 1], point) for point in self.x]
        order = [k for _, k in cxxalgo.sort(list(zip(values, range(n))),
                                            lambda a, b: a[0] > b[0])]
        card, best, total = 0, -rs[0, d + 1], -1.0
        for k in range(1, n + 1):
            total += values[order[k - 1]]
            if total / k > best:
                best, card = total / k, k
        best += rs[0, d + 1]
        if best < self.EPS:
            return False
        if rs[0, d + 2] - best > self.lowerbound:
            self.lowerbound = rs[0, d + 2] - best
        if (rs[0, d + 2] - self.lowerbound) / self.lowerbound < self.ACCURACY:
            return False
        self.iterations += 1
        if self.iterations > self.MAX_IT:
            return False
        rs[0, 0] = best
        rs[1:d + 2, 0] = rs[1:d + 2, d + 1]
        for j in range(d):
            mean = 0.0
            for k in order[:card]:
                mean += self.x[k, j]
            mean /= card
            rs[1:d + 2, 0] += rs[1:d + 2, j + 1] * mean
        return True

    def depth(self) -> float:
        d, rs = self.d, self.rs
        while column := self._phase1_column():
            self._step(self._pivot_row(), column)
        if abs(rs[0, d + 2]) > self.EPS:
            return 0.0
        for row in range(1, d + 2):
            if self.basis[row - 1] < 0:
                column = self._nonzero_row(row)
                if column:
                    self._step(row, column)
                else:
                    rs[:, row] = 0.0
                    rs[row, 1:] = 0.0
        self.lowerbound = 1.0 / self.n
        for j in range(1, d + 3):
            total = 0.0
            for k in range(1, d + 2):
                total += rs[k, j]
            rs[0, j] = total
        self.iterations = 0
        while self._add_column():
            self._step(self._pivot_row(), 0)
        return 1 / (self.n * rs[0, d + 2])


def zonoid_depth(x: np.ndarray, data: np.ndarray, seed: Any = 0) -> np.ndarray:
    """``depth.zonoid`` (data and rows standardised by the data's means and sds)."""
    _check_data(data, x)
    _check_finite(data, x)
    engine = _engine(seed)
    means, sds = _means_sds(data)
    standard = (data - means) / sds
    return np.array([_Zonoid(standard, (row - means) / sds, engine).depth() for row in x])


# --------------------------------------------------------------------------- simplicialVolume
def determinants(a: np.ndarray) -> np.ndarray:
    """ddalpha's ``determinant`` of each matrix of the stack ``a``: Boost uBLAS's
    ``lu_factorize`` (partial pivoting on the first largest modulus, multipliers times the
    pivot's reciprocal), then the diagonal's product, negated per row exchange; 0 when
    singular."""
    m = np.array(a, dtype="f8")
    count, size = m.shape[0], m.shape[1]
    every = np.arange(count)
    flips, singular = np.zeros(count, dtype=bool), np.zeros(count, dtype=bool)
    with np.errstate(all="ignore"):
        for i in range(size):
            p = i + np.argmax(np.abs(m[:, i:, i]), axis=1)  # the first largest, 0 if all vanish
            zero = m[every, p, i] == 0.0
            singular |= zero
            swap = (p != i) & ~zero
            flips ^= swap
            upper, lower = m[every[swap], i].copy(), m[every[swap], p[swap]].copy()
            m[every[swap], i], m[every[swap], p[swap]] = lower, upper
            scale = ~zero
            m[scale, i + 1:, i] = m[scale, i + 1:, i] * (1.0 / m[scale, i, i])[:, None]
            m[:, i + 1:, i + 1:] = m[:, i + 1:, i + 1:] - m[:, i + 1:, i, None] * m[:, None, i, i + 1:]
        det = np.ones(count)
        for i in range(size):
            det = det * m[:, i, i]
    det = np.where(flips, -det, det)
    return np.where(singular, 0.0, det)


def _simplex_volumes(data: np.ndarray, point: np.ndarray, subsets: np.ndarray) -> np.longdouble:
    """The long-double sum, in order, of the volumes (times d!) of the simplices of
    ``point`` and each subset of ``d`` data points."""
    d = data.shape[1]
    total = np.longdouble(0)
    for start in range(0, len(subsets), 4096):
        chunk = subsets[start:start + 4096]
        a = np.ones((len(chunk), d + 1, d + 1))
        a[:, 1:, :d] = data[chunk].transpose(0, 2, 1)
        a[:, 1:, d] = point
        volumes = np.abs(determinants(a)).astype(np.longdouble)
        total = np.cumsum(np.concatenate([[total], volumes]))[-1]
    return total


def _random_subsets(engine: Rand48, n: int, d: int, count: int) -> np.ndarray:
    """ddalpha's ``count`` random d-subsets: ``random(n)`` redrawn until new."""
    out = np.empty((count, d), dtype=int)
    for i in range(count):
        chosen: list[int] = []
        while len(chosen) < d:
            candidate = engine.below(n)
            if candidate not in chosen:
                chosen.append(candidate)
        out[i] = chosen
    return out


def simplicial_volume_depth(x: np.ndarray, data: np.ndarray, exact: bool = False,
                            k: float = 0.05, mah_estimate: str = "moment",
                            mah_parMcd: float = 0.75, seed: Any = 0) -> np.ndarray:
    """``depth.simplicialVolume`` (Oja depth): ``1 / (1 + mean simplex volume / sqrt(det
    cov))``, over every simplex with ``exact``, else over ``k`` random ones."""
    _check_data(data, x)
    n, d = data.shape
    exact = bool(exact)
    if not exact:
        if k <= 0:
            raise ForgeError("step_depth: k must be positive")
        if k < 1:
            k = math.comb(n, d) * k
    estimate = str(mah_estimate).upper()
    _no_mcd(estimate)
    if estimate not in ("NONE", "MOMENT"):
        raise ForgeError('step_depth: Wrong argument "mah.estimate", should be one of '
                         '"moment", "MCD", "none"')
    _check_finite(data, x)
    scale = 1.0 if estimate == "NONE" else \
        math.pow(abs(float(determinants(rlinalg.cov(data)[None])[0])), -0.5)
    # R passes k to C as two integers (k %/% 2e9 and the rest), each truncated
    high = int(k / 2e9)
    count = int(2e9) * high + int(k - high * 2e9)
    engine = _engine(seed)
    everything = np.array(list(itertools.combinations(range(n), d)), dtype=int) if exact else None
    norm = math.factorial(d)
    depths = np.empty(len(x))
    with np.errstate(invalid="ignore", divide="ignore"):
        for i, point in enumerate(x):
            # every subset in lexicographic order, as ddalpha enumerates them, or random ones
            subsets = everything if exact else _random_subsets(engine, n, d, count)
            total = _simplex_volumes(data, point, subsets)
            mean = float(total / np.longdouble(norm) / np.longdouble(len(subsets)))
            depths[i] = 1 / (1 + mean * scale)
    return depths


# --------------------------------------------------------------------------- halfspace
_MISSING = object()


def _halfspace_method(exact: Any, method: Any) -> int:
    """ddalpha's ``.parse_HSD_pars``: 0 random directions, 1 recursive, 2 plane, 3 line."""
    names = {"recursive": 1, "plane": 2, "line": 3}
    if exact is _MISSING and method is _MISSING:
        return 0
    if exact is not _MISSING:
        if not exact:
            if method is _MISSING:
                return 0
            if method not in (0, "Sunif.1D"):
                raise ForgeError("step_depth: Wrong combination of 'exact' and 'method' parameters.")
        elif method is _MISSING:
            return 1
        elif method not in (1, 2, 3, "recursive", "plane", "line"):
            raise ForgeError("step_depth: Wrong combination of 'exact' and 'method' parameters.")
    if method not in (0, 1, 2, 3, "Sunif.1D", "recursive", "plane", "line"):
        raise ForgeError("step_depth: Wrong parameter 'method'.")
    if isinstance(method, str):
        if method not in names:
            raise ForgeError(f"step_depth: method {method!r} gives no algorithm (R stops)")
        return names[method]
    return int(method)


def _random_tukey(x: np.ndarray, data: np.ndarray, count: int, engine: Rand48) -> np.ndarray:
    """ddalpha's ``HDepth``: the smallest share of data points on either side of each
    row, along ``count`` random directions (drawn once, normalised Gaussians)."""
    n, d = data.shape
    directions = np.empty((count, d))
    for i in range(count):
        draws = [engine.normal() for _ in range(d)]
        norm = 0.0
        for v in draws:
            norm += v * v
        directions[i] = np.array(draws) / math.sqrt(norm)
    projections = np.zeros((count, n))
    points = np.zeros((count, len(x)))
    for j in range(d):
        projections = projections + data[:, j] * directions[:, j:j + 1]
        points = points + x[:, j] * directions[:, j:j + 1]
    depth = np.empty(len(x))
    for start in range(0, len(x), 64):  # count in blocks: directions x rows x points
        block = points[:, start:start + 64, None]
        below = (projections[:, None, :] <= block).sum(axis=2)
        above = (projections[:, None, :] >= block).sum(axis=2)
        depth[start:start + 64] = np.minimum(below, above).min(axis=0)
    return depth / float(n)


def halfspace_depth(x: np.ndarray, data: np.ndarray, exact: Any = _MISSING,
                    method: Any = _MISSING, num_directions: Any = 1000,
                    seed: Any = 0) -> np.ndarray:
    """``depth.halfspace``: Tukey depth, from random directions (the default) or exact
    (``exact = TRUE``, or ``method`` "recursive", "plane" or "line")."""
    _check_data(data, x)
    algorithm = _halfspace_method(exact, method)
    _check_finite(data, x)
    if algorithm == 0:
        count = num_directions
        if not (isinstance(count, (int, float)) and not math.isnan(count)
                and abs(count - round(count)) < 2 ** -26 and 1 < count < 10_000_000):
            count = 1000
        return _random_tukey(x, data, int(count), _engine(seed))
    exact_depth = {1: exact_halfspace, 2: exact_halfspace_plane, 3: exact_halfspace_line}
    return np.array([exact_depth[algorithm](row, data) for row in x])


_EPS_HD = 1e-8


def _norm2(v: np.ndarray) -> float:
    total = 0.0
    for value in v:
        total += value * value
    return math.sqrt(total)


def _depth_1d(x: np.ndarray) -> int:
    return int(min((x[:, 0] < _EPS_HD).sum(), (x[:, 0] > -_EPS_HD).sum()))


def _depth_2d(x: np.ndarray) -> int:
    """ddalpha's ``intHD2`` (Rousseeuw and Ruts' AS 307) for the origin."""
    n, zeros, upper = len(x), 0, 0
    angles = []
    for a, b in x:
        if math.hypot(a, b) <= _EPS_HD:
            zeros += 1
            continue
        angle = math.atan2(b, a)
        if angle < -math.pi + _EPS_HD:
            angle = math.pi
        if angle <= _EPS_HD:
            upper += 1
        angles.append(angle)
    alpha = sorted(angles)
    nn = n - zeros
    result = upper
    if result > 0:
        j = upper
        for i in range(upper):
            while j <= nn - 1 and alpha[j] - math.pi <= alpha[i] + _EPS_HD:
                j += 1
            if j - i <= result:
                result = j - i - 1
        j = 0
        for i in range(upper, nn):
            while j <= upper - 1 and alpha[j] + math.pi <= alpha[i] + _EPS_HD:
                j += 1
            if j - (i - nn) <= result:
                result = j - (i - nn) - 1
    return result + zeros


def _depth_rec(x: np.ndarray) -> int:
    """ddalpha's ``nHD_Rec``: the integer halfspace depth of the origin, by projecting
    along each data point onto d - 1 dimensions."""
    n, d = x.shape
    if d == 1:
        return _depth_1d(x)
    if d == 2:
        return _depth_2d(x)
    result = n
    for i in range(n):
        kmax, xmax = d, 0.0
        for k in range(d):
            if abs(x[i, k]) > xmax:
                xmax, kmax = abs(x[i, k]), k
        if xmax <= _EPS_HD:
            continue
        z = x[i] / x[i, kmax]
        kept, positive, negative, null = [], 0, 0, 0
        for j in range(n):
            alpha = -x[j, kmax]
            y = np.delete(x[j], kmax) + alpha * np.delete(z, kmax)
            if _norm2(y) > _EPS_HD:
                kept.append(y)
            elif alpha > _EPS_HD:
                positive += 1
            elif alpha < -_EPS_HD:
                negative += 1
            else:
                null += 1
        projected = np.array(kept).reshape(len(kept), d - 1)
        result = min(result, _depth_rec(projected) + null + min(positive, negative))
        if result == 0:
            break
    return result


def exact_halfspace(z: np.ndarray, data: np.ndarray) -> float:
    """ddalpha's ``HD_Rec``: the exact halfspace depth of ``z`` (data points within 1e-8
    of ``z`` count in every halfspace)."""
    shifted = data - z
    far = np.array([_norm2(row) >= _EPS_HD for row in shifted], dtype=bool)
    return (_depth_rec(shifted[far]) + int((~far).sum())) / float(len(data))


# the combinatorial algorithms ("line": HD_Comb, "plane": HD_Comb2)
_EPS_PIVOT = 1e-10


def _rank(x: np.ndarray) -> tuple[int, list[int]]:
    """ddalpha's ``getRank``: Gaussian elimination of the points as columns; the rank
    and the points that carry it."""
    n, d = x.shape
    a = x.T.copy()
    rank, column, pivots = 0, 0, [0] * d
    for k in range(min(n, d)):
        while True:
            row, best = k, abs(a[k, column])
            for i in range(k + 1, d):
                if abs(a[i, column]) > best:
                    best, row = abs(a[i, column]), i
            if best < _EPS_PIVOT:
                column += 1
            if not (best < _EPS_PIVOT and column < n):
                break
        if column >= n:
            break
        rank += 1
        pivots[k] = column
        if row != k:
            a[[k, row], column:] = a[[row, k], column:]
        for i in range(k + 1, d):
            factor = a[i, column] / a[k, column]
            a[i, column + 1:] = a[i, column + 1:] - factor * a[k, column + 1:]
        column += 1
        if column >= n:
            break
    return rank, pivots


def _inner_products(x: np.ndarray, rows: list[int], basis: list[int]) -> np.ndarray:
    """``z[i][j] = sum_k x[basis[j]][k] * x[rows[i]][k]``, summed in order."""
    out = np.zeros((len(rows), len(basis)))
    for k in range(x.shape[1]):
        out = out + x[basis, k][None, :] * x[rows, k][:, None]
    return out


def _null_space(a: np.ndarray, free: int) -> np.ndarray | None:
    """ddalpha's ``getNormal`` (``free = 1``) and ``getBasisComplement`` (``free = 2``):
    ``free`` vectors spanning the complement of the ``d - free`` rows of ``a`` (complete
    pivoting when a column vanishes); None when the rows are dependent."""
    a = a.copy()
    rows, d = a.shape
    swaps = list(range(d))
    for k in range(rows):
        imax, jmax, best = k, k, abs(a[k, k])
        for i in range(k + 1, rows):
            if abs(a[i, k]) > best:
                best, imax = abs(a[i, k]), i
        if best < _EPS_PIVOT:
            for j in range(k + 1, d):
                for i in range(k, rows):
                    if abs(a[i, j]) > best:
                        best, imax, jmax = abs(a[i, j]), i, j
            if best < _EPS_PIVOT:
                return None
            a[:, [k, jmax]] = a[:, [jmax, k]]
            swaps[k] = jmax
        if imax != k:
            a[[k, imax], k:] = a[[imax, k], k:]
        for i in range(k + 1, rows):
            factor = a[i, k] / a[k, k]
            a[i, k + 1:] = a[i, k + 1:] - factor * a[k, k + 1:]
    basis = np.zeros((free, d))
    for f in range(free):
        basis[f, rows + f] = -1.0
    for k in range(rows - 1, -1, -1):
        for f in range(free):
            basis[f, k] = a[k, rows + f] / a[k, k]
        for i in range(k - 1, -1, -1):
            for f in range(free):
                a[i, rows + f] -= basis[f, k] * a[i, k]
    for k in range(d - 1, -1, -1):
        if swaps[k] != k:
            basis[:, [k, swaps[k]]] = basis[:, [swaps[k], k]]
    return basis


def _depth_low(x: np.ndarray) -> int:
    """The exact count in one or two dimensions, where both recursions end."""
    return _depth_1d(x) if x.shape[1] == 1 else _depth_2d(x)


def _depth_line(x: np.ndarray) -> int:
    """ddalpha's ``nHD_Comb``: the smallest count over the hyperplanes through the
    origin and d - 1 data points, recursing into the points on each hyperplane."""
    n, d = x.shape
    if d <= 2:
        return _depth_low(x)
    result = n + 1
    for indices in itertools.combinations(range(n), d - 1):
        normal = _null_space(x[list(indices)], 1)
        if normal is None:
            continue
        sides = np.zeros(n)
        for j in range(d):
            sides = sides + normal[0, j] * x[:, j]
        plane = [i for i in range(n) if -_EPS_HD <= sides[i] <= _EPS_HD]
        inner = _depth_line(_inner_products(x, plane, list(indices))) if len(plane) > d - 1 else 0
        result = min(result, min(int((sides > _EPS_HD).sum()), int((sides < -_EPS_HD).sum()))
                     + inner)
    return result


def _depth_plane(x: np.ndarray) -> int:
    """ddalpha's ``nHD_Comb2``: projections onto the planes complementing d - 2 data
    points, where the bivariate algorithm counts, recursing into the points that project
    onto the origin."""
    n, d = x.shape
    if d <= 2:
        return _depth_low(x)
    result = n + 1
    for indices in itertools.combinations(range(n), d - 2):
        basis = _null_space(x[list(indices)], 2)
        if basis is None:
            continue
        projected = np.zeros((n, 2))
        for j in range(d):
            projected = projected + basis[:, j] * x[:, j:j + 1]
        far = np.array([_norm2(row) > _EPS_HD for row in projected], dtype=bool)
        plane = list(np.flatnonzero(~far))
        inner = _depth_plane(_inner_products(x, plane, list(indices))) if len(plane) > d - 2 else 0
        result = min(result, _depth_2d(projected[far]) + inner)
    return result


def _exact_combinatorial(z: np.ndarray, data: np.ndarray, count: Callable[[np.ndarray], int]) -> float:
    """ddalpha's ``HD_Comb``/``HD_Comb2``: shift to ``z``, drop the points at ``z``,
    project onto the span of the rest when it is lower dimensional, then count."""
    shifted = data - z
    far = np.array([_norm2(row) >= _EPS_HD for row in shifted], dtype=bool)
    x = shifted[far]
    if not len(x):
        return 1.0
    rank, pivots = _rank(x)
    if rank < x.shape[1]:
        x = _inner_products(x, list(range(len(x))), pivots[:rank])
    return (count(x) + int((~far).sum())) / float(len(data))


def exact_halfspace_line(z: np.ndarray, data: np.ndarray) -> float:
    """Exact halfspace depth by ddalpha's combinatorial ``line`` algorithm."""
    return _exact_combinatorial(z, data, _depth_line)


def exact_halfspace_plane(z: np.ndarray, data: np.ndarray) -> float:
    """Exact halfspace depth by ddalpha's combinatorial ``plane`` algorithm."""
    return _exact_combinatorial(z, data, _depth_plane)


# --------------------------------------------------------------------------- dispatch
#: the depth notions recipes allows: the ddalpha function and its R argument names
METRICS: dict[str, tuple[Callable[..., np.ndarray], tuple[str, ...]]] = {
    "Mahalanobis": (mahalanobis_depth, ("mah.estimate", "mah.parMcd")),
    "spatial": (spatial_depth, ("mah.estimate", "mah.parMcd")),
    "potential": (potential_depth, ("pretransform", "kernel", "kernel.bandwidth", "mah.parMcd")),
    "zonoid": (zonoid_depth, ("seed",)),
    "simplicialVolume": (simplicial_volume_depth,
                         ("exact", "k", "mah.estimate", "mah.parMcd", "seed")),
    "halfspace": (halfspace_depth, ("exact", "method", "num.directions", "seed")),
}


def match_options(metric: str, options: dict[str, Any]) -> dict[str, Any]:
    """R's argument matching of ``options`` to the depth function's formals (exact
    names, then unique prefixes), as Python keyword names."""
    formals = METRICS[metric][1]
    out = {}
    for name, value in options.items():
        matches = [f for f in formals if f == name] or [f for f in formals if f.startswith(name)]
        if len(matches) != 1:
            raise ForgeError(f"step_depth: unused argument ({name} = ...) for "
                             f"ddalpha::depth.{metric}")
        out[matches[0].replace(".", "_")] = value
    return out


def depth(metric: str, x: np.ndarray, data: np.ndarray, options: dict[str, Any]) -> np.ndarray:
    """``ddalpha::depth.<metric>(x, data, <options>)``."""
    if metric not in METRICS:
        raise UnsupportedStepError(_STEP, f"the depth metric {metric!r}")
    return METRICS[metric][0](x, data, **match_options(metric, options))
