"""The spline bases of the R package splines2 (0.4.7), as recipes' spline steps call them.

``bSpline`` (B-splines), ``mSpline`` (M-splines, also periodic), ``iSpline`` (their
integrals), ``cSpline`` (integrals of I-splines), ``naturalSpline`` (splines2's natural
cubic splines, not ``splines::ns``) and ``bernsteinPoly``, each with its ``derivs`` and
``integral`` variants. splines2 evaluates them in C++ (Cox-de Boor recursions, knot
quantiles of its own, Armadillo sums, the reference BLAS for one matrix product); every
number here comes from the same operations in the same order, so the bases are R's to the
last bit, beyond the boundary knots too (where splines2 continues the end polynomials).

:func:`call` runs one of the R functions on a numeric vector with R's arguments and gives
the basis matrix and the attributes splines2 attaches to it (what recipes stores and
passes back at bake time).
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ForgeError
from ..rlinalg import matprod


_EPS = float(np.finfo(float).eps)
#: up to this many internal knots, x is placed among them by comparisons, not a search
_FEW_KNOTS = 32
#: rows of x evaluated at once
_BLOCK = 32_768


class Splines2Error(ForgeError):
    """splines2 refused its input (R stops with the same message)."""


# --------------------------------------------------------------------------- knots
def _arma_extreme(x: np.ndarray, smallest: bool) -> float:
    """``min``/``max`` as splines2's Armadillo gives it: the first extreme value in x
    (which decides the sign of a zero boundary knot)."""
    return float(x[np.argmin(x) if smallest else np.argmax(x)])


@dataclass(frozen=True)
class Knots:
    """Sorted internal knots, the two boundary knots, and whether a knot repeats."""

    internal: np.ndarray
    boundary: np.ndarray
    repeated: bool = False

    def sequence(self, order: int) -> np.ndarray:
        """The simple knot sequence: each boundary knot ``order`` times around the internal ones."""
        return np.r_[np.repeat(self.boundary[0], order), self.internal,
                     np.repeat(self.boundary[1], order)]

    def index(self, x: np.ndarray) -> "Spans":
        """The knot interval of each x: how many internal knots are <= x (all of them
        for NaN, as a sorted search counts)."""
        if len(self.internal) > _FEW_KNOTS:
            return Spans.of(np.searchsorted(self.internal, x, side="right"))
        count = np.zeros(np.shape(x), dtype=np.int8)
        for knot in self.internal:  # one comparison per knot costs less than a search
            count += ~(x < knot)
        return Spans.of(count.astype(np.intp))


@dataclass(frozen=True)
class Spans:
    """The knot interval of each x (``idx``) and the one all of them lie in (``shared``,
    None if they do not): then every x has the same knots around it, one value each."""

    idx: np.ndarray
    shared: int | None

    @classmethod
    def of(cls, idx: np.ndarray) -> "Spans":
        lowest = int(idx.min()) if len(idx) else None
        return cls(idx, lowest if lowest is not None and idx.max() == lowest else None)

    def near(self, values: np.ndarray, m: int = 0) -> np.ndarray:
        """``values[idx + m]`` at each x (one value if the interval is shared)."""
        if self.shared is not None:
            return values[self.shared + m]
        return values[m:].take(self.idx)


def _set_knots(x: np.ndarray, internal: np.ndarray, boundary: np.ndarray) -> Knots:
    """splines2's knot checks: boundary knots from the range of x unless given (two
    distinct values, sorted), internal knots sorted and strictly inside them."""
    if len(boundary) == 0:
        left, right = _arma_extreme(x, True), _arma_extreme(x, False)
        if left == right:
            raise Splines2Error("Cannot set boundary knots from x.")
        boundary = np.array([left, right])
    else:
        if np.isnan(boundary).any():
            raise Splines2Error("Boundary knots cannot contain NA.")
        boundary = np.unique(boundary)
        if len(boundary) != 2:
            raise Splines2Error("Need two distinct boundary knots.")
    if np.isnan(internal).any():
        raise Splines2Error("Internal knots cannot contain NA.")
    internal = np.sort(internal)
    if len(internal) and (boundary[0] >= internal[0] or boundary[1] <= internal[-1]):
        raise Splines2Error("Internal knots must be set inside boundary.")
    every = np.r_[internal, boundary] if len(internal) else internal
    return Knots(internal, boundary, len(np.unique(every)) < len(every))


def _inner_probs(n: int) -> np.ndarray:
    """``linspace(0, 1, n + 2)`` without its ends, as Armadillo computes it."""
    delta = 1.0 / (n + 1)
    return np.arange(1, n + 1, dtype=float) * delta


def arma_quantile(x: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """splines2's type-7 quantiles (its own formula: ``(1 - h) * x[j] + h * x[j + 1]``)."""
    if len(x) == 0:
        raise Splines2Error("Mat::min(): object has no elements")  # no x inside the boundary
    ordered = np.sort(x)
    n = len(x)
    nppm = 1.0 + probs * float(n - 1)
    j = np.floor(nppm + _EPS)
    h = nppm - j
    out = np.empty(len(probs))
    for i, (lj, hi) in enumerate(zip(j.astype(int), h)):
        if lj == 0:
            out[i] = _arma_extreme(x, True)
        elif lj >= n:
            out[i] = _arma_extreme(x, False)
        else:
            out[i] = (1 - hi) * ordered[lj - 1] + hi * ordered[lj]
    return out


