"""R's normal quantile and default random numbers, bit for bit.

``qnorm`` is R's algorithm (Wichura's AS 241, evaluated in R's operation order), used
for interval half-widths; ``RRandom`` is ``set.seed()`` + Mersenne-Twister + inversion
``rnorm`` + rejection ``sample()``, used by kerasnip's joint multistep prediction draws
and by recipes' random tie-breaking. ``r_session`` makes one stream the current one for
a prediction, as R's global ``.Random.seed`` is for a ``predict()`` call.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

import numpy as np

from .rmath import libm

T = TypeVar("T")

_MT_N = 624
_TWO_32_INV = 2.3283064365386963e-10  # R's MT_genrand scale: 1 / 2^32
_FIXUP = 2.328306437080797e-10  # R's fixup margin: 1 / (2^32 - 1)
_BIG = 134217728  # 2^27, R's inversion resolution


def _horner(r: np.ndarray, coefs: tuple[float, ...]) -> np.ndarray:
    """``((c0 * r + c1) * r + c2) ...`` in R's evaluation order."""
    out = r * coefs[0] + coefs[1]
    for c in coefs[2:]:
        out = out * r + c
    return out


_CENTRAL = ((2509.0809287301226727, 33430.575583588128105, 67265.770927008700853,
             45921.953931549871457, 13731.693765509461125, 1971.5909503065514427,
             133.14166789178437745, 3.387132872796366608),
            (5226.495278852854561, 28729.085735721942674, 39307.89580009271061,
             21213.794301586595867, 5394.1960214247511077, 687.1870074920579083,
             42.313330701600911252, 1.0))
_NEAR = ((7.7454501427834140764e-4, 0.0227238449892691845833, 0.24178072517745061177,
          1.27045825245236838258, 3.64784832476320460504, 5.7694972214606914055,
          4.6303378461565452959, 1.42343711074968357734),
         (1.05075007164441684324e-9, 5.475938084995344946e-4, 0.0151986665636164571966,
          0.14810397642748007459, 0.68976733498510000455, 1.6763848301838038494,
          2.05319162663775882187, 1.0))
_FAR = ((2.01033439929228813265e-7, 2.71155556874348757815e-5, 0.0012426609473880784386,
         0.026532189526576123093, 0.29656057182850489123, 1.7848265399172913358,
         5.4637849111641143699, 6.6579046435011037772),
        (2.04426310338993978564e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5,
         7.868691311456132591e-4, 0.0148753612908506148525, 0.13692988092273580531,
         0.59983220655588793769, 1.0))


