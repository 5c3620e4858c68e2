"""The numerics behind the kernel PCA and Isomap steps, as R computes them.

* kernlab's kernel functions (``kernelMatrix`` for ``rbfdot``, ``polydot``, ``vanilladot``,
  ``laplacedot``, ``anovadot``, ``splinedot``, ``tanhdot``) and its ``predict`` for
  ``kpca`` objects, with kernlab's own operation order: BLAS products are sums over the
  inner index in order (reference BLAS and R's own loops alike), ``rowSums``, ``colSums``,
  ``sum`` and ``prod`` accumulate in long double.
* dimRed's Isomap projection of new data: a k-nearest-neighbour graph (RANN, i.e. ANN's
  kd-tree) over the new and the training rows together, shortest paths (igraph's Dijkstra)
  from the new rows to the training rows, and the landmark-MDS formula.

Matrices are taken as doubles. Where R's matrix is an integer one (every selected column
an integer), rbfdot's and laplacedot's ``rowSums(x * x)`` squares in integers: a row
holding a value beyond 46340 overflows to NA, with R's warning, and so does its kernel row.

kernlab's ``kpca`` fit is replayed too: the kernel matrix centred with kernlab's formula,
then ``eigen(symmetric = TRUE)`` through the system LAPACK's ``dsyevr``
(:func:`pykerasnip.rlinalg.eigen_symmetric`), as R calls it. Isomap's fit is not: its
embedding comes from RSpectra's restarted Lanczos iterations, whose digits Python cannot
reproduce.
"""
from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import ForgeError, SpecError, UnsupportedStepError
from ..rds.nodes import NA_REAL
from ..rlinalg import col_sums, eigen_symmetric, matprod
from ..rmath import libm, r_pow, r_round


_exp, _tanh = libm("exp"), libm("tanh")


# --------------------------------------------------------------------------- R reductions
def row_sums(x: np.ndarray) -> np.ndarray:
    """``rowSums(x)``: each row summed in order in long double, from 0."""
    total = np.zeros(x.shape[0], dtype=np.longdouble)
    for j in range(x.shape[1]):
        total += x[:, j]
    return total.astype("f8")


def total(x: np.ndarray) -> float:
    """``sum(x)`` of a matrix: column-major order, long double."""
    flat = x.ravel(order="F").astype(np.longdouble)
    return float(np.cumsum(flat)[-1]) if flat.size else 0.0


# --------------------------------------------------------------------------- kernlab kernels
KernelFn = Callable[[Mapping[str, float], np.ndarray, "np.ndarray | None"], np.ndarray]


def _half_norms(x: np.ndarray) -> np.ndarray:
    return row_sums(x * x) / 2