def _df_knots(x: np.ndarray, n_internal: int, boundary: np.ndarray,
              values: Callable[[np.ndarray, Knots], np.ndarray] | None = None) -> Knots:
    """Boundary knots, then ``n_internal`` knots at quantiles of the x inside them (or
    of ``values(x, knots)``, the periodic splines' x folded into the range)."""
    knots = _set_knots(x, np.array([]), boundary)
    if n_internal == 0:
        return knots
    inside = values(x, knots) if values else x[(x >= knots.boundary[0]) & (x <= knots.boundary[1])]
    return _set_knots(x, arma_quantile(inside, _inner_probs(n_internal)), knots.boundary)


# --------------------------------------------------------------------------- helpers
# A window holds the splines nonzero at each x, one row per spline (``window[j]`` is
# spline ``idx + j`` at every x); a basis is returned column-major (each column
# contiguous, as pandas keeps it).
def _scatter(window: np.ndarray, spans: Spans, ncol: int,
             before: float | np.ndarray = 0.0) -> np.ndarray:
    """The ``(len(x), ncol)`` basis with ``window[j]`` in column ``idx + j`` of each
    row, ``before`` (a value, or one per column) left of the window and zeros after it."""
    idx, n = spans.idx, len(spans.idx)
    if np.ndim(before) == 0 and before == 0.0:
        out = np.zeros((ncol, n))
    else:
        out = np.where(np.arange(ncol)[:, None] < idx, np.reshape(before, (-1, 1)), 0.0)
    if spans.shared is not None:
        out[spans.shared:spans.shared + len(window)] = window
        return out.T
    flat, at = out.reshape(-1), idx * n + np.arange(n)
    for row in window:
        flat[at] = row
        at += n
    return out.T


def _rev_cumsum(window: np.ndarray) -> np.ndarray:
    """Cumulative sums of the rows from the last, one addition at a time."""
    out = np.empty_like(window)
    acc: float | np.ndarray = 0.0
    for j in range(len(window) - 1, -1, -1):
        acc = np.add(acc, window[j], out=out[j])
    return out


def _accumulate(values: np.ndarray) -> float:
    """Armadillo's ``accu`` of a vector: even and odd positions summed apart, then added."""
    even = odd = 0.0
    for k, v in enumerate(values):
        if k % 2:
            odd += v
        else:
            even += v
    return even + odd


def drop_first(m: np.ndarray) -> np.ndarray:
    """A basis without its first column (``intercept = FALSE``)."""
    if m.shape[1] < 2:
        raise Splines2Error("No column left in the matrix.")
    return m[:, 1:]


# --------------------------------------------------------------------------- B- and M-splines
class _KnotsNear:
    """``t[idx + m]``, the knot ``m`` places after each x's span, and the differences of
    two such knots (and of a knot and x), each computed once."""

    def __init__(self, x: np.ndarray, spans: Spans, t: np.ndarray):
        self.x, self.spans, self.t, self.known = x, spans, t, {}

    def _once(self, key: tuple, make: Callable[[], np.ndarray]) -> np.ndarray:
        if key not in self.known:
            self.known[key] = make()
        return self.known[key]

    def __getitem__(self, m: int) -> np.ndarray:
        return self._once((m,), lambda: self.spans.near(self.t, m))

    def gap(self, m: int, k: int) -> np.ndarray:
        """``t[idx + m] - t[idx + k]``."""
        return self._once((m, k), lambda: self[m] - self[k])

    def after(self, m: int) -> np.ndarray:
        """``t[idx + m] - x``."""
        return self._once((m, "x"), lambda: self[m] - self.x)

    def before(self, m: int) -> np.ndarray:
        """``x - t[idx + m]``."""
        return self._once(("x", m), lambda: self.x - self[m])


