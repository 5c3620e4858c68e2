"""R's default random numbers: ``set.seed()`` + Mersenne-Twister + inversion ``rnorm``.

Needed to reproduce kerasnip's joint multistep prediction draws, which use R's own RNG
(``set.seed(s); rnorm(n)`` here gives R's numbers, up to ``qnorm`` rounding).
"""
from __future__ import annotations

import numpy as np
from scipy.special import ndtri

_MT_N = 624
_TWO_32_INV = 2.3283064365386963e-10  # R's MT_genrand scale: 1 / 2^32
_FIXUP = 2.328306437080797e-10  # R's fixup margin: 1 / (2^32 - 1)
_BIG = 134217728  # 2^27, R's inversion resolution


def _lcg(seed: int, n: int) -> tuple[int, list[int]]:
    values = []
    for _ in range(n):
        seed = (69069 * seed + 1) & 0xFFFFFFFF
        values.append(seed)
    return seed, values


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

    def rnorm(self, n: int) -> np.ndarray:
        """``rnorm(n)``: two uniforms per value, then ``qnorm``."""
        u = self.unif_rand(2 * n).reshape(n, 2)
        return ndtri((np.floor(_BIG * u[:, 0]) + u[:, 1]) / _BIG)