def qnorm(p: "float | np.ndarray") -> np.ndarray:
    """R's ``qnorm(p)`` (lower tail) for probabilities in (0, 1)."""
    p = np.asarray(p, dtype=np.float64)
    q = p - 0.5
    r_central = 0.180625 - q * q
    central = q * _horner(r_central, _CENTRAL[0]) / _horner(r_central, _CENTRAL[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(-libm("log")(np.where(q < 0, p, 1 - p)))  # C's log, as R's qnorm
        near = _horner(r - 1.6, _NEAR[0]) / _horner(r - 1.6, _NEAR[1])
        far = _horner(r - 5.0, _FAR[0]) / _horner(r - 5.0, _FAR[1])
    tail = np.where(r <= 5.0, near, far)
    return np.where(np.abs(q) <= 0.425, central, np.where(q < 0, -tail, tail))


def _lcg(seed: int, n: int) -> tuple[int, list[int]]:
    values = []
    for _ in range(n):
        seed = (69069 * seed + 1) & 0xFFFFFFFF
        values.append(seed)
    return seed, values


def _chunk_values(uniforms: np.ndarray, bits: int) -> np.ndarray:
    """R's ``rbits``: consecutive groups of 16-bit chunks of ``uniforms`` (``bits // 16 + 1``
    per value) joined, keeping the low ``bits`` bits."""
    chunks = bits // 16 + 1
    pieces = np.floor(uniforms * 65536).astype(np.int64)
    values = np.zeros(len(pieces) // chunks, dtype=np.int64)
    for k in range(chunks):
        values = (values << 16) + pieces[k::chunks]
    return values & ((1 << bits) - 1)


class RRandom:
    """One R random stream (``RNGkind("Mersenne-Twister", "Inversion")``)."""

    def __init__(self, seed: int):
        scrambled, _ = _lcg(seed & 0xFFFFFFFF, 50)
        _, state = _lcg(scrambled, _MT_N + 1)  # R's first word is the position
        self._bits = np.random.MT19937()
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": np.array(state[1:], dtype=np.uint32), "pos": _MT_N}}

    def unif_rand(self, n: int) -> np.ndarray:
        """``runif(n)`` values in (0, 1) as R's ``unif_rand`` makes them."""
        u = self._bits.random_raw(n).astype(np.float64) * _TWO_32_INV
        return np.clip(u, 0.5 * _FIXUP, 1 - 0.5 * _FIXUP)

    def unif_index(self, n: int) -> int:
        """R's ``R_unif_index(n)`` (sample kind "Rejection"): an integer in ``[0, n)``
        from 16-bit chunks of uniforms (as many as ``n - 1`` has bits, plus one), redrawn
        until it is below ``n``."""
        bits = max(int(n - 1).bit_length(), 0)
        while True:
            value = int(_chunk_values(self.unif_rand(bits // 16 + 1), bits)[0])
            if value < n:
                return value

    def unif_indices(self, n: int, size: int) -> np.ndarray:
        """``size`` draws of :meth:`unif_index`, their attempts taken in blocks; the
        stream is then set just past the uniforms R would have used."""
        bits = max(int(n - 1).bit_length(), 0)
        chunks = bits // 16 + 1
        out: list[int] = []
        while len(out) < size:
            need = size - len(out)
            state = self._bits.state
            attempts = 2 * need + 8  # a draw passes with probability above 1/2
            values = _chunk_values(self.unif_rand(attempts * chunks), bits)
            accepted = np.flatnonzero(values < n)[:need]
            out += values[accepted].tolist()
            if len(accepted) == need:
                self._bits.state = state
                self._bits.random_raw((int(accepted[-1]) + 1) * chunks)
        return np.asarray(out, dtype=np.int64)

    def sample_one(self, options: Sequence[T]) -> T:
        """R's ``sample(options, size = 1)``; draws even when there is one option, as R does."""
        return options[self.unif_index(len(options))]

    def sample(self, n: int, size: int, replace: bool) -> list[int]:
        """R's ``sample.int(n, size, replace)`` (1-based), as ``do_sample`` draws it:
        with replacement one index per value; without, each draw takes a position of
        the remaining pool, whose last element fills the gap."""
        if replace:
            return (self.unif_indices(n, size) + 1).tolist()
        pool = list(range(n))
        out = []
        for _ in range(size):
            k = self.unif_index(len(pool))
            out.append(pool[k] + 1)
            pool[k] = pool[-1]
            pool.pop()
        return out

    def runif(self, n: int, low: float, high: float) -> np.ndarray:
        """``runif(n, low, high)``: NaN without a draw when a bound is not finite or
        ``high < low`` (R warns "NAs produced"), ``low`` without a draw when they are
        equal."""
        if not (math.isfinite(low) and math.isfinite(high) and high >= low):
            return np.full(n, np.nan)
        if high == low:
            return np.full(n, float(low))
        return low + (high - low) * self.unif_rand(n)

    def rnorm(self, n: int) -> np.ndarray:
        """``rnorm(n)``: two uniforms per value, then ``qnorm``."""
        u = self.unif_rand(2 * n).reshape(n, 2)
        return qnorm((np.floor(_BIG * u[:, 0]) + u[:, 1]) / _BIG)


_CURRENT: ContextVar["RRandom | None"] = ContextVar("pykerasnip_r_stream", default=None)


@contextmanager
def r_session(seed: int | None) -> Iterator["RRandom | None"]:
    """Within the block, :func:`current_stream` is R's stream after ``set.seed(seed)``;
    with ``seed=None`` an enclosing session's stream (or none) stays current."""
    if seed is None:
        yield _CURRENT.get()
        return
    token = _CURRENT.set(RRandom(seed))
    try:
        yield _CURRENT.get()
    finally:
        _CURRENT.reset(token)


def set_seed(seed: int) -> RRandom:
    """R's ``set.seed(seed)`` run by R code (ipred's bagging in recipes): a new stream,
    which inside an :func:`r_session` also becomes the session's, as R's global stream
    goes on from there."""
    stream = RRandom(seed)
    if _CURRENT.get() is not None:
        _CURRENT.set(stream)
    return stream


def current_stream() -> "RRandom | None":
    """The stream of the enclosing :func:`r_session`, if one was seeded."""
    return _CURRENT.get()