def _bspline_window(x: np.ndarray, spans: Spans, t: np.ndarray, degree: int) -> np.ndarray:
    """The ``degree + 1`` nonzero B-splines at each x (Cox-de Boor, splines2's order)."""
    order = degree + 1
    knot = _KnotsNear(x, spans, t)
    w = np.empty((order, len(x)))
    w[0] = 1.0
    for k in range(1, order):
        saved: float | np.ndarray = 0.0
        for j in range(k):
            t1, t2 = j + (degree - k) + 1, j + order
            term = w[j] / knot.gap(t2, t1)
            np.add(saved, knot.after(t2) * term, out=w[j])
            saved = knot.before(t1) * term
        w[k] = saved
    return w


def _mspline_window(x: np.ndarray, spans: Spans, t: np.ndarray, degree: int) -> np.ndarray:
    """The ``degree + 1`` nonzero M-splines at each x."""
    order = degree + 1
    knot = _KnotsNear(x, spans, t)
    w = np.empty((order, len(x)))
    np.divide(1, knot.gap(order, degree), out=w[0])
    for k in range(1, order):
        scale = 1.0 + 1.0 / k
        saved: float | np.ndarray = 0.0
        for j in range(k):
            o1, o2 = j + (degree - k), j + order
            term = scale * w[j]
            np.add(saved, knot.after(o2) * term / knot.gap(o2, o1), out=w[j])
            saved = knot.before(o1 + 1) * term / knot.gap(o2 + 1, o1 + 1)
        w[k] = saved
    return w


_WINDOWS = {"b": _bspline_window, "m": _mspline_window}


def _derivative_window(kind: str, x: np.ndarray, spans: Spans, knots: Knots,
                       degree: int, derivs: int) -> np.ndarray:
    """The nonzero ``derivs``-th derivatives (B: ``kind`` "b", M: "m"), from the basis
    of degree ``degree - derivs``."""
    order = degree + 1
    knot = _KnotsNear(x, spans, knots.sequence(order))
    lower = _WINDOWS[kind](x, spans, knots.sequence(order - derivs), degree - derivs)
    w = np.zeros((order, len(x)))
    w[:len(lower)] = lower
    for k in range(1, derivs + 1):
        offset = derivs - k
        numer = degree - offset
        saved: float | np.ndarray = 0.0
        for j in range(numer):
            if kind == "b":
                term = numer * w[j] / knot.gap(j + order, j + offset + 1)
                np.subtract(saved, term, out=w[j])
                saved = term
            else:
                term = (numer + 1) * w[j]
                np.subtract(saved, term / knot.gap(j + order, j + offset), out=w[j])
                saved = term / knot.gap(j + order + 1, j + offset + 1)
        w[numer] = saved
    return w


class SplineEngine:
    """One spline family on fixed knots and degree: its complete basis, derivatives
    and integrals at x (splines2's ``basis(true)``, ``derivative``, ``integral``)."""

    def __init__(self, x: np.ndarray, knots: Knots, degree: int):
        self.x, self.knots, self.degree = x, knots, degree
        self.order = degree + 1

    @functools.cached_property
    def spans(self) -> Spans:
        """The knot interval of each x."""
        return self.knots.index(self.x)

    @property
    def ncol(self) -> int:
        return len(self.knots.internal) + self.order

    def at(self, x: np.ndarray) -> "SplineEngine":
        return type(self)(x, self.knots, self.degree)

    def basis(self) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, derivs: int) -> np.ndarray:
        raise NotImplementedError

    def integral(self) -> np.ndarray:
        raise NotImplementedError


class BSpline(SplineEngine):
    """B-splines; outside the boundary knots the end polynomials go on."""

    kind = "b"

    def basis(self) -> np.ndarray:
        t = self.knots.sequence(self.order)
        return _scatter(_WINDOWS[self.kind](self.x, self.spans, t, self.degree), self.spans,
                        self.ncol)

    def derivative(self, derivs: int) -> np.ndarray:
        if self.degree < derivs:
            return np.zeros((len(self.x), self.ncol))
        window = _derivative_window(self.kind, self.x, self.spans, self.knots, self.degree,
                                    derivs)
        return _scatter(window, self.spans, self.ncol)

    def _integral_terms(self) -> tuple[np.ndarray, np.ndarray]:
        """The nonzero splines of one degree more (first one left out) and the knot
        sequence of that degree."""
        t = self.knots.sequence(self.order + 1)
        return _WINDOWS[self.kind](self.x, self.spans, t, self.degree + 1)[1:], t

    def _near(self, per_column: np.ndarray) -> np.ndarray:
        """``per_column`` (one value per basis column) at each x's window columns, one
        row per window column (one value each if the interval is shared)."""
        return np.stack([np.reshape(self.spans.near(per_column, j), -1)
                         for j in range(self.order)])

    def integral(self) -> np.ndarray:
        upper, t = self._integral_terms()
        widths = t[np.arange(self.ncol) + self.order + 1] - t[np.arange(self.ncol) + 1]
        window = _rev_cumsum(upper) * self._near(widths) / self.order
        return _scatter(window, self.spans, self.ncol, widths / self.order)