def _gram(x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    """``crossprod(t(x))`` or ``x %*% t(y)`` / ``crossprod(t(x), t(y))``."""
    return matprod(x, (x if y is None else y).T)


def _centred_distances(x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    """kernlab's ``res - dota - dotb``: minus half the squared distances, subtracted in
    kernlab's order (the column's half norm first in ``kernelMatrix(k, x)``, the row's
    first with two matrices)."""
    dota = _half_norms(x)
    if y is None:
        return (_gram(x, None) - dota[None, :]) - dota[:, None]
    return (_gram(x, y) - dota[:, None]) - _half_norms(y)[None, :]


def _rbf(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    return _exp((2.0 * p["sigma"]) * _centred_distances(x, y))


def _laplace(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    return _exp(-p["sigma"] * np.sqrt(r_round(-2.0 * _centred_distances(x, y), 9)))


def _poly(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    return r_pow(p["scale"] * _gram(x, y) + p["offset"], p["degree"])


def _vanilla(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    return _gram(x, y)


def _tanh_kernel(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    if y is not None:
        # kernlab's two-matrix method never defines scale/offset and finds base::scale
        raise ForgeError("kernlab cannot project new data with the tanhdot kernel: its "
                         "kernelMatrix() fails in R (non-numeric argument to binary operator)")
    return _tanh(p["scale"] * _gram(x, None) + p["offset"])


def _pairwise(x: np.ndarray, y: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(x_i, y_j) of every pair over the features: arrays (n, m, d)."""
    y = x if y is None else y
    return np.broadcast_arrays(x[:, None, :], y[None, :, :])


def _anova(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    xi, yj = _pairwise(x, y)
    diff = xi - yj
    terms = _exp(-p["sigma"] * (diff * diff))
    sums = np.cumsum(terms.astype(np.longdouble), axis=2)[..., -1].astype("f8") \
        if terms.shape[2] else np.zeros(terms.shape[:2])
    return r_pow(sums, p["degree"])


def _spline(p: Mapping[str, float], x: np.ndarray, y: np.ndarray | None) -> np.ndarray:
    xi, yj = _pairwise(x, y)
    dr, dp, dm = yj + xi, yj * xi, np.minimum(yj, xi)
    terms = 1.0 + dp + dp * dm - (dr / 2.0) * (dm * dm) + r_pow(dm, 3.0) / 3.0
    return np.cumprod(terms.astype(np.longdouble), axis=2)[..., -1].astype("f8") \
        if terms.shape[2] else np.ones(terms.shape[:2])


#: kernlab's kernel classes -> their ``kernelMatrix`` methods
KERNELS: dict[str, KernelFn] = {
    "rbfkernel": _rbf, "polykernel": _poly, "vanillakernel": _vanilla, "tanhkernel": _tanh_kernel,
    "laplacekernel": _laplace, "anovakernel": _anova, "splinekernel": _spline,
}


_NOT_REPLAYED = {"besselkernel": "it evaluates R's besselJ()"}

#: the kernels whose ``kernelMatrix`` squares the entries in the matrix's own type
_SQUARING = frozenset({"rbfkernel", "laplacekernel"})
#: the largest magnitude whose square an R integer holds
_INT_SQUARE_MAX = 46340


def _overflowing_rows(x: np.ndarray) -> np.ndarray:
    """The rows whose integer ``x * x`` overflows in R (NA, with R's warning)."""
    rows = (np.abs(x) > _INT_SQUARE_MAX).any(axis=1)
    if rows.any():
        warnings.warn("NAs produced by integer overflow", UserWarning, stacklevel=3)
    return rows


#: kernlab's kernel generators: the class of the kernel each makes, and its parameters
#: (in the order of its ``kpar``) with their defaults
GENERATORS: dict[str, tuple[str, dict[str, float]]] = {
    "rbfdot": ("rbfkernel", {"sigma": 1.0}),
    "polydot": ("polykernel", {"degree": 1.0, "scale": 1.0, "offset": 1.0}),
    "vanilladot": ("vanillakernel", {}),
    "tanhdot": ("tanhkernel", {"scale": 1.0, "offset": 1.0}),
    "laplacedot": ("laplacekernel", {"sigma": 1.0}),
    "anovadot": ("anovakernel", {"sigma": 1.0, "degree": 1.0}),
    "splinedot": ("splinekernel", {}),
    "besseldot": ("besselkernel", {"sigma": 1.0, "order": 1.0, "degree": 1.0}),
}


@dataclass(frozen=True)
class Kernel:
    """A kernlab kernel function object: its S4 class (``"rbfkernel"``) and parameters
    (``kpar``). Only its ``kernelMatrix`` method is replayed; the R function is not run."""

    r_class: str
    kpar: dict[str, float] = field(default_factory=dict)

    @classmethod
    def generated(cls, generator: str, kpar: Mapping[str, float]) -> "Kernel":
        """``do.call(generator, kpar)``: the kernel kernlab's generator makes (its
        parameters matched by name, the others at their defaults)."""
        if generator not in GENERATORS:
            raise UnsupportedStepError("step_kpca", f"the kernel {generator!r} (known: "
                                       f"{', '.join(GENERATORS)})")
        r_class, defaults = GENERATORS[generator]
        unknown = sorted(set(kpar) - set(defaults))
        if unknown:
            raise SpecError(f"{generator}(): unused argument(s) {', '.join(unknown)}")
        return cls(r_class, {name: float(kpar.get(name, value)) for name, value in defaults.items()})

    @property
    def generator(self) -> str:
        """The name of the kernlab function that makes this kernel."""
        return next(name for name, (r_class, _) in GENERATORS.items() if r_class == self.r_class)

    def matrix(self, x: np.ndarray, y: np.ndarray | None = None, *,
               integer: bool = False) -> np.ndarray:
        """``kernelMatrix(kernel, x)`` or ``kernelMatrix(kernel, x, y)``; ``integer``: R
        holds ``x`` as an integer matrix (``y`` is the kpca's own, whose fit did not
        overflow)."""
        if self.r_class not in KERNELS:
            why = _NOT_REPLAYED.get(self.r_class, "its kernelMatrix() runs the kernel's R function")
            raise UnsupportedStepError("step_kpca", f"kernlab's {self.r_class}: {why}")
        with np.errstate(all="ignore"):  # R's IEEE arithmetic: Inf and NaN are values
            out = KERNELS[self.r_class](self.kpar, x, y)
        if integer and self.r_class in _SQUARING:
            rows = _overflowing_rows(x)
            out[rows] = NA_REAL
            if y is None:
                out[:, rows] = NA_REAL
        return out


# --------------------------------------------------------------------------- kernel PCA
@dataclass
class KernelPCA:
    """What kernlab's ``kpca`` keeps and its ``predict`` uses: the kernel, the training
    matrix (``xmatrix``: rows with missing values dropped) and the eigenvectors scaled
    by the root of their eigenvalues (``pcv``)."""

    kernel: Kernel
    xmatrix: np.ndarray
    pcv: np.ndarray
    #: the eigenvalues kept (``eig``) and the training rows' projection (``rotated``), which
    #: kernlab stores but ``predict`` does not use
    eig: np.ndarray | None = None
    rotated: np.ndarray | None = None
    #: the (1-based) training rows ``na.omit`` dropped before the fit
    omitted: tuple[int, ...] = ()
    #: R holds the training matrix as integers
    integer: bool = False

    #: kernel entries computed at once: new rows are projected in blocks of this many
    #: entries (the result of a row does not depend on the block)
    block_entries: ClassVar[int] = 1 << 21

    @functools.cached_property
    def _training_kernel(self) -> tuple[np.ndarray, float]:
        """The training kernel matrix's row sums and total, which every projection uses."""
        ka = self.kernel.matrix(self.xmatrix)
        return row_sums(ka), total(ka)

    def predict(self, x: np.ndarray, *, integer: bool = False) -> np.ndarray:
        """``predict(kpca, x)``: the kernel matrix between ``x`` (an integer matrix in R
        with ``integer``) and the training rows, centred with kernlab's formula (its last
        term divides the training total by ``m * n``, n the number of new rows), times
        ``pcv``."""
        m, n = self.xmatrix.shape[0], x.shape[0]
        ka_sums, ka_total = self._training_kernel
        shift = np.float64(ka_total) / (m * n)
        step = max(1, self.block_entries // max(m, 1))
        out = np.empty((n, self.pcv.shape[1]))
        for start in range(0, n, step):
            knc = self.kernel.matrix(x[start:start + step], self.xmatrix, integer=integer)
            with np.errstate(all="ignore"):
                centred = (knc - (row_sums(knc) / m)[:, None]) - (ka_sums / m)[None, :]
                centred += shift
                out[start:start + step] = matprod(centred, self.pcv)
        return out


def fit_kpca(kernel: Kernel, x: np.ndarray, features: int, th: float = 1e-4, *,
             integer: bool = False) -> KernelPCA:
    """kernlab's ``kpca(x, kernel, features = features)`` (``features`` > 0; ``integer``:
    R holds ``x`` as an integer matrix): rows with a missing value dropped, the kernel
    matrix centred as ``t(t(km - colSums(km)/m) - rowSums(km)/m) + sum(km)/m^2``, the
    eigenvectors of that over ``m`` divided by the root of their eigenvalues."""
    missing = np.isnan(x).any(axis=1)
    x = x[~missing]
    m = x.shape[0]
    if not m:
        raise ForgeError("kpca: no training rows without missing values (R: subscript out of bounds)")
    with np.errstate(all="ignore"):
        km = kernel.matrix(x, integer=integer)
        kc = ((km - (col_sums(km) / m)[:, None]) - (row_sums(km) / m)[None, :]) + total(km) / float(m * m)
        values, vectors = eigen_symmetric(kc / m)
    if features > m:  # values[features] is NA in R
        raise SpecError(f"kpca: {features} components asked of {m} training rows (R: missing value "
                        "where TRUE/FALSE needed)")
    if values[features - 1] < th:
        warnings.warn("eigenvalues of the kernel matrix are below threshold!", UserWarning, stacklevel=2)
    with np.errstate(invalid="ignore"):
        if (values[:features] < 0).any():
            warnings.warn("In sqrt(res$values[1:features]) : NaNs produced", UserWarning, stacklevel=2)
        pcv = vectors[:, :features] / np.sqrt(values[:features])[None, :]
    return KernelPCA(kernel, x, pcv, eig=values[:features].copy(), rotated=matprod(kc, pcv),
                     omitted=tuple(int(i) + 1 for i in np.flatnonzero(missing)), integer=integer)


# --------------------------------------------------------------------------- Isomap
_ANN_ERR = 0.001


class _KdTree:
    """ANN's kd-tree as RANN builds it (sliding-midpoint splits, one point per leaf) and
    its standard k-nearest-neighbour search, step for step: where distances tie, the
    neighbours it keeps and their order are ANN's."""

    def __init__(self, points: np.ndarray):
        self.points = points
        n, dim = points.shape
        self.index = list(range(n))
        self.lo, self.hi = points.min(axis=0), points.max(axis=0)
        self.root = self._build(0, n, self.lo.copy(), self.hi.copy()) if n else None

    # -- construction (annEnclRect, sl_midpt_split, annPlaneSplit)
    def _build(self, start: int, n: int, lo: np.ndarray, hi: np.ndarray) -> Any:
        if n <= 1:
            return ("leaf", self.index[start]) if n == 1 else ("leaf", None)
        cut_dim, cut_val, n_lo = self._split(start, n, lo, hi)
        low, high = lo[cut_dim], hi[cut_dim]
        hi[cut_dim] = cut_val
        lo_child = self._build(start, n_lo, lo, hi)
        hi[cut_dim] = high
        lo[cut_dim] = cut_val
        hi_child = self._build(start + n_lo, n - n_lo, lo, hi)
        lo[cut_dim] = low
        return ("split", cut_dim, cut_val, low, high, lo_child, hi_child)

    def _coords(self, start: int, n: int, dim: int) -> np.ndarray:
        return self.points[self.index[start:start + n], dim]

    def _split(self, start: int, n: int, lo: np.ndarray, hi: np.ndarray) -> tuple[int, float, int]:
        lengths = hi - lo
        max_length = lengths[0]
        for length in lengths[1:]:
            if length > max_length:
                max_length = length
        cut_dim, max_spread = 0, -1.0
        for d in range(len(lengths)):
            if lengths[d] >= (1 - _ANN_ERR) * max_length:
                values = self._coords(start, n, d)
                spread = values.max() - values.min()
                if spread > max_spread:
                    max_spread, cut_dim = spread, d
        ideal = (lo[cut_dim] + hi[cut_dim]) / 2
        values = self._coords(start, n, cut_dim)
        low, high = values.min(), values.max()
        cut_val = low if ideal < low else high if ideal > high else ideal
        br1, br2 = self._plane_split(start, n, cut_dim, cut_val)
        if ideal < low:
            n_lo = 1
        elif ideal > high:
            n_lo = n - 1
        elif br1 > n // 2:
            n_lo = br1
        elif br2 < n // 2:
            n_lo = br2
        else:
            n_lo = n // 2
        return cut_dim, float(cut_val), n_lo

    def _plane_split(self, start: int, n: int, dim: int, cut: float) -> tuple[int, int]:
        idx, pts = self.index, self.points

        def coord(i: int) -> float:
            return pts[idx[start + i], dim]

        def partition(first: int, below: Callable[[float], bool]) -> int:
            left, right = first, n - 1
            while True:
                while left < n and below(coord(left)):
                    left += 1
                while right >= first and not below(coord(right)):
                    right -= 1
                if left > right:
                    return left
                idx[start + left], idx[start + right] = idx[start + right], idx[start + left]
                left, right = left + 1, right - 1

        br1 = partition(0, lambda v: v < cut)
        return br1, partition(br1, lambda v: v <= cut)

    # -- search (annkSearch with eps = 0)
    def search(self, query: np.ndarray, k: int) -> tuple[list[int], list[float]]:
        """The ``k`` nearest points to ``query``: indices and squared distances."""
        keys: list[float] = []
        infos: list[int] = []
        points = self.points
        inf = float(np.finfo(float).max)

        def max_key() -> float:
            return keys[k - 1] if len(keys) == k else inf

        def insert(key: float, info: int) -> None:
            at = len(keys)
            while at > 0 and keys[at - 1] > key:
                at -= 1
            keys.insert(at, key)
            infos.insert(at, info)
            del keys[k:], infos[k:]

        def visit(node: Any, box_dist: float) -> None:
            if node[0] == "leaf":
                if node[1] is not None:
                    diff = query - points[node[1]]
                    dist = 0.0
                    for t in diff:
                        dist = dist + t * t
                    if dist <= max_key():
                        insert(dist, node[1])
                return
            _, cut_dim, cut_val, low, high, lo_child, hi_child = node
            cut_diff = query[cut_dim] - cut_val
            if cut_diff < 0:
                near, far, box_diff = lo_child, hi_child, low - query[cut_dim]
            else:
                near, far, box_diff = hi_child, lo_child, query[cut_dim] - high
            visit(near, box_dist)
            box_diff = max(box_diff, 0.0)
            box_dist = box_dist + (box_diff * box_diff - cut_diff * cut_diff)
            if box_dist < max_key():
                visit(far, box_dist)

        if self.root is not None:
            outside = np.where(query < self.lo, self.lo - query,
                               np.where(query > self.hi, query - self.hi, 0.0))
            start = 0.0
            for t in outside:
                if t:
                    start = start + t * t
            visit(self.root, start)
        if len(keys) < k:  # RANN would hand igraph vertex 0 for the missing ones
            raise ForgeError("Isomap: too few neighbours within a finite distance")
        return infos, keys


def _squared_distances(query: np.ndarray, points: np.ndarray) -> np.ndarray:
    """ANN's squared distances: the squared differences summed over the dimensions in order."""
    out = np.zeros((query.shape[0], points.shape[0]))
    for d in range(points.shape[1]):
        t = query[:, d, None] - points[None, :, d]
        out = out + t * t
    return out


def nearest_neighbours(points: np.ndarray, k: int, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """``RANN::nn2(points, points, k)`` (kd-tree, standard search, eps = 0): indices
    (0-based) and distances of each point's ``k`` nearest points, itself usually first.

    A brute-force ranking gives ANN's answer wherever the ``k``-th and ``k + 1``-th
    distances and the two smallest ones are clearly apart; the other points (ties, as
    duplicated rows make) go through the replica of ANN's kd-tree, whose visiting order
    decides ties."""
    n = points.shape[0]
    idx, sq = np.zeros((n, k), dtype=int), np.zeros((n, k))
    doubtful: list[int] = []
    take = min(k + 1, n)
    for start in range(0, n, chunk):
        d2 = _squared_distances(points[start:start + chunk], points)
        part = np.argpartition(d2, take - 1, axis=1)[:, :take] if take < n else \
            np.tile(np.arange(n), (d2.shape[0], 1))
        ranked = np.take_along_axis(part, np.argsort(np.take_along_axis(d2, part, 1), axis=1,
                                                     kind="stable"), 1)
        best = np.take_along_axis(d2, ranked, 1)
        idx[start:start + len(d2)], sq[start:start + len(d2)] = ranked[:, :k], best[:, :k]
        scale = np.maximum(best[:, -1], np.finfo(float).tiny)
        close = ~np.isfinite(best).all(axis=1)
        if take > k:
            close |= best[:, k] - best[:, k - 1] <= 1e-9 * scale
        if k > 1:
            close |= best[:, 1] - best[:, 0] <= 1e-9 * scale
        doubtful.extend((start + np.flatnonzero(close)).tolist())
    if doubtful:
        tree = _KdTree(points)
        for i in doubtful:
            found, keys = tree.search(points[i], k)
            idx[i], sq[i] = found, keys
    return idx, np.sqrt(sq)


def _geodesics(points: np.ndarray, k: int, sources: int) -> np.ndarray:
    """dimRed's ``makeKNNgraph`` + ``igraph::distances``: the undirected graph joining
    every point to its ``k`` nearest others (weights: distances), shortest path lengths
    from the first ``sources`` points to all the others."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import dijkstra

    n = points.shape[0]
    idx, dist = nearest_neighbours(points, k + 1)
    frm = np.repeat(np.arange(n), k)
    to, weight = idx[:, 1:].ravel(), dist[:, 1:].ravel()
    keep = frm != to
    a, b = np.minimum(frm[keep], to[keep]), np.maximum(frm[keep], to[keep])
    # both directions of an edge carry the same distance; collapse them to one
    _, first = np.unique(a * n + b, return_index=True)
    # igraph's Dijkstra keeps "distance + 1" (0 means unreached): paths are summed from 1.0
    # and 1 is subtracted at the end. A pendant node at distance 1 from each source makes
    # SciPy sum the same way.
    pendants = n + np.arange(sources)
    rows = np.concatenate([a[first], np.arange(sources)])
    cols = np.concatenate([b[first], pendants])
    weights = np.concatenate([weight[keep][first], np.ones(sources)])
    graph = coo_matrix((weights, (rows, cols)), shape=(n + sources, n + sources)).tocsr()
    return dijkstra(graph, directed=False, indices=pendants)[:, :n] - 1.0


@dataclass
class IsomapFit:
    """What dimRed's Isomap projection uses: the training data, the number of
    neighbours, the embedding (eigenvectors times the root of their eigenvalues) and the
    column means of the squared training geodesic distances."""

    training: np.ndarray
    knn: int
    vectors: np.ndarray
    values: np.ndarray
    geodesic_means: np.ndarray

    def apply(self, x: np.ndarray) -> np.ndarray:
        """The ``apply`` function dimRed stores: landmark Isomap of the rows of ``x``."""
        if x.shape[1] != self.training.shape[1]:
            raise ForgeError("x must have the same number of dimensions as the original data")
        if not np.isfinite(x).all():
            raise ForgeError("Isomap cannot project missing or infinite values (RANN::nn2: "
                             "NA/NaN/Inf in foreign function call)")
        combined = np.vstack([x, self.training])
        if self.knn + 1 > combined.shape[0]:
            raise ForgeError("Cannot find more nearest neighbours than there are points")
        geodesic = _geodesics(combined, self.knn, x.shape[0])[:, x.shape[0]:]
        with np.errstate(all="ignore"):
            shifted = geodesic * geodesic - self.geodesic_means[None, :]
            return -0.5 * matprod(shifted, self.vectors / self.values[None, :])


def squared_col_means(geodesic: np.ndarray) -> np.ndarray:
    """``colMeans(geodist ^ 2)`` (long-double sums divided in long double)."""
    sq = (geodesic * geodesic).astype(np.longdouble)
    return (np.cumsum(sq, axis=0)[-1] / geodesic.shape[0]).astype("f8")