class MSpline(BSpline):
    """M-splines (B-splines scaled to integrate to one)."""

    kind = "m"

    def integral(self) -> np.ndarray:
        upper, t = self._integral_terms()
        widths = t[np.arange(self.ncol) + self.order + 2] - t[np.arange(self.ncol) + 1]
        window = _rev_cumsum(self._near(widths) * upper) / (self.order + 1)
        return _scatter(window, self.spans, self.ncol, 1.0)


class ISpline(SplineEngine):
    """I-splines: the integrals of the M-splines (their own integral is what C-splines
    scale)."""

    def basis(self) -> np.ndarray:
        return MSpline(self.x, self.knots, self.degree).integral()

    def derivative(self, derivs: int) -> np.ndarray:
        m = MSpline(self.x, self.knots, self.degree)
        return m.basis() if derivs == 1 else m.derivative(derivs - 1)

    def integral(self) -> np.ndarray:
        i_mat = drop_first(BSpline(self.x, self.knots, self.degree + 1).integral())
        last = self.spans.idx + self.degree
        out = np.zeros_like(i_mat)
        acc = np.zeros(len(self.x))
        for j in range(i_mat.shape[1] - 1, -1, -1):
            active = j <= last
            acc = np.where(active, acc + i_mat[:, j], acc)
            out[:, j] = np.where(active, acc, 0.0)
        return out


class CSpline(SplineEngine):
    """C-splines: integrals of the I-splines, each divided by its value at the right
    boundary knot."""

    def scales(self) -> np.ndarray:
        """The I-spline integrals at the right boundary knot (each column's divisor)."""
        return ISpline(self.knots.boundary[1:], self.knots, self.degree).integral()[0]

    def basis(self) -> np.ndarray:
        return ISpline(self.x, self.knots, self.degree).integral() / self.scales()

    def derivative(self, derivs: int) -> np.ndarray:
        if derivs == 1:
            return ISpline(self.x, self.knots, self.degree).basis() / self.scales()
        m = MSpline(self.x, self.knots, self.degree)
        return (m.basis() if derivs == 2 else m.derivative(derivs - 2)) / self.scales()


# --------------------------------------------------------------------------- natural splines
def _natural_null_space(knots: Knots) -> np.ndarray:
    """splines2's basis of cubic B-spline combinations with zero second derivatives at
    both boundary knots, each column scaled to sum to one."""
    inner, (left, right) = knots.internal, knots.boundary
    df = len(inner) + 2
    n = np.zeros((df + 2, df))
    if len(inner) == 0:
        n[:3, 0] = [3.0, 2.0, 1.0]
        n[1:4, 1] = [1.0, 2.0, 3.0]
    elif len(inner) == 1:
        n[0, 0] = 1.0 + (inner[0] - left) / (right - left)
        n[1, 0] = 1.0
        n[1, 1] = 1.0 / (1.0 / (inner[0] - left) + 1.0)
        n[2, 1] = 1.0
        n[3, 1] = 1.0 / (1.0 / (right - inner[0]) + 1.0)
        n[3, 2] = 1.0
        n[4, 2] = 1.0 + (right - inner[0]) / (right - left)
    else:
        for i in range(3):
            n[i, 0] = 1.0
            n[df - i + 1, df - 1] = 1.0
        n[1, 1] = 1.0
        n[2, 1] = 1.0 + (inner[1] - left) / (inner[0] - left)
        n[df - 1, df - 2] = 1.0 + (right - inner[-2]) / (right - inner[-1])
        n[df, df - 2] = 1.0
        for j in range(df - 4):
            n[j + 3, j + 2] = 1.0
    for j in range(df):
        n[:, j] /= _accumulate(n[:, j])
    return n


class NaturalSpline(SplineEngine):
    """Cubic B-splines on the null space above; beyond the boundary the basis goes on
    linearly (its value and slope at the boundary knot)."""

    def __init__(self, x: np.ndarray, knots: Knots, degree: int = 3):
        super().__init__(x, knots, 3)

    @property
    def ncol(self) -> int:
        return len(self.knots.internal) + 2

    def _sides(self) -> tuple[np.ndarray, np.ndarray]:
        return self.x < self.knots.boundary[0], self.x > self.knots.boundary[1]

    def _edge(self, side: int) -> tuple[np.ndarray, np.ndarray]:
        """Cubic B-splines and their slopes at one boundary knot."""
        edge = BSpline(self.knots.boundary[side:side + 1], self.knots, 3)
        return edge.basis()[0], edge.derivative(1)[0]

    def _combine(self, bs: np.ndarray) -> np.ndarray:
        if self.knots.repeated:
            raise Splines2Error("Expected a simple knot sequence.")
        return matprod(bs, _natural_null_space(self.knots))

    def basis(self) -> np.ndarray:
        bs = BSpline(self.x, self.knots, 3).basis()
        for side, outside in enumerate(self._sides()):
            if outside.any():
                value, slope = self._edge(side)
                bs[outside] = value + slope * (self.x[outside, None] - self.knots.boundary[side])
        return self._combine(bs)

    def derivative(self, derivs: int) -> np.ndarray:
        bs = BSpline(self.x, self.knots, 3).derivative(derivs)
        for side, outside in enumerate(self._sides()):
            if outside.any():
                bs[outside] = 0.0 if derivs > 1 else self._edge(side)[1]
        return self._combine(bs)

    def integral(self) -> np.ndarray:
        spline = BSpline(self.x, self.knots, 3)
        bs = spline.integral()
        left, right = self._sides()
        bs[left] = 0.0
        if right.any():
            edge = self.knots.boundary[1]
            start = spline.at(np.array([edge])).integral()[0]
            value, slope = self._edge(1)
            step = (self.x[right] - edge)[:, None]
            bs[right] = start + value * step + 0.5 * slope * step * step
        return self._combine(bs)


# --------------------------------------------------------------------------- periodic M-splines
def _periodic_sequence(knots: Knots, degree: int) -> np.ndarray:
    """The internal knots with ``degree`` more on each side, mirroring the knot spans
    at the other end (the knots one period away)."""
    inner = knots.internal
    res = np.zeros(len(inner) + 2 * (degree + 1))
    if len(res) < 3:
        raise Splines2Error("Col::subvec(): indices out of bounds or incorrectly used")
    res[degree + 1:degree + 1 + len(inner)] = inner
    res[degree] = knots.boundary[0]
    res[len(res) - 1 - degree] = knots.boundary[1]
    last = degree + len(inner)
    for i in range(degree):
        res[degree - i - 1] = res[degree - i] - (res[last - i + 1] - res[last - i])
        res[last + i + 2] = res[last + i + 1] + (res[degree + i + 1] - res[degree + i])
    return res


def _fold(x: np.ndarray, boundary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x moved into the boundary range by whole periods, and how many periods."""
    size = boundary[1] - boundary[0]
    shift = np.floor((x - boundary[0]) / size)
    return x - size * shift, shift


class PeriodicMSpline(SplineEngine):
    """M-splines over one period, wrapped around (the first ``degree`` and the last
    ``degree`` splines of the extended sequence add up)."""

    @property
    def ncol(self) -> int:
        return len(self.knots.internal) + 1

    def _check(self) -> None:
        if self.knots.repeated:
            raise Splines2Error("Expected a simple knot sequence.")
        if len(self.knots.internal) + 1 < self.degree:
            raise Splines2Error("The number of unique internal knots must be >= degree - 1.")

    def _extended(self, x: np.ndarray) -> MSpline:
        res = _periodic_sequence(self.knots, self.degree)
        return MSpline(x, Knots(res[1:-1], res[[0, -1]]), self.degree)

    def _trim(self, m: np.ndarray) -> np.ndarray:
        """Without the first and the last ``degree`` splines of the extended sequence."""
        return m[:, self.degree:m.shape[1] - self.degree]

    def _clamp(self, m: np.ndarray) -> np.ndarray:
        """Wrap a trimmed basis around: its last ``degree`` columns add to its first."""
        d = self.degree
        wrapped = m[:, :d] + m[:, m.shape[1] - d:]
        if len(self.knots.internal) + 1 > d:
            return np.hstack([m[:, d:len(self.knots.internal) + 1], wrapped])
        return wrapped

    def basis(self) -> np.ndarray:
        self._check()
        folded = _fold(self.x, self.knots.boundary)[0]
        return self._clamp(self._trim(self._extended(folded).basis()))

    def derivative(self, derivs: int) -> np.ndarray:
        self._check()
        if self.degree < derivs:
            return np.zeros((len(self.x), self.ncol))
        folded = _fold(self.x, self.knots.boundary)[0]
        return self._clamp(self._trim(self._extended(folded).derivative(derivs)))

    def integral(self) -> np.ndarray:
        """Integrals from the left boundary knot, one more per whole period (zero for x
        left of the first period)."""
        self._check()
        folded, shift = _fold(self.x, self.knots.boundary)
        spline = self._extended(folded)
        start = self._trim(spline.at(self.knots.boundary[:1]).integral())[0]
        values = self._clamp(self._trim(spline.integral()) - start)
        return (values + shift[:, None]) * (shift >= 0)[:, None].astype(float)


# --------------------------------------------------------------------------- Bernstein
class BernsteinPoly(SplineEngine):
    """Bernstein polynomials of ``degree`` over the boundary knots."""

    @property
    def ncol(self) -> int:
        return self.order

    def _rows(self) -> np.ndarray:
        """The polynomials at x, one row each."""
        (left, right), size = self.knots.boundary, self.knots.boundary[1] - self.knots.boundary[0]
        to_right, from_left = right - self.x, self.x - left
        b = np.empty((self.order, len(self.x)))
        b[0] = 1.0
        for k in range(1, self.order):
            saved: float | np.ndarray = 0.0
            for j in range(k):
                term = b[j] / size
                np.add(saved, to_right * term, out=b[j])
                saved = from_left * term
            b[k] = saved
        return b

    def basis(self) -> np.ndarray:
        return self._rows().T

    def at_degree(self, degree: int) -> "BernsteinPoly":
        """The same polynomials at another degree (refused on an empty range, as
        splines2's copy checks its boundary)."""
        if not self.knots.boundary[0] < self.knots.boundary[1]:
            raise Splines2Error("The left boundary must be less than the right boundary.")
        return BernsteinPoly(self.x, self.knots, degree)

    def derivative(self, derivs: int) -> np.ndarray:
        if self.degree < derivs:
            return np.zeros((len(self.x), self.order))
        size = self.knots.boundary[1] - self.knots.boundary[0]
        d = np.zeros((self.order, len(self.x)))
        d[:self.order - derivs] = self.at_degree(self.degree - derivs)._rows()
        for k in range(1, derivs + 1):
            numer = self.degree - (derivs - k)
            factor = numer / size
            saved: float | np.ndarray = 0.0
            for j in range(numer):
                term = factor * d[j]
                np.subtract(saved, term, out=d[j])
                saved = term
            d[numer] = saved
        return d.T

    def integral(self) -> np.ndarray:
        size = self.knots.boundary[1] - self.knots.boundary[0]
        upper = self.at_degree(self.order)._rows()[1:]
        return _rev_cumsum(upper * (size / self.order)).T


# --------------------------------------------------------------------------- the R functions
@dataclass
class Basis:
    """What a splines2 function returns: the basis (NaN rows for NA x) and the
    attributes it carries, in R's order (``dim`` and ``x`` left out)."""

    values: np.ndarray
    attrs: dict[str, Any]


def _integer(value: Any, what: str, default: int = 0) -> int:
    """``as.integer()`` of a scalar argument, refusing negatives as splines2 does."""
    number = default if value is None else int(np.asarray(value, dtype=float).ravel()[0])
    if number < 0:
        raise Splines2Error(f"The '{what}' must be a nonnegative integer.")
    return number


def _numbers(value: Any) -> np.ndarray:
    return np.array([], dtype=float) if value is None else np.asarray(value, dtype=float).ravel()


def _flag(value: Any, default: bool) -> bool:
    return default if value is None else bool(np.asarray(value).ravel()[0])


def _evaluate(engine: SplineEngine, derivs: int, integral: bool, complete: bool) -> np.ndarray:
    """:func:`_evaluate_rows` on blocks of rows (each row is evaluated alone; a block's
    temporaries stay in the cache and their memory is reused)."""
    x = engine.x
    if len(x) <= _BLOCK:
        return _evaluate_rows(engine, derivs, integral, complete)
    out = None
    for start in range(0, len(x), _BLOCK):
        block = _evaluate_rows(engine.at(x[start:start + _BLOCK]), derivs, integral, complete)
        if out is None:
            out = np.empty((len(x), block.shape[1]), order="F")
        out[start:start + _BLOCK] = block
    return out


def _evaluate_rows(engine: SplineEngine, derivs: int, integral: bool,
                   complete: bool) -> np.ndarray:
    """splines2's choice between integral, basis and derivative, then the intercept."""
    if integral and derivs == 0:
        values = engine.integral()
    elif derivs == 0 or (integral and derivs == 1):
        values = engine.basis()
    else:
        values = engine.derivative(derivs - int(integral))
    return values if complete else drop_first(values)


@dataclass
class _Args:
    """The arguments every splines2 function shares, converted as R converts them."""

    x: np.ndarray
    df: int | None
    knots: np.ndarray
    boundary: np.ndarray
    degree: int
    derivs: int
    intercept: bool

    @classmethod
    def parse(cls, x: np.ndarray, args: Mapping[str, Any], intercept: bool) -> "_Args":
        derivs = _integer(args.get("derivs"), "derivs")
        degree = _integer(args.get("degree"), "degree", 3)
        df = None if args.get("df") is None else int(np.asarray(args["df"], dtype=float).ravel()[0])
        if df is not None and df < 0:
            raise Splines2Error("The 'df' must be a nonnegative integer.")
        return cls(x, df, _numbers(args.get("knots")), _numbers(args.get("Boundary.knots")),
                   degree, derivs, _flag(args.get("intercept"), intercept))

    @property
    def spline_df(self) -> int | None:
        """The size of the complete basis ``df`` asks for, when it sets the knots."""
        if self.df and len(self.knots) == 0:
            return self.df + int(not self.intercept)
        return None

    def knots_for(self, order: int) -> Knots:
        """Knots from ``knots``, or from ``df`` (``order`` = basis size without internal
        knots) when no knots are given."""
        spline_df = self.spline_df
        if spline_df is not None:
            if spline_df < order:
                raise Splines2Error("The specified df was too small.")
            return _df_knots(self.x, spline_df - order, self.boundary)
        return _set_knots(self.x, self.knots, self.boundary)


def _common_attrs(args: _Args, knots: Knots) -> dict[str, Any]:
    return {"degree": args.degree, "knots": knots.internal, "Boundary.knots": knots.boundary,
            "derivs": args.derivs}


def b_spline(args: _Args, rest: Mapping[str, Any]) -> Basis:
    integral = _flag(rest.get("integral"), False)
    knots = args.knots_for(args.degree + 1)
    values = _evaluate(BSpline(args.x, knots, args.degree), args.derivs, integral, args.intercept)
    return Basis(values, {**_common_attrs(args, knots), "integral": integral,
                          "intercept": args.intercept})


def _periodic_knots(args: _Args) -> Knots:
    spline_df = args.spline_df
    if spline_df is not None:
        if spline_df < args.degree:
            raise Splines2Error("The specified 'df' must be > 'degree'.")
        if spline_df < 2:
            raise Splines2Error("Col::subvec(): indices out of bounds or incorrectly used")
        return _df_knots(args.x, spline_df - 1, args.boundary,
                         lambda x, k: _fold(x, k.boundary)[0])
    knots = _set_knots(args.x, args.knots, args.boundary)
    if len(knots.internal) + 1 < args.degree:
        raise Splines2Error("The number of unique internal knots must be >= degree - 1.")
    return knots


def m_spline(args: _Args, rest: Mapping[str, Any]) -> Basis:
    integral = _flag(rest.get("integral"), False)
    periodic = _flag(rest.get("periodic"), False)
    if periodic and args.df is not None and args.df < args.degree:
        raise Splines2Error("The 'df' must be >= 'degree' for periodic spline basis.")
    if periodic:
        knots = _periodic_knots(args)
        engine: SplineEngine = PeriodicMSpline(args.x, knots, args.degree)
    else:
        knots = args.knots_for(args.degree + 1)
        engine = MSpline(args.x, knots, args.degree)
    values = _evaluate(engine, args.derivs, integral, args.intercept)
    return Basis(values, {**_common_attrs(args, knots), "integral": integral,
                          "periodic": periodic, "intercept": args.intercept})


def i_spline(args: _Args, rest: Mapping[str, Any]) -> Basis:
    if args.derivs > 0:  # splines2 hands over to mSpline with one derivative less
        return m_spline(_replace(args, derivs=args.derivs - 1), rest)
    knots = args.knots_for(args.degree + 1)
    values = _evaluate(ISpline(args.x, knots, args.degree), 0, False, args.intercept)
    return Basis(values, {**_common_attrs(args, knots), "intercept": args.intercept})


def c_spline(args: _Args, rest: Mapping[str, Any]) -> Basis:
    scale = _flag(rest.get("scale"), True)
    knots = args.knots_for(args.degree + 1)
    if scale:
        engine = CSpline(args.x, knots, args.degree)
        if args.derivs == 0:
            values = _evaluate(engine, 0, False, args.intercept)
        elif args.intercept:
            values = engine.derivative(args.derivs)
        else:  # splines2 divides a basis without its first column by every scale
            drop_first(np.zeros((0, engine.ncol)))
            raise Splines2Error(f"each_row(): incompatible size; expected 1x{engine.ncol - 1}, "
                                f"got 1x{engine.ncol}")
        return Basis(values, {**_common_attrs(args, knots), "intercept": args.intercept,
                              "scales": engine.scales(), "scale": True})
    ispline = ISpline(args.x, knots, args.degree)
    if args.derivs == 0:
        values = _evaluate(ispline, 0, True, args.intercept)
        return Basis(values, {**_common_attrs(args, knots), "intercept": args.intercept,
                              "scale": False})
    inner = _replace(args, derivs=args.derivs - 1)
    values = _evaluate(ispline, inner.derivs, False, args.intercept)
    return Basis(values, {**_common_attrs(inner, knots), "intercept": args.intercept})


def natural_spline(args: _Args, rest: Mapping[str, Any]) -> Basis:
    integral = _flag(rest.get("integral"), False)
    if args.df is not None and args.df < 2:
        raise Splines2Error("The 'df' must be >= 2.")
    if args.spline_df is not None:
        knots = _df_knots(args.x, args.spline_df - 2, args.boundary)
    else:
        knots = _set_knots(args.x, args.knots, args.boundary)
    values = _evaluate(NaturalSpline(args.x, knots), args.derivs, integral, args.intercept)
    return Basis(values, {"knots": knots.internal, "Boundary.knots": knots.boundary,
                          "derivs": args.derivs, "integral": integral,
                          "intercept": args.intercept})


def bernstein_poly(args: _Args, rest: Mapping[str, Any]) -> Basis:
    integral = _flag(rest.get("integral"), False)
    x, boundary = args.x, args.boundary
    if len(boundary) == 0:
        boundary = np.array([_arma_extreme(x, True), _arma_extreme(x, False)])
    elif len(boundary) != 2:
        raise Splines2Error("Need two distinct boundary knots.")
    elif np.isnan(boundary).any():
        raise Splines2Error("Boundary knots cannot contain NA.")
    elif boundary[0] >= boundary[1]:
        raise Splines2Error("The left boundary must be less than the right boundary.")
    elif ((x < boundary[0]) | (x > boundary[1])).any():
        raise Splines2Error("The 'x' must be inside of boundary.")
    engine = BernsteinPoly(x, Knots(np.array([]), boundary), args.degree)
    values = _evaluate(engine, args.derivs, integral, args.intercept)
    return Basis(values, {"degree": args.degree, "Boundary.knots": boundary,
                          "derivs": args.derivs, "integral": integral,
                          "intercept": args.intercept})


def _replace(args: _Args, **changes: Any) -> _Args:
    return _Args(**{**vars(args), **changes})


@dataclass(frozen=True)
class Function:
    """One splines2 R function: its formal arguments (after ``x``), its ``intercept``
    default and its port."""

    formals: tuple[str, ...]
    intercept: bool
    run: Callable[[_Args, Mapping[str, Any]], Basis]


_SPLINE_FORMALS = ("df", "knots", "degree", "intercept", "Boundary.knots", "derivs")
FUNCTIONS: dict[str, Function] = {
    "bSpline": Function((*_SPLINE_FORMALS, "integral"), False, b_spline),
    "mSpline": Function((*_SPLINE_FORMALS, "periodic", "integral"), False, m_spline),
    "iSpline": Function(_SPLINE_FORMALS, True, i_spline),
    "cSpline": Function((*_SPLINE_FORMALS, "scale"), True, c_spline),
    "naturalSpline": Function(("df", "knots", "intercept", "Boundary.knots", "derivs",
                               "integral"), False, natural_spline),
    "bernsteinPoly": Function(("degree", "intercept", "Boundary.knots", "derivs", "integral"),
                              False, bernstein_poly),
}


def match_args(fn: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """R's argument matching for ``fn``: exact names, unique partial names, and the rest
    left to ``...`` (which every splines2 function ignores, except that iSpline passes
    it on to mSpline)."""
    formals = FUNCTIONS[fn].formals
    matched: dict[str, Any] = {}
    for name, value in args.items():
        if name in formals:
            matched[name] = value
            continue
        partial = [f for f in formals if f.startswith(name) and f not in args]
        if len(partial) == 1:
            matched[partial[0]] = value
        elif len(partial) > 1:
            raise Splines2Error(f"argument {len(matched) + 1} matches multiple formal arguments")
        elif fn == "iSpline":
            matched[name] = value
    return matched


def call(fn: str, x: np.ndarray, args: Mapping[str, Any]) -> Basis:
    """``splines2::<fn>(x, <args>)``: the basis of x (NA rows NaN) and its attributes."""
    function = FUNCTIONS[fn]
    x = np.asarray(x, dtype=float)
    missing = np.isnan(x)
    if missing.all():
        raise Splines2Error("The 'x' cannot be all NA's!")
    matched = match_args(fn, args)
    some_missing = missing.any()
    parsed = _Args.parse(x[~missing] if some_missing else x, matched, function.intercept)
    with np.errstate(all="ignore"):
        result = function.run(parsed, matched)
    if not some_missing:
        return result
    values = np.full((len(x), result.values.shape[1]), np.nan, order="F")
    values[~missing] = result.values
    return Basis(values, result.attrs)

